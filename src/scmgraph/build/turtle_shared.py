"""The Turtle blocks of the subjects many graphs describe, kept from build to build.

An entity that more than two communiqués describe (a state, a command, an
agreement), or that a graph made by the build itself describes (the registries,
the links graph), has one block in the Turtle file, made from the lines of every
graph that has it. Such a block depends only on what it is made of: the subject,
the keys of the cached graphs that have it (a key names its graph's content) and
the lines the build's own graphs give it. Each block is kept under a digest of
that, so that a build makes again only the blocks whose digest the previous
build did not have: after one communiqué changed, those of its own entities.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from scmgraph.build.turtle_blocks import (
    CachedTurtle,
    SubjectIndex,
    Tally,
    lines_by_subject,
    merged_subject,
    serialise_blocks,
    subject_of,
)
from scmgraph.rdf.terms import PREFIXES

# Names the serialiser and the prefixes: a block kept by a build that had others
# is not used.
_WRITER = f"{ox.__version__} {sorted(PREFIXES.items())}".encode()


@dataclass(frozen=True)
class SharedBlock:
    """A shared subject's block, and how merging its lines changes the sum of the
    tallies of the graphs that have it."""

    block: bytes
    delta: Tally


Kept = dict[str, SharedBlock]  # by the digest of what a block is made of


@dataclass(frozen=True)
class SharedSubjects:
    """The blocks of the shared subjects in order (``body``, where each ends), what
    they change in the sum of the graphs' tallies, every block by its digest, and
    how many blocks were made (the others were kept)."""

    body: bytes
    ends: list[int]
    delta: Tally
    kept: Kept
    made: int


def shared_blocks(
    order: Sequence[bytes],
    cached: list[CachedTurtle],
    indexes: list[SubjectIndex],
    holes: list[list[int]],
    others: list[bytes],
    kept: Kept,
) -> SharedSubjects:
    """The blocks of the subjects ``order`` (sorted), each merged from the lines
    ``others`` give it and from every cached graph that has it (``holes``: where
    each graph's shared subjects are in its index); a block ``kept`` has under the
    same digest is used as it is.
    """
    wanted = set(order)
    own: defaultdict[bytes, list[bytes]] = defaultdict(list)
    for line in others:
        own[subject_of(line)].append(line)
    graphs: defaultdict[bytes, list[tuple[int, int]]] = defaultdict(list)  # (graph, position)
    for number, (index, left) in enumerate(zip(indexes, holes, strict=True)):
        for i in left:
            if index.subjects[i] in wanted:
                graphs[index.subjects[i]].append((number, i))
    digests = [_digest(s, [cached[n].key for n, _ in graphs[s]], own[s]) for s in order]
    missing = [s for s, digest in zip(order, digests, strict=True) if digest not in kept]
    made = _make(missing, cached, indexes, graphs, own)
    found: Kept = {}
    delta = Tally()
    blocks: list[bytes] = []
    for s, digest in zip(order, digests, strict=True):
        block = made[s] if s in made else kept[digest]
        found[digest] = block
        delta.add(block.delta)
        blocks.append(block.block)
    ends = list(itertools.accumulate(len(block) for block in blocks))
    return SharedSubjects(b"".join(blocks), ends, delta, found, len(made))


def _digest(subject: bytes, keys: list[str], lines: list[bytes]) -> str:
    names = "\0".join(keys).encode("utf-8")
    return hashlib.sha256(b"\n".join([_WRITER, subject, names, *sorted(lines)])).hexdigest()


def _make(
    subjects: list[bytes],
    cached: list[CachedTurtle],
    indexes: list[SubjectIndex],
    graphs: dict[bytes, list[tuple[int, int]]],
    own: dict[bytes, list[bytes]],
) -> dict[bytes, SharedBlock]:
    """The blocks of ``subjects`` (sorted), serialised together."""
    if not subjects:
        return {}
    read: defaultdict[int, list[int]] = defaultdict(list)  # graph -> positions wanted
    for s in subjects:
        for number, i in graphs[s]:
            read[number].append(i)
    lines: dict[tuple[int, int], list[bytes]] = {}
    for number, places in read.items():
        places.sort()
        found = lines_by_subject(cached[number], indexes[number], places)
        lines.update(((number, i), group) for i, group in zip(places, found, strict=True))
    merged: list[list[bytes]] = []
    deltas: list[Tally] = []
    for s in subjects:
        distinct, delta = merged_subject((lines[place] for place in graphs[s]), own.get(s, []))
        merged.append(distinct)
        deltas.append(delta)
    body, ends = serialise_blocks([line for group in merged for line in group])
    if len(ends) != len(subjects):
        raise ValueError("Turtle serialisation does not give one block per subject")
    starts = [0, *ends[:-1]]
    return {
        s: SharedBlock(body[start:end], delta)
        for s, start, end, delta in zip(subjects, starts, ends, deltas, strict=True)
    }
