"""Shipped files come from one place; a project's registry is chosen, not edited in place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scmgraph.cli.main import main
from scmgraph.rdf.terms import default_ontology_path, default_shapes_dir
from scmgraph.registry.files import default_data_dir
from scmgraph.resources import shipped
from scmgraph.sparql.query import default_queries_dir

ROOT = Path(__file__).resolve().parents[1]
JAPAN = ROOT / "tests" / "fixtures" / "unseen" / "us_japan_scc_2023.txt"
JAPAN_REGISTRY = ROOT / "tests" / "fixtures" / "registry-japan" / "registry"


def test_a_checkout_reads_its_own_top_level_folders() -> None:
    assert default_data_dir() == ROOT / "data"
    assert default_queries_dir() == ROOT / "queries"
    assert default_ontology_path() == ROOT / "ontology" / "scmgraph.ttl"
    assert default_shapes_dir() == ROOT / "shapes"


def test_only_the_shipped_folders_are_resources() -> None:
    with pytest.raises(ValueError, match="'communiques' is not shipped"):
        shipped("communiques")


@pytest.fixture(scope="module")
def japan_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data/ with the parties and posts of the U.S.-Japan alliance."""
    folder = tmp_path_factory.mktemp("japan") / "data"
    shutil.copytree(default_data_dir() / "registry", folder / "registry")
    for name in ("discovery.yaml", "meeting.yaml"):
        shutil.copyfile(default_data_dir() / name, folder / name)
    for name in ("parties.yaml", "posts.yaml"):
        shutil.copyfile(JAPAN_REGISTRY / name, folder / "registry" / name)
    return folder


def _heads(out: Path) -> list[tuple[str, str]]:
    view = json.loads((out / "us_japan_scc_2023.json").read_text(encoding="utf-8"))
    return [(h["name"], h["party"]) for h in view["meeting"]["heads"]]


JAPAN_HEADS = [
    ("Antony J. Blinken", "US"),
    ("Lloyd J. Austin III", "US"),
    ("Hayashi Yoshimasa", "JP"),
    ("Hamada Yasukazu", "JP"),
]


def test_registry_option_reads_another_alliance(japan_registry: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    shipped_out, japan_out = tmp_path / "shipped", tmp_path / "japan"
    args = ["statements", str(JAPAN), "--out"]
    assert runner.invoke(main, [*args, str(shipped_out)]).exit_code == 0
    assert ("Hamada Yasukazu", "JP") not in _heads(shipped_out)
    result = runner.invoke(main, [*args, str(japan_out), "--registry", str(japan_registry)])
    assert result.exit_code == 0, result.output
    assert _heads(japan_out) == JAPAN_HEADS


def test_registry_variable_reads_another_alliance(japan_registry: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["statements", str(JAPAN), "--out", str(tmp_path)],
        env={"SCMGRAPH_REGISTRY": str(japan_registry)},
    )
    assert result.exit_code == 0, result.output
    assert _heads(tmp_path) == JAPAN_HEADS


def test_a_registry_folder_without_files_is_a_one_line_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--corpus",
            str(ROOT / "data" / "communiques"),
            "--out",
            str(tmp_path / "graph"),
            "--registry",
            str(empty),
        ],
    )
    assert result.exit_code == 2
    assert (
        result.output == f"error: {empty / 'registry' / 'parties.yaml'}: registry file is missing\n"
    )
    assert not (tmp_path / "graph").exists()
