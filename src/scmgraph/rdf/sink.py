"""What a graph made on its own is gathered in, and its canonical N-Triples.

A communiqué's graph (and a pair's thread links) is made, validated and cached
on its own: its triples go to a plain ``TripleSet`` (no rdflib indexes, quick to
write out as N-Triples), and it names the build of its own inputs
(``BuildInfo.part``), so it is the same in every build that includes it.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node


class TripleSet:
    """Triples gathered for writing out, without the indexes of an rdflib graph."""

    def __init__(self) -> None:
        self.triples: set[tuple[Node, Node, Node]] = set()

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        self.triples.add(triple)

    def __len__(self) -> int:
        return len(self.triples)


def canonical_lines(graph: Graph | TripleSet) -> list[bytes]:
    """The triples as canonical N-Triples lines (as pyoxigraph writes them), sorted."""
    triples = graph.triples if isinstance(graph, TripleSet) else graph
    data = "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in triples).encode("utf-8")
    canonical = ox.serialize(
        ox.parse(data, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES
    )
    return sorted(set(canonical.splitlines(keepends=True)))


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(XSD.string)


def _nt(term: Node) -> str:
    """A term in N-Triples; pyoxigraph then rewrites it in canonical form."""
    if type(term) is URIRef:  # most terms: tested before the slower isinstance checks
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).translate(_ESCAPES)
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"
