"""SHACL validation of a build's graphs on rudof's native engine (Rust).

The build validates every communiqué's graph and the cross-document graphs with
rudof, several times faster than pyshacl on the project's shapes; pyshacl
(``scmgraph.rdf.validate``) stays the reference, used by ``scmgraph validate``, and
the tests hold both to the same verdicts. As with pyshacl, each graph is
validated together with the registry graphs and the ontology (whose subclass
axioms ``sh:class`` follows). The ontology's own shapes use SPARQL targets
(SHACL-AF), which only pyshacl runs; their verdict depends on the ontology
alone, so the build asks pyshacl once per environment (and caches it).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyrudof
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from scmgraph.rdf.describe import rdf_term
from scmgraph.rdf.sink import canonical_lines
from scmgraph.rdf.validate import DATA_SHAPES, Violation, short
from scmgraph.registry.load import Registry


class RudofValidator:
    """Validates N-Triples against the data shapes, with the registries and ontology."""

    def __init__(
        self,
        registry: Registry,
        registry_graphs: dict[str, Graph] | None = None,
        shapes_dir: Path | None = None,
    ) -> None:
        from scmgraph.rdf.registry import registry_graphs as make_graphs
        from scmgraph.rdf.terms import default_ontology_path, default_shapes_dir

        self.shapes_dir = Path(shapes_dir) if shapes_dir else default_shapes_dir()
        self.shapes = (self.shapes_dir / DATA_SHAPES).read_text(encoding="utf-8")
        self.registry = registry
        context = Graph()
        for graph in (registry_graphs or make_graphs(registry)).values():
            for triple in graph:
                context.add(triple)
        context.parse(default_ontology_path(), format="turtle")
        self.context = b"".join(canonical_lines(context)).decode("utf-8")

    def check_lines(self, ntriples: bytes) -> tuple[bool, list[Violation]]:
        """Validate a graph given as N-Triples (a communiqué's, or the shared graphs')."""
        engine = pyrudof.Rudof(pyrudof.RudofConfig())
        engine.read_shacl(self.shapes, format=pyrudof.ShaclFormat.Turtle)
        data = self.context + ntriples.decode("utf-8")
        engine.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=_STRICT)
        report = engine.validate_shacl()
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
        return bool(report.conforms), found

    def check_ontology(self) -> tuple[bool, list[Violation]]:
        """The ontology against its shapes, on pyshacl (SPARQL targets)."""
        from scmgraph.rdf.validate import UnitValidator

        return UnitValidator(self.registry, self.shapes_dir).check_ontology()


_STRICT = pyrudof.ReaderMode.Strict


def _node(text: str | None) -> Node | None:
    """The rdflib term of what rudof reports: an IRI as is, a literal in N-Triples form."""
    if text is None:
        return None
    if text.startswith('"'):
        parsed = ox.parse(f"<x:s> <x:p> {text} .\n".encode(), format=ox.RdfFormat.N_TRIPLES)
        return rdf_term(next(iter(parsed)).object)
    if text.startswith("_:"):
        return BNode(text[2:])
    return URIRef(text)


def _shape(text: str | None) -> str:
    node = _node(text)
    return short(node) if isinstance(node, URIRef) else "(anonymous shape)"
