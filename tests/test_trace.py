"""`scmgraph trace` and `scmgraph diff` on the built corpus graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from scmgraph.build.corpus import build
from scmgraph.cli.main import main
from scmgraph.errors import QueryError
from scmgraph.views.compare import diff
from scmgraph.views.trace import statement_at, trace

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
ID = "https://w3id.org/scmgraph/id/"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graph")
    build(CORPUS, out)
    return out / "store"


@pytest.fixture(scope="module")
def store(store_path: Path) -> ox.Store:
    return ox.Store.read_only(str(store_path.resolve()))


def test_statement_at_counts_statements_in_paragraph_order(store: ox.Store) -> None:
    # §11 of the 53rd: express, review, acknowledge, reaffirm, pledge.
    assert statement_at(store, "scm-53:11:4") == ID + "statement/scm-53/p11/s3/1"
    assert statement_at(store, "053_scm_2021:11:5") == ID + "statement/scm-53/p11/s3/2"


def test_trace_reaches_the_characters_of_the_source_file(store: ox.Store) -> None:
    chain = trace(store, ID + "statement/scm-53/p11/s3/2")
    assert (chain.verb, chain.verb_class, chain.actors) == ("pledge", "commitment", "ROK US")
    assert chain.file_name == "053_scm_2021.txt"
    source = (CORPUS / chain.file_name).read_text(encoding="utf-8")
    import hashlib

    assert chain.sha256 == hashlib.sha256((CORPUS / chain.file_name).read_bytes()).hexdigest()
    begin, end = chain.sentence_span
    assert source[begin:end] == chain.sentence_text
    assert chain.sentence_text.endswith("complete the relocation by next year.")
    assert chain.verb_span and source[chain.verb_span[0] : chain.verb_span[1]] == "pledged"
    assert chain.paragraph_number == 11 and chain.tool_version == "0.1.0"


def test_trace_command_marks_the_sentence_and_the_verb(store_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["trace", "--statement", "scm-52:19:3", "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    assert "052_scm_2020.txt" in result.output
    assert "»The two sides [concurred] in the necessity of expeditiously resolving" in result.output


@pytest.mark.parametrize(
    "reference", ["scm-53:11:99", "nowhere:1:1", "scm-53:11", "scm-53:x:1", '"; DROP ALL; #:1:1']
)
def test_trace_rejects_bad_references(store: ox.Store, reference: str) -> None:
    with pytest.raises(QueryError):
        statement_at(store, reference)


def test_diff_links_the_relocation_and_fulfils_the_sma(store: ox.Store) -> None:
    result = diff(store, 52, 53)
    assert result.series == "SCM"
    pairs = {
        (previous.paragraph, current.paragraph, kind)
        for kind, items in result.carried.items()
        for previous, current, _, _ in items
    }
    assert {(p, c) for p, c, _ in pairs} >= {(10, 11), (19, 20)}
    sma = [
        (previous.verb, current.verb)
        for previous, current, _, label in result.carried["fulfilled"]
        if "Special Measures Agreement" in label
    ]
    assert sma  # the 53rd reports the SMA ratified that the 52nd urged
    linked = sum(len(items) for items in result.carried.values())
    assert linked + len(result.new) == 115  # every statement of the 53rd, once
    assert len(result.dropped) < 99


def test_diff_command_prints_a_report(store_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "52", "53", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("SCM 52 → SCM 53:")
    assert "fulfilled (" in result.output and "new in SCM 53" in result.output


def test_diff_of_a_missing_meeting_is_an_error(store_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "50", "51", "--store", str(store_path)])
    assert result.exit_code == 2
    assert "give --series" in result.stderr
