"""SHACL engines on the project's shapes: time per graph, and whether they agree.

A benchmark, not a test: it reports and never fails on speed. Each engine checks
the graphs a build validates (each communiqué's graph with the registries and the
ontology, the cross-document graphs, the ontology against its own shapes, whose
targets are SPARQL) and the first communiqué's graph broken in several ways. Its
verdict on each is held against pyshacl's, the reference: whether the graph
conforms and every (focus node, path, shape) reported.

The engines: pyshacl on rdflib graphs (what ``scmgraph validate`` runs), pyshacl
on a pyoxigraph store (its Oxigraph backend), pyshacl-turbo (a Rust engine with
pyshacl's interface) on an rdflib graph and on N-Quads text (what ``scmgraph
build`` runs), and rudof (another Rust engine, installed by the ``bench`` extra;
left out, and said so, when it is not).

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
from scmgraph.rdf.shacl_turbo import TurboValidator
from scmgraph.rdf.sink import canonical_lines
from scmgraph.rdf.terms import NIF, SCM, default_ontology_path
from scmgraph.rdf.validate import UnitValidator, Violation, report_violations, short
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
# How an engine prepares a case, and checks it (None: the engine cannot check it).
Engine = tuple[Callable[[Case], Prepared], Callable[[Case, Prepared], Found | None]]


class Engines:
    """Each engine as (prepare, check): what it is given is made untimed (a build has
    its graphs' N-Triples already), then the check is timed. Shapes and the context
    (registries, ontology) are read once, as the build reads them."""

    def __init__(self) -> None:
        from pyshacl_turbo import compile_shapes

        registry = load_registry()
        self.reference = UnitValidator(registry)
        self.build = TurboValidator(registry)
        self.registries = _union(*self.reference.registries)
        self.turbo_programs = {
            False: compile_shapes(self.reference.data_shapes),
            True: compile_shapes(self.reference.ontology_shapes, advanced=True),
        }
        self.engines: dict[str, Engine] = {
            "pyshacl on an rdflib graph (the reference, as `scmgraph validate` runs it)": (
                lambda case: case.graph,
                self.pyshacl,
            ),
            "pyshacl on a pyoxigraph store (its Oxigraph backend)": (
                self.store,
                self.pyshacl_store,
            ),
            "pyshacl-turbo on an rdflib graph (its public input), shapes compiled once": (
                self.union,
                self.turbo,
            ),
            "pyshacl-turbo on N-Quads text (as `scmgraph build` runs it)": (
                self.ntriples,
                self.build_check,
            ),
        }
        try:
            self.rudof = Rudof(self.build.shapes, self.build.context)
        except ImportError:
            print("rudof is not installed (pip install -e '.[bench]')", file=sys.stderr)
        else:
            self.engines["rudof on N-Triples, shapes and context read once"] = (
                self.ntriples,
                self.rudof.check,
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

    def ntriples(self, case: Case) -> bytes:
        if case.kind == "ontology":
            return case.graph.serialize(format="turtle", encoding="utf-8")
        return b"".join(canonical_lines(case.graph))

    def build_check(self, case: Case, data: Prepared) -> Found:
        assert isinstance(data, bytes)
        if case.kind == "ontology":
            return _found(*self.build.check_ontology(data))
        return _found(*self.build.check_lines(data))


class Rudof:
    """rudof (pyrudof), which ``scmgraph build`` ran before pyshacl-turbo: the shapes and
    the context read once, each graph read in a staging frame then rolled back. It runs
    no SPARQL targets, so it does not check the ontology here."""

    def __init__(self, shapes: str, context: str) -> None:
        import pyrudof

        self.pyrudof = pyrudof
        self.engine = pyrudof.Rudof(pyrudof.RudofConfig())
        self.engine.read_shacl(shapes, format=pyrudof.ShaclFormat.Turtle)
        self.engine.read_data(context, format=pyrudof.RDFFormat.NTriples)

    def check(self, case: Case, data: Prepared) -> Found | None:
        assert isinstance(data, bytes)
        if case.kind == "ontology":
            return None
        self.engine.begin_staging()
        try:
            self.engine.read_data(data.decode("utf-8"), format=self.pyrudof.RDFFormat.NTriples)
            report = self.engine.validate_shacl()
        finally:
            self.engine.rollback_staging()
        found = {
            (
                short(URIRef(e.focus_node)),
                short(URIRef(e.path)) if e.path else "-",
                short(URIRef(e.source_shape))
                if e.source_shape and not e.source_shape.startswith("_:")
                else "(anonymous shape)",
            )
            for e in report
        }
        return bool(report.conforms), frozenset(found)


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


def timed(engine: Engine, case: Case, runs: int, budget: float) -> tuple[Found | None, float]:
    """The verdict and the median seconds of up to ``runs`` checks after a first one,
    stopping once ``budget`` seconds are spent (a slow engine is timed fewer times)."""
    prepare, check = engine
    given = prepare(case)
    started = time.perf_counter()
    verdict = check(case, given)
    spent = [time.perf_counter() - started]
    while verdict is not None and len(spent) <= runs and sum(spent) < budget:
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
    verdicts: dict[str, list[Found | None]] = {}
    seconds: dict[str, dict[str, list[float]]] = {}
    for name, engine in engines.engines.items():
        print(f"{name}: {len(todo)} graphs", file=sys.stderr)
        verdicts[name], seconds[name] = [], {"communique": [], "shared": [], "ontology": []}
        for case in todo:
            verdict, median = timed(engine, case, args.runs, args.budget)
            verdicts[name].append(verdict)
            if verdict is not None and not case.broken:
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
        run = [(a, b) for a, b in zip(verdicts[name], verdicts[reference], strict=True) if a]
        agree = sum(a == b for a, b in run)
        ratio = statistics.median(times["communique"]) / base
        print(
            f"| {name} | {ms(times['communique'])} | {ms(times['shared'])} "
            f"| {ms(times['ontology'])} | {ratio:.2f}× | {agree} of {len(run)} |"
        )
    for name in engines.engines:
        for case, verdict, ref in zip(todo, verdicts[name], verdicts[reference], strict=True):
            if verdict is not None and verdict != ref:
                print(
                    f"{name}: {case.name}: conforms {verdict[0]} ({len(verdict[1])} results) "
                    f"against {ref[0]} ({len(ref[1])})",
                    file=sys.stderr,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
