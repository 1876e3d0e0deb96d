"""What a graph made on its own is gathered in, and the build it names until assembled.

A communiqué's graph (and a pair's thread links) is made, validated and cached
before the build is known: its triples go to a plain ``TripleSet`` (no rdflib
indexes, quick to write out as N-Triples) and it names a placeholder build,
which the assembler replaces by the real one (``scmgraph.build.assemble``).
"""

from __future__ import annotations

from rdflib.term import Node

from scmgraph.rdf.convert import BuildInfo

PLACEHOLDER_DIGEST = "0" * 16


class TripleSet:
    """Triples gathered for writing out, without the indexes of an rdflib graph."""

    def __init__(self) -> None:
        self.triples: set[tuple[Node, Node, Node]] = set()

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        self.triples.add(triple)

    def __len__(self) -> int:
        return len(self.triples)


class UnitBuild(BuildInfo):
    """The build as one communiqué's graph names it before the build is known.

    A build's name hashes all its inputs, so a graph converted on its own (and
    cached) names a placeholder build; assembling the dataset puts the real one
    in its place (``scmgraph.build.assemble``).
    """

    @property
    def digest(self) -> str:
        return PLACEHOLDER_DIGEST
