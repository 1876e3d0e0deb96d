"""The build validates on pyshacl-turbo; pyshacl, the reference, must give the same verdicts.

Both engines check one communiqué's graph (with the registries and ontology) and
the cross-document graphs, whole and broken in several ways, and must agree on
whether it conforms and on every (focus node, path, shape) they report (pyshacl
also nests, under each ``sh:node`` failure, the results that caused it: those
details are left out of the comparison).
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from scmgraph.extract.document import extract
from scmgraph.extract.threads import link_series
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.convert import communique_graph
from scmgraph.rdf.links import links_graph, provenance_graph
from scmgraph.rdf.shacl_turbo import TurboValidator
from scmgraph.rdf.sink import canonical_lines
from scmgraph.rdf.terms import ID, NIF, SCM, default_ontology_path
from scmgraph.rdf.validate import UnitValidator, short
from scmgraph.read.reader import read_document
from scmgraph.registry.load import load_registry
from scmgraph.version import __version__

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
REGISTRY = load_registry()


@pytest.fixture(scope="module")
def engines() -> tuple[TurboValidator, UnitValidator]:
    return TurboValidator(REGISTRY), UnitValidator(REGISTRY)


@pytest.fixture(scope="module")
def unit() -> Graph:
    facts = extract(read_document(CORPUS / "052_scm_2020.txt"), REGISTRY)
    return communique_graph(facts, REGISTRY, BuildInfo(__version__, (), ()))


@pytest.fixture(scope="module")
def shared() -> Graph:
    facts = [extract(read_document(p), REGISTRY) for p in sorted(CORPUS.glob("*.txt"))]
    info = BuildInfo.from_inputs(__version__, [f.document.source for f in facts], REGISTRY)
    graph = Graph()
    for part in (links_graph(facts, REGISTRY, info, link_series(facts)), provenance_graph(info)):
        for triple in part:
            graph.add(triple)
    return graph


def drop(predicate: URIRef) -> Callable[[Graph], None]:
    def change(graph: Graph) -> None:
        graph.remove((None, predicate, None))

    return change


def untyped_paragraph_numbers(graph: Graph) -> None:
    for s, p, o in list(graph.triples((None, SCM.paragraphNumber, None))):
        graph.remove((s, p, o))
        graph.add((s, p, Literal(str(o))))


def second_build(graph: Graph) -> None:
    for statement in list(graph.subjects(RDF.type, SCM.Statement))[:3]:
        graph.add((statement, PROV.wasGeneratedBy, ID["build/another"]))


def inverted_spans(graph: Graph) -> None:
    for sentence in list(graph.subjects(RDF.type, NIF.Sentence))[:2]:
        graph.set((sentence, NIF.beginIndex, Literal(10**6, datatype=XSD.nonNegativeInteger)))


UNLISTED_CLASS = ID["verb-class/unlisted"]


def class_outside_its_scheme(graph: Graph) -> None:
    statement = min(graph.subjects(RDF.type, SCM.Statement))
    graph.add((UNLISTED_CLASS, RDF.type, SCM.VerbClass))
    graph.set((statement, SCM.speechActClass, UNLISTED_CLASS))


def first_verb_phrase(graph: Graph) -> URIRef:
    return min(graph.objects(None, SCM.verbPhrase))  # type: ignore[type-var]


def verb_phrase_without_offsets(graph: Graph) -> None:
    graph.remove((first_verb_phrase(graph), NIF.beginIndex, None))


def verdicts(engines: tuple[TurboValidator, UnitValidator], graph: Graph) -> list[tuple]:
    turbo, pyshacl = engines
    lines = b"".join(canonical_lines(graph))
    results = []
    for conforms, violations in (turbo.check_lines(lines), pyshacl.check(graph, details=False)):
        results.append((conforms, sorted({(v.focus, v.path, v.shape) for v in violations})))
    return results


UNIT_CHANGES = {
    "whole": lambda graph: None,
    "statements without a sentence": drop(SCM.sentence),
    "phrases without a context": drop(NIF.referenceContext),
    "paragraph numbers as plain strings": untyped_paragraph_numbers,
    "statements from two builds": second_build,
    "spans ending before they begin": inverted_spans,
    "a speech-act class outside its scheme": class_outside_its_scheme,
    "a verb phrase without its offsets": verb_phrase_without_offsets,
}


@pytest.mark.parametrize("change", sorted(UNIT_CHANGES))
def test_both_engines_agree_on_a_communique_graph(
    engines: tuple[TurboValidator, UnitValidator], unit: Graph, change: str
) -> None:
    graph = Graph()
    for triple in unit:
        graph.add(triple)
    UNIT_CHANGES[change](graph)
    by_turbo, by_pyshacl = verdicts(engines, graph)
    assert by_turbo == by_pyshacl
    assert by_turbo[0] == (change == "whole")
    assert by_turbo[0] or by_turbo[1]


def test_a_class_outside_its_scheme_and_a_bare_verb_phrase_are_found_on_their_own_nodes(
    engines: tuple[TurboValidator, UnitValidator], unit: Graph
) -> None:
    # Both are checked as targets (each class node, each verb phrase), not from the
    # statements that name them: the result names the node and the property broken.
    for change, expected in (
        (
            class_outside_its_scheme,
            (short(UNLISTED_CLASS), "skos:inScheme", "scmsh:InVerbClassScheme-scheme"),
        ),
        (verb_phrase_without_offsets, (None, "nif:beginIndex", "scmsh:Span-begin")),
    ):
        graph = Graph()
        for triple in unit:
            graph.add(triple)
        change(graph)
        focus = expected[0] or short(first_verb_phrase(graph))
        for conforms, found in verdicts(engines, graph):
            assert not conforms
            assert (focus, *expected[1:]) in found


@pytest.mark.parametrize("change", ["whole", "thread links without their statement"])
def test_both_engines_agree_on_the_cross_document_graphs(
    engines: tuple[TurboValidator, UnitValidator], shared: Graph, change: str
) -> None:
    graph = Graph()
    for triple in shared:
        graph.add(triple)
    if change != "whole":
        graph.remove((None, SCM.currentStatement, None))
    by_turbo, by_pyshacl = verdicts(engines, graph)
    assert by_turbo == by_pyshacl
    assert by_turbo[0] == (change == "whole")


ONTOLOGY_CHANGES = {
    "whole": lambda text: text,
    "a class without a label": lambda text: text.replace('rdfs:label "build activity"@en ;', "", 1),
    "another namespace prefix": lambda text: text.replace(
        'vann:preferredNamespacePrefix "scm"', 'vann:preferredNamespacePrefix "xx"', 1
    ),
}


@pytest.mark.parametrize("change", sorted(ONTOLOGY_CHANGES))
def test_both_engines_agree_on_the_ontology(
    engines: tuple[TurboValidator, UnitValidator], change: str
) -> None:
    # The ontology's shapes pick its terms with SPARQL targets, which both engines run.
    text = ONTOLOGY_CHANGES[change](default_ontology_path().read_text(encoding="utf-8"))
    turbo, pyshacl = engines
    results = []
    for conforms, violations in (
        turbo.check_ontology(text.encode("utf-8")),
        pyshacl.check_ontology(Graph().parse(data=text, format="turtle"), details=False),
    ):
        results.append((conforms, sorted({(v.focus, v.path, v.shape) for v in violations})))
    assert results[0] == results[1]
    assert results[0][0] == (change == "whole")
    assert len(results[0][1]) == (0 if change == "whole" else 1)


FORKED_CHECK = """
import json, sys
from multiprocessing import get_context
from scmgraph.rdf.shacl_turbo import TurboValidator
from scmgraph.registry.load import load_registry

validator = TurboValidator(load_registry())
validator.prepare()  # as a build does before it forks its workers


def check(lines):
    conforms, violations = validator.check_lines(lines)
    return [conforms, sorted({(v.focus, v.path, v.shape) for v in violations})]


graphs = [open(path, "rb").read() for path in sys.argv[1:]]
with get_context("fork").Pool(1) as pool:
    there = pool.map(check, graphs)
print(json.dumps({"there": there, "here": [check(lines) for lines in graphs]}))
"""


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_an_engine_made_before_a_fork_validates_in_the_forked_worker_as_here(
    unit: Graph, tmp_path: Path
) -> None:
    # A fresh interpreter with one thread, as a build is when it forks its workers.
    paths = []
    for change in ("whole", "statements without a sentence"):
        graph = Graph()
        for triple in unit:
            graph.add(triple)
        UNIT_CHANGES[change](graph)
        paths.append(tmp_path / f"{len(paths)}.nt")
        paths[-1].write_bytes(b"".join(canonical_lines(graph)))
    run = subprocess.run(
        [sys.executable, "-c", FORKED_CHECK, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(run.stdout)
    assert found["there"] == found["here"]
    (whole, whole_violations), (broken, broken_violations) = found["there"]
    assert whole and whole_violations == []
    assert not broken and broken_violations
