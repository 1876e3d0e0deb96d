"""What a graph made on its own is gathered in, and its canonical N-Triples.

A communiqué's graph (and a pair's thread links) is made, validated and cached
on its own: its triples go to a plain ``TripleSet`` (no rdflib indexes, quick to
write out as N-Triples), and it names the build of its own inputs
(``BuildInfo.part``), so it is the same in every build that includes it.
"""

from __future__ import annotations

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
    """The triples as canonical N-Triples lines (as pyoxigraph writes them), sorted.

    Written in that form directly (``_nt``), not parsed and written again by
    pyoxigraph: a communiqué's thousands of terms made Python objects twice.
    """
    triples = graph.triples if isinstance(graph, TripleSet) else graph
    text = "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in triples)
    return sorted(set(text.encode("utf-8").splitlines(keepends=True)))


# Canonical N-Triples (RDF 1.1 N-Triples, canonical form; pyoxigraph's writer): a
# literal escapes quote and backslash, the five controls with a short escape, and
# every other control as \uXXXX; language tags are lower case; xsd:string is implied.
_ESCAPES = str.maketrans(
    {
        **{chr(code): f"\\u{code:04X}" for code in (*range(0x20), 0x7F)},
        **{"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"},
        **{'"': '\\"', "\\": "\\\\"},
    }
)
_XSD_STRING = str(XSD.string)


def _nt(term: Node) -> str:
    """A term in canonical N-Triples."""
    if type(term) is URIRef:  # most terms: tested before the slower isinstance checks
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).translate(_ESCAPES)
        if term.language:
            return f'"{text}"@{term.language.lower()}'
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"
