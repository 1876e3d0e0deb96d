"""SHACL validation of a build's graphs on pyshacl-turbo's native engine (Rust).

The build validates every communiqué's graph and the cross-document graphs with
pyshacl-turbo, which reads pyshacl's shapes and writes pyshacl's reports in a
fraction of its time; pyshacl (``scmgraph.rdf.validate``) stays the reference, used
by ``scmgraph validate``, and the tests hold both to the same verdicts
(``scripts/bench_validation.py`` times them, and others). As with pyshacl, each
graph is validated together with the registry graphs and the ontology (whose
subclass axioms ``sh:class`` follows); the ontology's own shapes pick its terms
with SPARQL targets (SHACL-AF), which the engine runs itself.

A graph reaches the engine as N-Quads text through its ``rdf.Input``: its public
inputs read text into an rdflib graph first (several times the check itself), and
a pyoxigraph store rewrites the datatypes the shapes check (``docs/design-notes.md``).
That class is pinned with the engine's version (``pyproject.toml``), and the tests
hold its verdicts to pyshacl's on whole and broken graphs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from scmgraph.rdf.sink import canonical_lines
from scmgraph.rdf.terms import default_ontology_path
from scmgraph.rdf.validate import DATA_SHAPES, ONTOLOGY_SHAPES, Violation, report_violations
from scmgraph.registry.load import Registry


class TurboValidator:
    """Validates N-Triples against the data shapes, with the registries and ontology."""

    def __init__(
        self,
        registry: Registry,
        registry_graphs: dict[str, Graph] | None = None,
        shapes_dir: Path | None = None,
        *,
        context: bytes | None = None,
    ) -> None:
        """``context``: the registries and the ontology as N-Triples, when already
        made (a build keeps them); else made from ``registry_graphs`` (default: made
        from ``registry``) and the project's ontology."""
        from scmgraph.rdf.terms import default_shapes_dir

        self.shapes_dir = Path(shapes_dir) if shapes_dir else default_shapes_dir()
        self.shapes = (self.shapes_dir / DATA_SHAPES).read_text(encoding="utf-8")
        self.registry = registry
        if context is None:
            from scmgraph.rdf.registry import registry_graphs as make_graphs

            merged = Graph()
            for graph in (registry_graphs or make_graphs(registry)).values():
                for triple in graph:
                    merged.add(triple)
            merged.parse(default_ontology_path(), format="turtle")
            context = b"".join(canonical_lines(merged))
        self.context = context.decode("utf-8")
        self._engine: tuple[Any, Graph] | None = None

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_engine": None}  # compiled shapes stay in their process

    def prepare(self) -> tuple[Any, Graph]:
        """The shapes compiled (and as a graph, to read reports against): made once per
        process, as each check then only reads its graph."""
        if self._engine is None:
            from pyshacl_turbo import compile_shapes

            shapes = Graph().parse(data=self.shapes, format="turtle")
            self._engine = compile_shapes(shapes), shapes
        return self._engine

    def check_lines(self, ntriples: bytes) -> tuple[bool, list[Violation]]:
        """Validate a graph given as N-Triples (a communiqué's, or the shared graphs'),
        with the context (registries, ontology) read once per validator."""
        from pyshacl_turbo.rdf import Input

        program, shapes = self.prepare()
        data = Input(self.context + ntriples.decode("utf-8"), "nquads", None, {})
        return _verdict(program.validate(data, allow_warnings=True), shapes)

    def check_ontology(self, ontology: bytes | None = None) -> tuple[bool, list[Violation]]:
        """The ontology (Turtle; default the project's) against its own shapes, whose
        SPARQL targets pick out its terms."""
        from pyshacl_turbo import compile_shapes

        if ontology is None:
            ontology = default_ontology_path().read_bytes()
        shapes = Graph().parse(self.shapes_dir / ONTOLOGY_SHAPES, format="turtle")
        data = Graph().parse(data=ontology, format="turtle")
        program = compile_shapes(shapes, advanced=True)
        return _verdict(program.validate(data, allow_warnings=True), shapes)


def _verdict(result: tuple[Any, Graph, str], shapes: Graph) -> tuple[bool, list[Violation]]:
    conforms, report, _ = result
    return bool(conforms), sorted(report_violations(report, shapes, details=False))
