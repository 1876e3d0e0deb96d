"""`scmgraph build`, `validate`, `statements` and `export statements` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, URIRef

from scmgraph.build import pipeline
from scmgraph.build.blocks import graph_blocks
from scmgraph.build.corpus import build, build_lock
from scmgraph.build.nodes import PartBlocks, inner_blocks, parts_blocks
from scmgraph.cli.main import main
from scmgraph.errors import BuildError
from scmgraph.rdf import convert as to_rdf
from scmgraph.rdf.terms import PREFIXES as TERM_PREFIXES
from scmgraph.views.evaluate import evaluate_dirs

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
GOLD = ROOT / "tests" / "gold"
OUTPUTS = ("scmgraph.trig", "scmgraph.nq", "scmgraph.ttl", "scmgraph.jsonld")
SCM = "https://w3id.org/scmgraph/ontology#"
PREFIXES = dict(TERM_PREFIXES)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graph")
    build(CORPUS, out)
    return out


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def test_build_publishes_every_file_and_a_queryable_store(built: Path) -> None:
    for name in OUTPUTS:
        assert (built / name).stat().st_size > 100_000
    store = ox.Store.read_only(str((built / "store").resolve()))
    rows = store.query(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{SCM}Statement> }}",
        use_default_graph_as_union=True,
    )
    assert int(next(iter(rows))["n"].value) == 214


def test_turtle_and_trig_are_pyoxigraphs_serialisations_of_the_nquads(built: Path) -> None:
    """Written from cached blocks, the files are what pyoxigraph writes from the whole
    graph: TriG from the N-Quads as they are, Turtle from their distinct triples, sorted."""
    nquads = (built / "scmgraph.nq").read_bytes()
    trig = ox.serialize(
        ox.parse(nquads, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.TRIG, prefixes=PREFIXES
    )
    assert (built / "scmgraph.trig").read_bytes() == trig
    triples = sorted({line.rsplit(b" ", 2)[0] + b" .\n" for line in nquads.splitlines()})
    turtle = ox.serialize(
        ox.parse(b"".join(triples), format=ox.RdfFormat.N_TRIPLES),
        format=ox.RdfFormat.TURTLE,
        prefixes=PREFIXES,
    )
    assert (built / "scmgraph.ttl").read_bytes() == turtle
    assert len(triples) < len(nquads.splitlines())  # some triples are in several graphs


def test_a_graph_whose_parts_share_a_subject_run_is_serialised_whole() -> None:
    links = "https://w3id.org/scmgraph/graph/links"
    first = b'<https://w3id.org/scmgraph/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n'
    second = b"<https://w3id.org/scmgraph/id/a> <http://www.w3.org/2002/07/owl#sameAs> <x:b> .\n"
    tail = f" <{links}> .\n".encode()
    parts = []
    for line in (first, second):
        trig, jsonld = inner_blocks(line[:-3] + tail, links)
        parts.append(PartBlocks(line.split(b" ")[0], line.split(b" ")[0], trig, jsonld))
    assert parts_blocks(links, parts) is None  # one run of ``id:a`` across both parts
    joined = parts_blocks(links, parts[:1])
    assert joined == graph_blocks(first[:-3] + tail)


def test_one_named_graph_per_communique(built: Path) -> None:
    dataset = Dataset()
    dataset.parse(built / "scmgraph.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    base = "https://w3id.org/scmgraph/graph/"
    assert {base + "communique/scm-52", base + "communique/scm-53"} <= names
    assert {base + "ontology", base + "links", base + "provenance"} <= names


def test_provenance_records_tool_version_and_input_checksums(built: Path) -> None:
    import hashlib

    text = (built / "scmgraph.nq").read_text(encoding="utf-8")
    for path in sorted(CORPUS.glob("*.txt")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in text
    assert f"{SCM}toolVersion" in text


def test_two_builds_give_identical_bytes(tmp_path: Path, built: Path) -> None:
    # A second build in a fresh process with another hash seed.
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scmgraph.cli.main",
            "build",
            "-q",
            "--corpus",
            str(CORPUS),
            "--out",
            str(out),
        ],
        check=True,
        env=env,
    )
    assert snapshot(out) == snapshot(built)


def test_committed_graph_is_the_build_of_the_committed_corpus(built: Path) -> None:
    committed = ROOT / "data" / "graph" / "scmgraph.trig"
    assert committed.read_bytes() == (built / "scmgraph.trig").read_bytes()


def test_failed_validation_leaves_the_previous_output_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "graph"
    build(CORPUS, out)
    before = snapshot(out)
    store_target = os.readlink(out / "store")
    original = to_rdf.communique_triples

    def broken(*args, **kwargs):
        graph = original(*args, **kwargs)
        # Cut every statement off from its sentence: the shapes require one.
        graph.triples = {t for t in graph.triples if t[1] != URIRef(SCM + "sentence")}
        return graph

    monkeypatch.setattr(to_rdf, "communique_triples", broken)
    with pytest.raises(BuildError, match="does not pass SHACL validation"):
        # A cache of its own: the cached units of the first build are whole.
        build(CORPUS, out, jobs=1, cache_dir=tmp_path / "cache")
    assert snapshot(out) == before
    assert os.readlink(out / "store") == store_target
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != ".lock"]


def test_a_second_build_at_the_same_time_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "graph"
    with build_lock(out), pytest.raises(BuildError, match="another scmgraph build is running"):
        build(CORPUS, out)


def test_validate_command_accepts_the_built_graph(built: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(built / "scmgraph.trig")])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output.lower()


def test_validate_command_rejects_a_broken_graph(built: Path, tmp_path: Path) -> None:
    lines = (built / "scmgraph.nq").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if f"<{SCM}sentence>" not in line]
    broken = tmp_path / "broken.nq"
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "statement/scm-52/p2/s1/1" in result.output


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "binary.txt": (b"1. The \x00\x01\x02 binary", "binary file"),
    "latin1.txt": ("1. The Minister noted the café.\n".encode("latin-1"), "not valid UTF-8"),
    "no_numbers.txt": (b"The Secretary and the Minister met.\n", "no numbered paragraphs"),
    "page.pdf": (b"%PDF-1.4", "unknown extension"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path: Path, name: str) -> None:
    data, problem = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    out = tmp_path / "views"
    result = CliRunner().invoke(main, ["statements", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert name in message and problem in message
    assert not out.exists()


def test_bad_file_in_corpus_fails_the_build_and_keeps_the_previous_graph(
    tmp_path: Path, built: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob("*.txt"):
        (corpus / path.name).write_bytes(path.read_bytes())
    (corpus / "054_broken.txt").write_bytes(b"1. The caf\xe9 broken")
    out = tmp_path / "graph"
    build(CORPUS, out)
    before = snapshot(out)
    result = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 2
    assert "054_broken.txt" in result.stderr and "not valid UTF-8" in result.stderr
    assert snapshot(out) == before


def test_missing_corpus_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(main, ["build", "--corpus", str(missing), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "nowhere" in result.stderr and "not found" in result.stderr


def test_statements_view_from_files_equals_the_export_from_the_graph(
    tmp_path: Path, built: Path
) -> None:
    runner = CliRunner()
    direct, exported = tmp_path / "direct", tmp_path / "exported"
    assert runner.invoke(main, ["statements", str(CORPUS), "--out", str(direct)]).exit_code == 0
    result = runner.invoke(
        main,
        ["export", "statements", "--graph", str(built / "scmgraph.trig"), "--out", str(exported)],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in direct.iterdir())
    assert names == ["052_scm_2020.json", "053_scm_2021.json"]
    for name in names:
        assert json.loads((direct / name).read_text()) == json.loads((exported / name).read_text())


THRESHOLDS = {
    "meeting": 1.0,
    "statement_f1": 0.92,
    "class_acc": 0.92,
    "actor_acc": 0.95,
    "entity_f1": 0.90,
    "entity_type_acc": 0.90,
    "mention_f1": 0.85,
    "topic_f1": 0.75,
    "deadline_f1": 0.80,
    "thread_recall": 0.8,
    "thread_precision": 0.8,
}


def test_extraction_quality_against_gold(tmp_path: Path) -> None:
    pipeline.statements_for_files([CORPUS], tmp_path)
    metrics = evaluate_dirs(GOLD, tmp_path).metrics()
    shortfalls = {k: metrics[k] for k, v in THRESHOLDS.items() if metrics[k] < v}
    assert not shortfalls


def test_evaluate_command_thresholds(tmp_path: Path) -> None:
    pipeline.statements_for_files([CORPUS], tmp_path)
    runner = CliRunner()
    ok = runner.invoke(
        main,
        ["evaluate", "--gold", str(GOLD), "--pred", str(tmp_path), "--min", "statement_f1=0.92"],
    )
    assert ok.exit_code == 0, ok.output
    assert "statements" in ok.output
    too_high = runner.invoke(
        main, ["evaluate", "--gold", str(GOLD), "--pred", str(tmp_path), "--min", "topic_f1=0.999"]
    )
    assert too_high.exit_code == 1
    assert "topic_f1" in too_high.stderr
