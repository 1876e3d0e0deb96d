"""Write the published files from the graphs of a build, streaming, in a fixed order.

Each named graph comes as sorted, distinct N-Triples lines: a cached communiqué
unit from its file, a cross-document graph from memory. The N-Quads file is the
graphs in IRI order, each graph's lines in order; TriG and JSON-LD are the head
and each graph's block, as pyoxigraph serialises it (cached with a unit, or made
here); a graph the published files already hold unchanged is copied from them
(``scmgraph.build.copying``); the Turtle file (one graph,
no names, no repeats) is each subject's block, copied from the unit that alone
has that subject or serialised here (``scmgraph.build.turtle``), which also
gives the counts the dataset description needs. The same bytes come out
whatever order units were computed in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import itertools
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from scmgraph.build.blocks import graph_blocks, trig_head
from scmgraph.build.copying import Extents, Output, Previous
from scmgraph.build.kept_nodes import kept_nodes
from scmgraph.build.nodes import (
    CachedNodes,
    Nodes,
    PartBlocks,
    inner_blocks,
    joinable,
    jsonld_chunks,
    trig_chunks,
)
from scmgraph.build.turtle_blocks import CachedTurtle, Tally
from scmgraph.build.units import UnitCache, UnitSummary, objects_of
from scmgraph.rdf.describe import DatasetStats, rdf_term

if TYPE_CHECKING:
    from scmgraph.build.thread_parts import PairSummary


@dataclass(frozen=True)
class GraphPart:
    """One named graph: its sorted distinct triples and objects as N-Triples, and their number."""

    iri: str
    identity: str  # names the content: equal identities, equal triples
    count: int
    triples: Callable[[], Iterator[bytes]]
    objects: Callable[[], Iterator[bytes]]
    nquads: Callable[[], bytes]  # the whole graph as N-Quads lines
    blocks: tuple[Callable[[], bytes], Callable[[], bytes]] | None = None  # ``graph_blocks``
    turtle: CachedTurtle | None = None  # its subjects' Turtle blocks
    nodes: Callable[[], Nodes] | None = None  # its blocks inside the graph's
    kept: tuple[str, ...] = ()  # the cache keys it uses besides its identity


def memory_part(
    iri: str, lines: list[bytes], kept: tuple[UnitCache, str, bytes] | None = None
) -> GraphPart:
    """A graph computed by this build (links, provenance, registries, ontology).

    ``kept``: a cache, the environment and the whole build's IRI (N-Triples), when
    the graph is one part of several: its blocks inside the graph's are then kept
    from build to build (``scmgraph.build.kept_nodes``)."""
    objects = objects_of(lines)
    tail = f" <{iri}> .\n".encode()

    def nquads() -> bytes:
        return b"".join(line[:-3] + tail for line in lines)

    part = GraphPart(
        iri,
        hashlib.sha256(b"".join(lines)).hexdigest(),
        len(lines),
        lambda: iter(lines),
        lambda: iter(objects),
        nquads,
    )
    if kept is None:
        return part

    def made() -> PartBlocks:
        trig, jsonld = inner_blocks(nquads(), iri)
        return PartBlocks(_subject(lines[0]), _subject(lines[-1]), trig, jsonld)

    cache, env, build = kept
    key, nodes = kept_nodes(cache, env, iri, lines, build, made)
    return dataclasses.replace(part, nodes=nodes, kept=(key,))


def unit_part(cache: UnitCache, unit: UnitSummary | PairSummary, iri: str) -> GraphPart:
    """A cached graph (a communiqué's, a pair's thread links), which names the build of
    its own inputs: its files are used as they are."""
    tail = f" <{iri}> .\n".encode()
    triples_path, objects_path = cache.path(unit.key, "nt"), cache.path(unit.key, "objects")

    def nquads() -> bytes:
        return triples_path.read_bytes().replace(b" .\n", tail)  # only at a line's end

    trig_path, jsonld_path = cache.path(unit.key, "trig"), cache.path(unit.key, "jsonld")
    blocks = None
    if trig_path.is_file() and jsonld_path.is_file():
        blocks = (trig_path.read_bytes, jsonld_path.read_bytes)
    turtle = _cached_turtle(cache, unit.key)
    nodes = None
    inner = cache.path(unit.key, "nodes.trig"), cache.path(unit.key, "nodes.jsonld")
    if turtle is not None and inner[0].is_file() and inner[1].is_file():
        nodes = functools.partial(_cached_nodes, triples_path, *inner)
    return GraphPart(
        iri,
        unit.key,
        unit.triples,
        lambda: _lines(triples_path),
        lambda: _lines(objects_path),
        nquads,
        blocks,
        turtle,
        nodes,
    )


def _cached_nodes(triples: Path, trig: Path, jsonld: Path) -> CachedNodes:
    """A cached part's blocks and its first and last subjects, read from the ends of its
    sorted N-Triples (its subject index is much larger to read)."""
    with open(triples, "rb") as handle:
        first = _subject(handle.readline())
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - _TAIL))
        tail = handle.read()
    if size > _TAIL and tail.count(b"\n") < 2:
        raise ValueError(f"{triples}: a line longer than {_TAIL} bytes")
    last = _subject(tail.rstrip(b"\n").rsplit(b"\n", 1)[-1])
    return CachedNodes(first, last, trig, jsonld)


_TAIL = 1 << 16  # bytes read from the end of a file to find its last line


def _cached_turtle(cache: UnitCache, key: str) -> CachedTurtle | None:
    """A cached graph's subjects' Turtle blocks, if it has them."""
    ttl_path, index_path = cache.path(key, "ttl"), cache.path(key, "subjects")
    if not (ttl_path.is_file() and index_path.is_file()):
        return None
    return CachedTurtle(key, ttl_path, cache.path(key, "nt"), index_path)


def write_nquads(
    parts: Iterable[GraphPart], handle: BinaryIO, previous: Previous | None = None
) -> Extents:
    """Every graph in IRI order, each one's lines sorted: canonical N-Quads.

    A graph in several parts (the links graph: entities, then each pair's thread
    links) is written part after part, in the order given; the parts are disjoint.
    Returns where each graph's lines are in the file (under its IRI), with a digest
    of its parts' identities (which name their content), and where each part is
    (under "IRI IDENTITY"; an IRI has no space).

    ``previous``: the N-Quads file of the previous build and its extents. A part
    whose identity it also has is copied from it by the kernel, never read here
    (so the caller hashes the file once written).
    """
    extents: Extents = {}
    published, found = previous or (None, {})
    with open(published, "rb") if published else contextlib.nullcontext() as source:
        out = Output(handle, source)
        for iri, group, digest in graphs_of(parts):
            start = out.offset
            for part in group:
                key, offset = f"{part.iri} {part.identity}", out.offset
                if key in found:
                    out.copy(found[key][0], found[key][1])
                else:
                    out.write(part.nquads())
                extents[key] = (offset, out.offset - offset, part.identity)
            extents[iri] = (start, out.offset - start, digest)
        out.close()
    return extents


def graphs_of(parts: Iterable[GraphPart]) -> list[tuple[str, list[GraphPart], str]]:
    """Each graph's IRI, parts (in the order given) and digest (SHA-256 of its parts'
    identities), in IRI order."""
    groups: dict[str, list[GraphPart]] = {}
    for part in sorted(parts, key=lambda p: p.iri):
        groups.setdefault(part.iri, []).append(part)
    return [
        (
            iri,
            group,
            hashlib.sha256(b"".join(p.identity.encode() + b"\n" for p in group)).hexdigest(),
        )
        for iri, group in groups.items()
    ]


def _lines(path: Path) -> Iterator[bytes]:
    """The lines of a file, read by the file object itself (no Python call per line),
    closed once read."""

    def opened() -> Iterator[IO[bytes]]:
        with open(path, "rb") as handle:
            yield handle

    return itertools.chain.from_iterable(opened())


def union_inputs(parts: list[GraphPart]) -> tuple[list[CachedTurtle], bytes]:
    """What the Turtle file is made of (``scmgraph.build.turtle.write_turtle``): the
    graphs with cached blocks, and the others' lines as one string, which travels
    cheaply to the process that writes the file."""
    cached = [part.turtle for part in parts if part.turtle is not None]
    others = b"".join(line for part in parts if part.turtle is None for line in part.triples())
    return cached, others


def union_stats(parts: list[GraphPart], tally: Tally, objects: int) -> DatasetStats:
    """What the dataset description says of all graphs as one, from the Turtle file's
    ``tally`` and the number of distinct ``objects``."""
    sources = tally.sources
    return DatasetStats(
        triples=tally.triples,
        entities=tally.entities,
        subjects=tally.subjects,
        objects=objects,
        instances={_term(k): v for k, v in tally.instances.items() if v},
        properties={_term(k): v for k, v in tally.properties.items() if v},
        graphs=_graph_counts(parts),
        sources=tuple(sorted(_term(s) for s in sources)),
        source_triples=tuple(
            sorted((_term(s), _term(p), _term(o)) for s, p, o in tally.facts if s in sources)
        ),
    )


def distinct_objects(parts: list[GraphPart]) -> int:
    """How many distinct objects all graphs have: a set filled from each part's lines
    in C (a fraction of the triples: some 85,000 terms for 200 communiqués)."""
    found: set[bytes] = set()
    for part in parts:
        found.update(part.objects())
    return len(found)


def _graph_counts(parts: list[GraphPart]) -> dict[object, int]:
    """Triples per named graph (a graph may come in several disjoint parts)."""
    counts: Counter[str] = Counter()
    for part in parts:
        counts[part.iri] += part.count
    return {_term(f"<{iri}>".encode()): n for iri, n in counts.items() if n}


def _term(text: bytes) -> object:
    """The rdflib term of one N-Triples term."""
    quad = next(iter(ox.parse(b"<x:s> <x:p> " + text + b" .\n", format=ox.RdfFormat.N_TRIPLES)))
    return rdf_term(quad.object)


@dataclass(frozen=True)
class GraphBlocks:
    """One graph's TriG block and JSON-LD object, each made (or read) a chunk at a time
    when written; ``digest`` names its content, as in the N-Quads extents."""

    iri: str
    digest: str
    trig: Callable[[], Iterable[bytes]]
    jsonld: Callable[[], Iterable[bytes]]


def every_block(parts: list[GraphPart]) -> list[GraphBlocks]:
    """Each graph's blocks in IRI order: cached, joined from its parts' as they are
    written (``nodes``), or made here (a graph computed by this build) when first
    wanted."""
    found: list[GraphBlocks] = []
    for iri, group, digest in graphs_of(parts):
        cached = group[0].blocks
        if len(group) == 1 and cached is not None:
            trig, jsonld = cached
            found.append(
                GraphBlocks(
                    iri, digest, lambda trig=trig: (trig(),), lambda jsonld=jsonld: (jsonld(),)
                )
            )  # type: ignore[misc]
            continue
        if len(group) > 1 and all(p.nodes or p.turtle is None for p in group):
            nodes = [_part_nodes(p) for p in group]
            if joinable(nodes):
                found.append(
                    GraphBlocks(
                        iri,
                        digest,
                        lambda iri=iri, nodes=nodes: trig_chunks(iri, nodes),  # type: ignore[misc]
                        lambda iri=iri, nodes=nodes: jsonld_chunks(iri, nodes),  # type: ignore[misc]
                    )
                )
                continue
        whole = functools.cache(
            lambda group=group: graph_blocks(b"".join(p.nquads() for p in group))
        )
        found.append(
            GraphBlocks(
                iri, digest, lambda whole=whole: (whole()[0],), lambda whole=whole: (whole()[1],)
            )
        )  # type: ignore[misc]
    return found


def _part_nodes(part: GraphPart) -> Nodes:
    """A part's blocks inside its graph's: cached (read as they are written), or made here."""
    if part.nodes is not None:
        return part.nodes()
    lines = list(part.triples())
    trig, jsonld = inner_blocks(part.nquads(), part.iri)
    return PartBlocks(_subject(lines[0]), _subject(lines[-1]), trig, jsonld)


def _subject(line: bytes) -> bytes:
    return line[: line.index(b" ")]


def write_trig(
    blocks: list[GraphBlocks], handle: BinaryIO, previous: Previous | None = None
) -> Extents:
    """The TriG file: its prefixes, then each graph's block; where each block is."""
    return _write_blocks(
        blocks, handle, previous, trig_head(), lambda b: b.trig(), separator=b"", tail=b""
    )


def write_jsonld(
    blocks: list[GraphBlocks], handle: BinaryIO, context: dict, previous: Previous | None = None
) -> Extents:
    """JSON-LD in expanded form (full IRIs, explicit values) under the embedded context;
    where each graph's object is.

    The context travels inside the document, so no reader needs the network; the
    node objects do not depend on it.
    """
    head = b'{"@context": ' + json.dumps(context, sort_keys=True).encode() + b',\n"@graph": ['
    return _write_blocks(
        blocks, handle, previous, head, lambda b: b.jsonld(), separator=b",", tail=b"]}\n"
    )


def _write_blocks(
    blocks: list[GraphBlocks],
    handle: BinaryIO,
    previous: Previous | None,
    head: bytes,
    chunks: Callable[[GraphBlocks], Iterable[bytes]],
    *,
    separator: bytes,
    tail: bytes,
) -> Extents:
    """``head``, the graphs' blocks with ``separator`` between them, ``tail``. A block
    whose graph the ``previous`` file has with the same digest is copied from it."""
    extents: Extents = {}
    published, found = previous or (None, {})
    with open(published, "rb") if published else contextlib.nullcontext() as source:
        out = Output(handle, source)
        out.write(head)
        for number, block in enumerate(blocks):
            between = separator if number else b""
            was = found.get(block.iri)
            if was is not None and was[2] == block.digest:
                out.copy(was[0], was[1], between)
                start = out.offset - was[1]
            else:
                out.write(between)
                start = out.offset
                for chunk in chunks(block):
                    out.write(chunk)
            extents[block.iri] = (start, out.offset - start, block.digest)
        out.write(tail)
        out.close()
    return extents
