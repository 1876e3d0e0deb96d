"""SHACL engines on the project's shapes: time per graph, and whether they agree.

A benchmark, not a test: it reports and never fails on speed. Each engine checks
the graphs a build validates (each communiqué's graph with the registries and the
ontology, the cross-document graphs, the ontology against its own shapes, whose
targets are SPARQL) and the first communiqué's graph broken in several ways. Its
verdict on each is held against pyshacl's, the reference: whether the graph
conforms and every (focus node, path, shape) reported.

The engines: pyshacl on rdflib graphs (what ``scmgraph validate`` runs), pyshacl
on a pyoxigraph store (its Oxigraph backend), pyshacl-turbo (a Rust engine with
pyshacl's interface, installed by the ``bench`` extra) and rudof (what ``build``
runs). An engine that is not installed is left out, and said so.

    .venv/bin/python scripts/bench_validation.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from scmgraph.extract.document import extract
from scmgraph.extract.threads import link_series
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.convert import communique_graph
from scmgraph.rdf.links import links_graph, provenance_graph
from scmgraph.rdf.shacl_rudof import RudofValidator
from scmgraph.rdf.sink import canonical_lines
from scmgraph.rdf.terms import NIF, SCM, default_ontology_path
from scmgraph.rdf.validate import UnitValidator, Violation, report_violations
from scmgraph.read.reader import find_communiques, read_document
from scmgraph.registry.load import load_registry
from scmgraph.resources import DEFAULT_CORPUS
from scmgraph.version import __version__

Found = tuple[bool, frozenset[tuple[str, str, str]]]  # conforms, (focus, path, shape)


@dataclass(frozen=True)
class Case:
    """A graph to check: its kind (``communique``, ``shared`` or ``ontology``) and name."""

    kind: str
    name: str
    graph: Graph
    broken: bool = False  # timed with the others of its kind only when whole


def _found(conforms: bool, violations: list[Violation]) -> Found:
    return conforms, frozenset((v.focus, v.path, v.shape) for v in violations)


def _union(*graphs: Graph) -> Graph:
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    return union


Prepared = object  # what an engine is given: made before it is timed
Engine = tuple[Callable[[Case], Prepared], Callable[[Case, Prepared], Found]]


class Engines:
    """Each engine as (prepare, check): what it is given is made untimed (a build has
    its graphs' N-Triples already), then the check is timed. Shapes and the context
    (registries, ontology) are read once, as the build reads them."""

    def __init__(self) -> None:
        registry = load_registry()
        self.reference = UnitValidator(registry)
        self.rudof = RudofValidator(registry)
        self.registries = _union(*self.reference.registries)
        self.engines: dict[str, Engine] = {
            "pyshacl on an rdflib graph (the reference, as `scmgraph validate` runs it)": (
                lambda case: case.graph,
                self.pyshacl,
            ),
            "pyshacl on a pyoxigraph store (its Oxigraph backend)": (
                self.store,
                self.pyshacl_store,
            ),
        }
        try:
            from pyshacl_turbo import compile_shapes
        except ImportError:
            print("pyshacl-turbo is not installed (pip install -e '.[bench]')", file=sys.stderr)
        else:
            self.turbo_programs = {
                False: compile_shapes(self.reference.data_shapes),
                True: compile_shapes(self.reference.ontology_shapes, advanced=True),
            }
            self.engines["pyshacl-turbo on an rdflib graph, shapes compiled once"] = (
                self.union,
                self.turbo,
            )
            # Its public byte input goes through an rdflib graph; N-Quads text reaches the
            # engine as they are only through a class of its own (not a public interface).
            self.engines["pyshacl-turbo on N-Quads text (its internal `rdf.Input`)"] = (
                self.nquads_input,
                self.turbo,
            )
        self.engines["rudof on N-Triples (as `scmgraph build` runs it)"] = (
            self.ntriples,
            self.rudof_check,
        )

    def shapes(self, case: Case) -> Graph:
        ref = self.reference
        return ref.ontology_shapes if case.kind == "ontology" else ref.data_shapes

    def pyshacl(self, case: Case, graph: Prepared) -> Found:
        assert isinstance(graph, Graph)
        if case.kind == "ontology":
            return _found(*self.reference.check_ontology(graph, details=False))
        return _found(*self.reference.check(graph, details=False))

    def store(self, case: Case) -> ox.Store:
        store = ox.Store()
        store.load(b"".join(canonical_lines(case.graph)), format=ox.RdfFormat.N_TRIPLES)
        if case.kind != "ontology":
            store.load(b"".join(canonical_lines(self.registries)), format=ox.RdfFormat.N_TRIPLES)
        return store

    def pyshacl_store(self, case: Case, store: Prepared) -> Found:
        from pyshacl import validate

        conforms, report, _ = validate(
            store,
            shacl_graph=self.shapes(case),
            ont_graph=None if case.kind == "ontology" else self.reference.ontology,
            inference="none",
            advanced=case.kind == "ontology",
            allow_warnings=True,
        )
        return _found(bool(conforms), report_violations(report, self.shapes(case), details=False))

    def union(self, case: Case) -> Graph:
        if case.kind == "ontology":
            return case.graph
        return _union(case.graph, self.registries, self.reference.ontology)

    def turbo(self, case: Case, data: Prepared) -> Found:
        program = self.turbo_programs[case.kind == "ontology"]
        conforms, report, _ = program.validate(data, allow_warnings=True)
        return _found(bool(conforms), report_violations(report, self.shapes(case), details=False))

    def nquads_input(self, case: Case) -> Prepared:
        from pyshacl_turbo.rdf import Input

        graph = self.union(case)
        return Input(b"".join(canonical_lines(graph)).decode("utf-8"), "nquads", None, {})

    def ntriples(self, case: Case) -> bytes:
        if case.kind == "ontology":
            return case.graph.serialize(format="turtle", encoding="utf-8")
        return b"".join(canonical_lines(case.graph))

    def rudof_check(self, case: Case, data: Prepared) -> Found:
        assert isinstance(data, bytes)
        if case.kind == "ontology":
            return _found(*self.rudof.check_ontology(data))
        return _found(*self.rudof.check_lines(data))


def broken(graph: Graph) -> dict[str, Graph]:
    """The graph broken in ways the shapes must catch, by name."""

    def changed(change: Callable[[Graph], None]) -> Graph:
        copy = _union(graph)
        change(copy)
        return copy

    def untyped(g: Graph) -> None:
        for s, p, o in list(g.triples((None, SCM.paragraphNumber, None))):
            g.set((s, p, Literal(str(o))))

    def inverted(g: Graph) -> None:
        for sentence in sorted(g.subjects(RDF.type, NIF.Sentence))[:2]:
            g.set((sentence, NIF.beginIndex, Literal(10**6, datatype=XSD.nonNegativeInteger)))

    def two_sentences(g: Graph) -> None:
        statement = min(g.subjects(RDF.type, SCM.Statement))
        g.add((statement, SCM.sentence, URIRef(f"{statement}/another-sentence")))

    return {
        "statements without a sentence": changed(lambda g: g.remove((None, SCM.sentence, None))),
        "paragraph numbers as plain strings": changed(untyped),
        "spans ending before they begin": changed(inverted),
        "a statement in two sentences": changed(two_sentences),
    }


def cases(corpus: Path) -> list[Case]:
    """Each communiqué's graph, the first one broken, the shared graphs, the ontology."""
    registry = load_registry()
    facts = [extract(read_document(path), registry) for path in find_communiques(corpus)]
    info = BuildInfo.from_inputs(__version__, [f.document.source for f in facts], registry)
    found = [
        Case("communique", f.document.name, communique_graph(f, registry, info)) for f in facts
    ]
    found += [Case("communique", name, g, True) for name, g in broken(found[0].graph).items()]
    shared = _union(links_graph(facts, registry, info, link_series(facts)), provenance_graph(info))
    ontology = Graph().parse(default_ontology_path())
    return [
        *found,
        Case("shared", "cross-document graphs", shared),
        Case("ontology", "ontology", ontology),
    ]


def timed(engine: Engine, case: Case, runs: int, budget: float) -> tuple[Found, float]:
    """The verdict and the median seconds of up to ``runs`` checks after a first one,
    stopping once ``budget`` seconds are spent (a slow engine is timed fewer times)."""
    prepare, check = engine
    given = prepare(case)
    started = time.perf_counter()
    verdict = check(case, given)
    spent = [time.perf_counter() - started]
    while len(spent) <= runs and sum(spent) < budget:
        started = time.perf_counter()
        check(case, given)
        spent.append(time.perf_counter() - started)
    return verdict, statistics.median(spent[1:] or spent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="communiqués")
    parser.add_argument("--runs", type=int, default=5, help="timed checks after the first")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per engine and graph")
    args = parser.parse_args(argv)

    engines, todo = Engines(), cases(args.corpus)
    reference = next(iter(engines.engines))
    verdicts: dict[str, list[Found]] = {}
    seconds: dict[str, dict[str, list[float]]] = {}
    for name, engine in engines.engines.items():
        print(f"{name}: {len(todo)} graphs", file=sys.stderr)
        verdicts[name], seconds[name] = [], {"communique": [], "shared": [], "ontology": []}
        for case in todo:
            verdict, median = timed(engine, case, args.runs, args.budget)
            verdicts[name].append(verdict)
            if not case.broken:
                seconds[name][case.kind].append(median)

    def ms(values: list[float]) -> str:
        return f"{1000 * statistics.median(values):,.0f}" if values else "-"

    base = statistics.median(seconds[reference]["communique"])
    print(
        "| engine | a communiqué's graph, ms | cross-document graphs, ms | ontology, ms "
        "| communiqué time against pyshacl | same verdicts as pyshacl |"
    )
    print("|---|---|---|---|---|---|")
    for name in engines.engines:
        times = seconds[name]
        agree = sum(a == b for a, b in zip(verdicts[name], verdicts[reference], strict=True))
        ratio = statistics.median(times["communique"]) / base
        print(
            f"| {name} | {ms(times['communique'])} | {ms(times['shared'])} "
            f"| {ms(times['ontology'])} | {ratio:.2f}× | {agree} of {len(todo)} |"
        )
    for name in engines.engines:
        for case, verdict, ref in zip(todo, verdicts[name], verdicts[reference], strict=True):
            if verdict != ref:
                print(
                    f"{name}: {case.name}: conforms {verdict[0]} ({len(verdict[1])} results) "
                    f"against {ref[0]} ({len(ref[1])})",
                    file=sys.stderr,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
