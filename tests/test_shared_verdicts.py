"""The links and provenance graphs are validated each on its own, with the whole
build's IRI (which changes with every input) replaced by a fixed one: a rebuild
whose entities and posts are unchanged finds the links graph's verdict in the
cache, and every verdict is the one the graph as built gets."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from rdflib import URIRef

from builds import Counting
from scmgraph.build.corpus import build
from scmgraph.build.outputs import neutral_verdict
from scmgraph.build.units import UnitCache, UnitContext, env_digest
from scmgraph.rdf.terms import LINKS_GRAPH, PROVENANCE_GRAPH, build_iri
from scmgraph.rdf.validate import short
from scmgraph.registry.load import load_registry

ROOT = Path(__file__).resolve().parents[1]
GENERATED_BY = b"<http://www.w3.org/ns/prov#wasGeneratedBy>"
A_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
NAMED_ENTITY = b"<https://w3id.org/scmgraph/ontology#NamedEntity>"


@pytest.fixture(scope="module")
def context() -> UnitContext:
    registry = load_registry()
    return UnitContext(registry, env_digest(registry))


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The given corpus's links graph (without its thread links) and provenance graph,
    as its build cached them, and the whole build's IRI they name."""
    out = tmp_path_factory.mktemp("built")
    corpus = out / "corpus"
    shutil.copytree(ROOT / "data" / "communiques", corpus)
    build(corpus, out / "graph", jobs=1)
    cache = UnitCache(out / "graph" / "cache")
    (found,) = [cache.load(p.stem) for p in cache.folder.glob("cross-*.pickle")]
    assert isinstance(found, dict)
    links, provenance = (b"".join(found[str(iri)]) for iri in (LINKS_GRAPH, PROVENANCE_GRAPH))
    named = {line.split(b" ")[2] for line in links.splitlines() if GENERATED_BY in line}
    assert len(named) == 1  # every node of the links graph names the whole build
    return {"links": links, "provenance": provenance, "build": named.pop()}


def other_build(digest: str) -> bytes:
    return f"<{build_iri(digest)}>".encode()


def test_a_graph_differing_only_in_its_build_is_validated_once(
    context: UnitContext, shared: dict[str, bytes], tmp_path: Path
) -> None:
    counting = Counting(context.validator)
    checking = SimpleNamespace(env=context.env, validator=counting)
    cache, keep = UnitCache(tmp_path / "cache"), set()
    links, built = shared["links"], shared["build"]
    first = neutral_verdict(links, built, checking, cache, keep)  # type: ignore[arg-type]
    assert first == (True, []) == context.validator.check_lines(links)
    assert counting.checks == 1 and len(keep) == 1
    rebuilt = other_build("5" * 16)
    again = links.replace(built, rebuilt)
    assert neutral_verdict(again, rebuilt, checking, cache, keep) == (True, [])  # type: ignore[arg-type]
    assert counting.checks == 1 and len(keep) == 1
    changed = links.replace(b'rdf-schema#label> "', b'rdf-schema#label> "x', 1)
    assert changed != links
    neutral_verdict(changed, built, checking, cache, keep)  # type: ignore[arg-type]
    assert counting.checks == 2 and len(keep) == 2


def test_violations_name_the_build_the_graph_names(
    context: UnitContext, shared: dict[str, bytes], tmp_path: Path
) -> None:
    cache = UnitCache(tmp_path / "cache")
    for built in (shared["build"], other_build("7" * 16)):
        links = shared["links"].replace(shared["build"], built)
        broken = links + b" ".join([built, A_TYPE, NAMED_ENTITY, b".\n"])  # no label
        expected = context.validator.check_lines(broken)
        assert not expected[0]
        assert short(URIRef(built.decode()[1:-1])) in {v.focus for v in expected[1]}
        assert neutral_verdict(broken, built, context, cache, set()) == expected


def test_the_provenance_graph_gets_its_own_verdict(
    context: UnitContext, shared: dict[str, bytes], tmp_path: Path
) -> None:
    provenance, built = shared["provenance"], shared["build"]
    assert built in provenance  # the build activity it describes
    cache = UnitCache(tmp_path / "cache")
    assert neutral_verdict(provenance, built, context, cache, set()) == (True, [])
    kept = [line for line in provenance.splitlines(keepends=True) if not line.startswith(built)]
    activity = b"<https://w3id.org/scmgraph/ontology#BuildActivity>"
    broken = b"".join(kept) + b" ".join([built, A_TYPE, activity, b".\n"])  # no tool version
    expected = context.validator.check_lines(broken)
    assert not expected[0]
    assert neutral_verdict(broken, built, context, cache, set()) == expected
