"""Each named graph's block of the TriG and JSON-LD files, made on its own.

pyoxigraph's TriG and JSON-LD serialisers write a dataset graph after graph, each
block depending on that graph's quads alone; so a published file is its head and
the blocks in graph order, and a communiqué's blocks are made with its unit (on a
pool worker) and cached with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from scmgraph.rdf.terms import PREFIXES


def graph_quads(lines: list[bytes], graph: str) -> list[ox.Quad]:
    """Sorted N-Triples ``lines`` as quads of ``graph``, parsed once for every block
    made of them (parsing makes a Python object per quad)."""
    tail = f" <{graph}> .\n".encode()
    return list(ox.parse(b"".join(line[:-3] + tail for line in lines), format=ox.RdfFormat.N_QUADS))


def graph_blocks(nquads: bytes | Sequence[ox.Quad]) -> tuple[bytes, bytes]:
    """One graph in TriG (its block, without the prefixes) and in JSON-LD (its object);
    ``nquads`` as N-Quads or already parsed.

    Both serialisers write a dataset graph after graph, each block depending on that
    graph's quads alone, so a file is the head and the blocks in graph order: a
    communiqué's blocks are made with its unit and cached with it.
    """
    quads = (
        list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS)) if isinstance(nquads, bytes) else nquads
    )
    trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))
    head = trig_head()
    if not trig.startswith(head):
        raise ValueError("TriG serialisation does not start with the prefixes")
    jsonld = ox.serialize(quads, format=ox.RdfFormat.JSON_LD)
    return trig[len(head) :], jsonld[1:-1]  # the object, without the list around it


def trig_head() -> bytes:
    """The prefix lines that begin every TriG file pyoxigraph writes with ``PREFIXES``."""
    s, p, o, g = (ox.NamedNode(f"x:{name}") for name in "spog")
    probe = ox.Quad(s, p, o, g)
    text = ox.serialize([probe], format=ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))
    return text[: text.index(b"<x:g>")]
