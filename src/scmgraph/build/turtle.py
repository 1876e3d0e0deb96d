"""The Turtle file (every graph as one, without repeats) from each subject's block.

pyoxigraph's Turtle serialiser, given sorted triples, writes one block per
subject, each depending on that subject's triples alone: the file is the prefix
lines and the blocks in subject order. A communiqué's unit caches its subjects'
blocks, where each one's triples are in its N-Triples, and what they count; the
build then serialises only the subjects several graphs share (and those of the
graphs it computes itself), and copies every other block from its unit. The
dataset description's counts are the units' counts, less what the shared
subjects counted in each unit, plus what they count once merged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib.namespace import RDF

from scmgraph.rdf.terms import ID, PREFIXES, SCM

_TYPE = f"<{RDF.type}>".encode()
_SOURCE_FILE = f"<{SCM.sourceFile}>".encode()
_SOURCE_FACTS = (f"<{SCM.sha256}>".encode(), f"<{SCM.fileName}>".encode())
_ENTITY = f"<{ID}".encode()
_BLOCK_START = re.compile(rb"^[^\t]", re.MULTILINE)  # a subject's first line (literals are escaped)


@dataclass
class Tally:
    """What distinct triples count for the dataset description; subjects' tallies add up."""

    triples: int = 0
    subjects: int = 0
    entities: int = 0  # subjects under id/
    properties: Counter[bytes] = field(default_factory=Counter)
    instances: Counter[bytes] = field(default_factory=Counter)  # class -> instances
    sources: set[bytes] = field(default_factory=set)  # objects of scm:sourceFile
    facts: set[tuple[bytes, bytes, bytes]] = field(default_factory=set)  # sha256, fileName

    def count(self, lines: Iterable[bytes], sign: int = 1) -> None:
        """Add (``sign`` 1) or take away (-1) distinct N-Triples lines, grouped by subject.

        Sources and their facts are sets: taking away leaves them, since whatever
        is taken away is counted again merged."""
        last = None
        for line in lines:
            s, p, o = line[:-3].split(b" ", 2)
            self.triples += sign
            if s != last:
                last = s
                self.subjects += sign
                self.entities += sign * s.startswith(_ENTITY)
            self.properties[p] += sign
            if p == _TYPE:
                self.instances[o] += sign
            elif sign < 0:
                continue
            elif p == _SOURCE_FILE:
                self.sources.add(o)
            elif p in _SOURCE_FACTS:
                self.facts.add((s, p, o))

    def add(self, other: Tally) -> None:
        self.triples += other.triples
        self.subjects += other.subjects
        self.entities += other.entities
        self.properties.update(other.properties)
        self.instances.update(other.instances)
        self.sources |= other.sources
        self.facts |= other.facts


@dataclass(frozen=True)
class SubjectIndex:
    """A unit's subjects in order, where each one's block ends in its Turtle and its
    lines end in its N-Triples, and what all its triples count."""

    subjects: tuple[bytes, ...]
    blocks: tuple[int, ...]
    lines: tuple[int, ...]
    tally: Tally


@dataclass(frozen=True)
class CachedTurtle:
    """A cached graph's Turtle blocks (``turtle``), N-Triples (``triples``) and index."""

    turtle: Path
    triples: Path
    index: Callable[[], SubjectIndex]


def turtle_head() -> bytes:
    """The prefix lines that begin every Turtle file pyoxigraph writes with ``PREFIXES``."""
    probe = ox.Triple(ox.NamedNode("x:s"), ox.NamedNode("x:p"), ox.NamedNode("x:o"))
    text = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    return text[: text.index(b"<x:s>")]


def _blocks(lines: list[bytes]) -> tuple[bytes, list[int]]:
    """Sorted distinct lines in Turtle without the prefixes, and where each subject's
    block ends."""
    if not lines:
        return b"", []
    text = ox.serialize(
        ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES),
        format=ox.RdfFormat.TURTLE,
        prefixes=dict(PREFIXES),
    )
    head = turtle_head()
    if not text.startswith(head):
        raise ValueError("Turtle serialisation does not start with the prefixes")
    body = text[len(head) :]
    starts = [m.start() for m in _BLOCK_START.finditer(body)]
    return body, [*starts[1:], len(body)]


def _subject(line: bytes) -> bytes:
    return line[: line.index(b" ")]


def subject_blocks(lines: list[bytes]) -> tuple[bytes, SubjectIndex]:
    """A graph's Turtle blocks (its sorted distinct lines) and their index."""
    body, ends = _blocks(lines)
    subjects: list[bytes] = []
    line_ends: list[int] = []
    offset = 0
    for line in lines:
        s = _subject(line)
        if not subjects or subjects[-1] != s:
            subjects.append(s)
            line_ends.append(offset)
        offset += len(line)
        line_ends[-1] = offset
    if len(subjects) != len(ends):
        raise ValueError("Turtle serialisation does not give one block per subject")
    tally = Tally()
    tally.count(lines)
    return body, SubjectIndex(tuple(subjects), tuple(ends), tuple(line_ends), tally)


def write_turtle(cached: list[CachedTurtle], others: Iterable[bytes], handle: IO[bytes]) -> Tally:
    """The distinct triples of every graph in Turtle, and their tally.

    ``cached``: graphs with cached blocks; ``others``: the lines of the rest. A
    subject of one cached graph alone is copied from it; the others are merged
    and serialised here.
    """
    indexes = [c.index() for c in cached]
    lines = list(others)
    merged = {_subject(line) for line in lines}
    owners: Counter[bytes] = Counter()
    for index in indexes:
        owners.update(index.subjects)
    merged.update(s for s, n in owners.items() if n > 1)
    tally = Tally()
    for item, index in zip(cached, indexes, strict=True):
        tally.add(index.tally)
        shared = [i for i, s in enumerate(index.subjects) if s in merged]
        if shared:
            data = item.triples.read_bytes()
            for i in shared:
                found = data[index.lines[i - 1] if i else 0 : index.lines[i]].splitlines(True)
                tally.count(found, -1)
                lines.extend(found)
    distinct = sorted(set(lines))
    tally.count(distinct)
    body, ends = _blocks(distinct)
    order = sorted(merged)
    if len(order) != len(ends):
        raise ValueError("Turtle serialisation does not give one block per subject")
    blocks = dict(zip(order, zip([0, *ends[:-1]], ends, strict=True), strict=True))
    _write_blocks(cached, indexes, blocks, body, handle)
    return tally


def _write_blocks(
    cached: list[CachedTurtle],
    indexes: list[SubjectIndex],
    merged: dict[bytes, tuple[int, int]],
    body: bytes,
    handle: IO[bytes],
) -> None:
    """Every subject's block in subject order: merged ones from ``body``, the others
    copied from their unit, consecutive blocks of one unit in one read."""
    where: dict[bytes, tuple[int, int]] = {}
    for number, index in enumerate(indexes):
        for i, s in enumerate(index.subjects):
            if s not in merged:
                where[s] = (number, i)
    if not where and not merged:
        return
    handle.write(turtle_head())
    run: list[int] = []  # unit, first and last subject of blocks to copy

    def copy() -> None:
        if run:
            number, first, last = run
            ends = indexes[number].blocks
            start = ends[first - 1] if first else 0
            with open(cached[number].turtle, "rb") as source:
                source.seek(start)
                handle.write(source.read(ends[last] - start))
            run.clear()

    for s in sorted(where.keys() | merged.keys()):
        if s in merged:
            copy()
            start, end = merged[s]
            handle.write(body[start:end])
            continue
        number, i = where[s]
        if run and run[0] == number and run[2] == i - 1:
            run[2] = i
        else:
            copy()
            run.extend((number, i, i))
    copy()
