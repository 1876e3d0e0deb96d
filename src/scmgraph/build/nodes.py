"""A graph in several parts (the links graph: entities, then each pair's thread links)
written to TriG and JSON-LD from each part's blocks.

The graph's quads are its parts' one after the other, and within a graph pyoxigraph
writes one TriG block and one JSON-LD node object per run of quads with the same
subject, each depending on that run alone. So a pair's part caches its blocks in
both, and a build serialises only the part it computes itself, then joins the
parts' blocks as it writes them, one part at a time (so a graph of any size is
never whole in memory); unless one part ends with the subject the next begins
with (one run across two parts), when the graph is serialised whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from scmgraph.build.blocks import graph_blocks


def inner_blocks(nquads: bytes | Sequence[ox.Quad], iri: str) -> tuple[bytes, bytes]:
    """One graph's TriG blocks (inside its braces) and JSON-LD node objects (inside its
    list, comma-separated); ``nquads`` as N-Quads or already parsed."""
    trig, jsonld = graph_blocks(nquads)
    head, tail = _trig_ends(iri)
    jhead, jtail = _jsonld_ends(iri)
    if not (trig.startswith(head) and trig.endswith(tail)):
        raise ValueError(f"TriG block of {iri} is not one graph")
    if not (jsonld.startswith(jhead) and jsonld.endswith(jtail)):
        raise ValueError(f"JSON-LD object of {iri} is not one graph")
    return trig[len(head) : -len(tail)], jsonld[len(jhead) : -len(jtail)]


def _trig_ends(iri: str) -> tuple[bytes, bytes]:
    return f"<{iri}> {{\n".encode(), b"}\n"


def _jsonld_ends(iri: str) -> tuple[bytes, bytes]:
    return f'{{"@id":"{iri}","@graph":['.encode(), b"]}"


@dataclass(frozen=True)
class PartBlocks:
    """A part's first and last subjects and its blocks (TriG, JSON-LD) inside the graph's."""

    first: bytes
    last: bytes
    trig: bytes
    jsonld: bytes

    def trig_block(self) -> bytes:
        return self.trig

    def jsonld_block(self) -> bytes:
        return self.jsonld


@dataclass(frozen=True)
class CachedNodes:
    """A cached part's blocks (``inner_blocks``); each file is read only when it is
    written."""

    first: bytes
    last: bytes
    trig: Path
    jsonld: Path

    def trig_block(self) -> bytes:
        return self.trig.read_bytes()

    def jsonld_block(self) -> bytes:
        return self.jsonld.read_bytes()


Nodes = PartBlocks | CachedNodes


def joinable(parts: Sequence[Nodes]) -> bool:
    """Whether the parts' blocks join into the graph's: no run of one subject spans two."""
    return not any(a.last == b.first for a, b in itertools.pairwise(parts))


def trig_chunks(iri: str, parts: Iterable[Nodes]) -> Iterator[bytes]:
    """The TriG block of graph ``iri``, a part at a time (``joinable`` parts, in order)."""
    head, tail = _trig_ends(iri)
    yield head
    for part in parts:
        yield part.trig_block()
    yield tail


def jsonld_chunks(iri: str, parts: Iterable[Nodes]) -> Iterator[bytes]:
    """The JSON-LD object of graph ``iri``, a part at a time (``joinable`` parts, in order)."""
    head, tail = _jsonld_ends(iri)
    yield head
    for index, part in enumerate(parts):
        if index:
            yield b","
        yield part.jsonld_block()
    yield tail


def parts_blocks(iri: str, parts: list[PartBlocks]) -> tuple[bytes, bytes] | None:
    """The TriG block and JSON-LD object of graph ``iri`` from its parts' blocks, in
    order; None if a run of one subject spans two parts."""
    if not joinable(parts):
        return None
    return b"".join(trig_chunks(iri, parts)), b"".join(jsonld_chunks(iri, parts))
