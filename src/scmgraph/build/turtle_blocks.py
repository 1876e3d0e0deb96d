"""A graph's Turtle blocks, one per subject, and what its triples count.

pyoxigraph's Turtle serialiser, given sorted triples, writes one block per
subject, each depending on that subject's triples alone. So a graph's blocks can
be made once (with its unit, with a pair of communiqués) and cut, joined and
merged later (``scmgraph.build.turtle``, ``scmgraph.build.turtle_shared``); the
``Tally`` of its triples adds up the same way, for the dataset description.
"""

from __future__ import annotations

import bisect
import functools
import os
import pickle
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

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


def merged_lines(
    graphs: Iterable[list[bytes]], extra: Iterable[bytes] = ()
) -> tuple[list[bytes], Tally]:
    """Some subjects' lines from several graphs (and ``extra`` lines, which no graph's
    tally counted), merged: sorted and distinct, and how merging them changes the sum
    of those graphs' tallies."""
    delta = Tally()
    every = list(extra)
    for lines in graphs:
        delta.count(lines, -1)
        every.extend(lines)
    distinct = sorted(set(every))
    delta.count(distinct)
    return distinct, delta


def merged_subject(
    graphs: Iterable[list[bytes]], extra: Iterable[bytes] = ()
) -> tuple[list[bytes], Tally]:
    """``merged_lines`` of one subject's lines: the same result, counted from how many
    graphs give each line. A line that one graph gives changes nothing by merging,
    so only the lines given by several graphs, or by ``extra`` alone, are read (an
    entity's type and labels come from every communiqué that names it)."""
    given: Counter[bytes] = Counter()
    groups = 0
    for lines in graphs:
        given.update(lines)
        groups += bool(lines)
    return merged_counts(given, groups, extra)


def merged_counts(
    given: Counter[bytes], groups: int, extra: Iterable[bytes] = ()
) -> tuple[list[bytes], Tally]:
    """``merged_subject`` of lines already counted: how many graphs give each line
    (``given``) and how many graphs give the subject any (``groups``)."""
    distinct = sorted(given.keys() | set(extra))
    delta = Tally()
    if not distinct:
        return distinct, delta
    delta.triples = len(distinct) - given.total()
    subject = subject_of(distinct[0])
    delta.subjects = 1 - groups
    delta.entities = delta.subjects * subject.startswith(_ENTITY)
    for line in distinct:
        times = given.get(line, 0)
        if (
            times == 1
            and _SOURCE_FILE not in line
            and _SOURCE_FACTS[0] not in line
            and _SOURCE_FACTS[1] not in line
        ):
            continue  # changes no count, and is no source fact (else it is read below)
        _, p, o = line[:-3].split(b" ", 2)
        if times != 1:
            delta.properties[p] += 1 - times
            if p == _TYPE:
                delta.instances[o] += 1 - times
        if p == _SOURCE_FILE:
            delta.sources.add(o)
        elif p in _SOURCE_FACTS:
            delta.facts.add((subject, p, o))
    return distinct, delta


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
    """A cached graph's Turtle blocks (``turtle``), N-Triples (``triples``) and pickled
    ``SubjectIndex`` (``subjects``): paths, so it travels to another process cheaply.

    ``key`` names its content."""

    key: str
    turtle: Path
    triples: Path
    subjects: Path

    def index(self) -> SubjectIndex:
        index = pickle.loads(self.subjects.read_bytes())
        if not isinstance(index, SubjectIndex):
            raise ValueError(f"{self.subjects}: not the index of a unit's subjects")
        return index


class Cache(Protocol):
    """Where merged blocks are kept (the unit cache)."""

    def path(self, key: str, suffix: str) -> Path: ...
    def load(self, key: str) -> object | None: ...
    def save(self, key: str, value: object) -> None: ...


@functools.cache
def turtle_head() -> bytes:
    """The prefix lines that begin every Turtle file pyoxigraph writes with ``PREFIXES``."""
    probe = ox.Triple(ox.NamedNode("x:s"), ox.NamedNode("x:p"), ox.NamedNode("x:o"))
    text = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    return text[: text.index(b"<x:s>")]


def serialise_blocks(
    lines: list[bytes], triples: Sequence[ox.Triple] | None = None
) -> tuple[bytes, list[int]]:
    """Sorted distinct lines in Turtle without the prefixes, and where each subject's
    block ends; ``triples``: the lines already parsed, if they are."""
    if not lines:
        return b"", []
    parsed = (
        ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES) if triples is None else triples
    )
    text = ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    head = turtle_head()
    if not text.startswith(head):
        raise ValueError("Turtle serialisation does not start with the prefixes")
    body = text[len(head) :]
    starts = [m.start() for m in _BLOCK_START.finditer(body)]
    return body, [*starts[1:], len(body)]


def subject_of(line: bytes) -> bytes:
    return line[: line.index(b" ")]


def subject_blocks(
    lines: list[bytes], triples: Sequence[ox.Triple] | None = None
) -> tuple[bytes, SubjectIndex]:
    """A graph's Turtle blocks (its sorted distinct lines, ``triples`` if parsed) and
    their index."""
    body, ends = serialise_blocks(lines, triples)
    subjects: list[bytes] = []
    line_ends: list[int] = []
    offset = 0
    for line in lines:
        s = subject_of(line)
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


def positions(subjects: Sequence[bytes], wanted: set[bytes]) -> list[int]:
    """Where the ``wanted`` subjects are in a sorted sequence, in order (a binary search
    each: few of a graph's subjects are wanted)."""
    return sorted(bisect.bisect_left(subjects, s) for s in wanted.intersection(subjects))


def lines_of(item: CachedTurtle, index: SubjectIndex, wanted: list[int]) -> list[bytes]:
    """The N-Triples lines of some of a graph's subjects (by number, in order)."""
    return [line for lines in lines_by_subject(item, index, wanted) for line in lines]


def lines_by_subject(
    item: CachedTurtle, index: SubjectIndex, wanted: list[int]
) -> list[list[bytes]]:
    """The N-Triples lines of each of some of a graph's subjects (by number, in order),
    each read on its own: few of a graph's subjects are wanted, not its whole file."""
    if not wanted:
        return []
    found: list[list[bytes]] = []
    with open(item.triples, "rb") as handle:
        for i in wanted:
            start = index.lines[i - 1] if i else 0
            found.append(os.pread(handle.fileno(), index.lines[i] - start, start).splitlines(True))
    return found
