"""SHACL validation of a build's graphs on rudof's native engine (Rust).

The build validates every communiqué's graph and the cross-document graphs with
rudof, several times faster than pyshacl on the project's shapes; pyshacl
(``scmgraph.rdf.validate``) stays the reference, used by ``scmgraph validate``, and
the tests hold both to the same verdicts. As with pyshacl, each graph is
validated together with the registry graphs and the ontology (whose subclass
axioms ``sh:class`` follows). The ontology's own shapes use SPARQL targets
(SHACL-AF), which rudof does not run: pyoxigraph runs their queries and rudof
gets the nodes selected, so the build never needs pyshacl (slow to import).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyrudof
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from scmgraph.rdf.describe import rdf_term
from scmgraph.rdf.sink import canonical_lines
from scmgraph.rdf.terms import default_ontology_path
from scmgraph.rdf.validate import DATA_SHAPES, ONTOLOGY_SHAPES, Violation, short
from scmgraph.registry.load import Registry


class RudofValidator:
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
        self._engine: pyrudof.Rudof | None = None

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_engine": None}  # an engine stays in its process

    def prepare(self) -> pyrudof.Rudof:
        """The engine holding the shapes and the context: its first data costs rudof
        some 0.3 s whatever their size, so it is made once per process."""
        if self._engine is None:
            self._engine = pyrudof.Rudof(pyrudof.RudofConfig())
            self._engine.read_shacl(self.shapes, format=pyrudof.ShaclFormat.Turtle)
            self._engine.read_data(
                self.context, format=pyrudof.RDFFormat.NTriples, reader_mode=_STRICT
            )
        return self._engine

    def check_lines(self, ntriples: bytes) -> tuple[bool, list[Violation]]:
        """Validate a graph given as N-Triples (a communiqué's, or the shared graphs').

        The shapes and the context (registries, ontology) are read once per
        validator; each graph is read in a staging frame that is then rolled back.
        """
        engine = self.prepare()
        engine.begin_staging()
        try:
            engine.read_data(
                ntriples.decode("utf-8"), format=pyrudof.RDFFormat.NTriples, reader_mode=_STRICT
            )
            return _results(engine.validate_shacl())
        finally:
            engine.rollback_staging()

    def check_ontology(self, ontology: bytes | None = None) -> tuple[bool, list[Violation]]:
        """The ontology (Turtle; default the project's) against its own shapes.

        Those shapes pick the ontology's terms with SPARQL targets (SHACL-AF), which
        rudof does not run: pyoxigraph runs them and rudof gets the nodes they select
        as ``sh:targetNode``s.
        """
        if ontology is None:
            ontology = default_ontology_path().read_bytes()
        graph = ox.Store()
        graph.load(ontology, format=ox.RdfFormat.TURTLE)
        shapes = expand_sparql_targets(self.shapes_dir / ONTOLOGY_SHAPES, graph)
        data = graph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return _validate(shapes, pyrudof.ShaclFormat.NTriples, data.decode("utf-8"))


def expand_sparql_targets(shapes_path: Path, data: ox.Store) -> str:
    """The shapes as N-Triples, each SPARQL target replaced by the nodes it selects in ``data``."""
    shapes = ox.Store()
    shapes.load(path=str(shapes_path), format=ox.RdfFormat.TURTLE)
    targets = shapes.query(_SPARQL_TARGETS)
    for row in list(targets):  # type: ignore[union-attr]
        declared = shapes.query(_PREFIXES, substitutions={ox.Variable("target"): row["target"]})
        prefixes = "".join(
            f"PREFIX {d['prefix'].value}: <{d['namespace'].value}>\n"
            for d in declared  # type: ignore[union-attr]
        )
        selected = data.query(prefixes + row["select"].value)
        shapes.remove(ox.Quad(row["shape"], _TARGET, row["target"], ox.DefaultGraph()))
        for found in selected:  # type: ignore[union-attr]
            shapes.add(ox.Quad(row["shape"], _TARGET_NODE, found["this"], ox.DefaultGraph()))
    return shapes.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode()


_SH = "http://www.w3.org/ns/shacl#"
_TARGET, _TARGET_NODE = ox.NamedNode(_SH + "target"), ox.NamedNode(_SH + "targetNode")
_SPARQL_TARGETS = f"""PREFIX sh: <{_SH}>
SELECT ?shape ?target ?select WHERE {{
  ?shape sh:target ?target . ?target a sh:SPARQLTarget ; sh:select ?select }}"""
_PREFIXES = f"""PREFIX sh: <{_SH}>
SELECT ?target ?prefix ?namespace WHERE {{
  ?target sh:prefixes/sh:declare ?d . ?d sh:prefix ?prefix ; sh:namespace ?namespace }}"""


def _validate(shapes: str, shapes_format: object, data: str) -> tuple[bool, list[Violation]]:
    engine = pyrudof.Rudof(pyrudof.RudofConfig())
    engine.read_shacl(shapes, format=shapes_format)
    engine.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=_STRICT)
    return _results(engine.validate_shacl())


def _results(report: Any) -> tuple[bool, list[Violation]]:
    found = [
        Violation(
            focus=short(_node(entry.focus_node)),
            path=short(_node(entry.path)) if entry.path else "-",
            message=str(_node(entry.message) or ""),
            severity=str(entry.severity or "Violation").rsplit("#", 1)[-1],
            shape=_shape(entry.source_shape),
            value="" if entry.value in (None, entry.focus_node) else short(_node(entry.value)),
        )
        for entry in report
    ]
    return bool(report.conforms), sorted(found)  # the engine's order varies by run


_STRICT = pyrudof.ReaderMode.Strict


def _node(text: str | None) -> Node | None:
    """The rdflib term of what rudof reports: an IRI as is, a literal in N-Triples form."""
    if text is None:
        return None
    if text.startswith('"'):
        try:
            parsed = ox.parse(f"<x:s> <x:p> {text} .\n".encode(), format=ox.RdfFormat.N_TRIPLES)
            return rdf_term(next(iter(parsed)).object)
        except SyntaxError:  # quotes inside a literal come unescaped
            return Literal(text[1 : text.rindex('"')])
    if text.startswith("_:"):
        return BNode(text[2:])
    return URIRef(text)


def _shape(text: str | None) -> str:
    node = _node(text)
    return short(node) if isinstance(node, URIRef) else "(anonymous shape)"
