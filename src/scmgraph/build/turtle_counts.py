"""How many graphs give each line of a subject many graphs share, kept from build to build.

An entity most communiqués name has, in every communiqué's graph, its type and
labels and a line or two of that communiqué's own (the file it came from, the
build that made it). Its Turtle block is made from the lines of every graph that
has it; reading those again after one communiqué changed cost most of a rebuild's
Turtle file. So a subject that many graphs have keeps how many of them give each of
its lines, with the keys of those graphs (a key names a graph's content): the next
build takes away the lines of the graphs it no longer has and adds those of the
graphs it has newly, and reads every graph again only when many changed or a former
graph's files are gone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from scmgraph.build.turtle_blocks import CachedTurtle, SubjectIndex, lines_by_subject, positions

# Graphs a subject has at least for its counts to be kept for the next build.
MANY = 16
# Graphs changed at most (gone and new together) for the kept counts to be used.
FEW = 8


@dataclass(frozen=True)
class Counted:
    """How many graphs give each of a subject's lines, and the keys of those graphs."""

    keys: frozenset[str]
    given: Counter[bytes]


Counts = dict[bytes, Counted]  # by subject
# A graph of an earlier build by its key, with its subject index (None: its files are gone).
Former = Callable[[str], "tuple[CachedTurtle, SubjectIndex] | None"]


def count_lines(
    subjects: list[bytes],
    cached: list[CachedTurtle],
    indexes: list[SubjectIndex],
    graphs: dict[bytes, list[tuple[int, int]]],
    kept: Counts,
    former: Former | None,
) -> Counts:
    """How many graphs give each line of each of ``subjects`` (``graphs``: which
    cached graphs have it, at which position of their index): from ``kept`` where a
    few graphs changed, reading the lines of those graphs alone, else from every graph."""
    formers: dict[str, tuple[CachedTurtle, SubjectIndex] | None] = {}

    def found(key: str) -> bool:
        if key not in formers:
            formers[key] = former(key) if former else None
        return formers[key] is not None

    keys = {s: [cached[n].key for n, _ in graphs[s]] for s in subjects}
    base: dict[bytes, Counted] = {}
    gone: defaultdict[str, list[bytes]] = defaultdict(list)  # former graph -> its subjects
    for s in subjects:
        before, now = kept.get(s), set(keys[s])
        if (
            before is not None
            and len(now) == len(keys[s])
            and len(before.keys ^ now) <= FEW
            and all(found(key) for key in before.keys - now)
        ):
            base[s] = before
            for key in before.keys - now:
                gone[key].append(s)
    taken: defaultdict[bytes, list[list[bytes]]] = defaultdict(list)  # former graphs' lines
    for key, wanted in gone.items():
        item, index = formers[key]  # type: ignore[misc]
        places = positions(index.subjects, set(wanted))
        for i, group in zip(places, lines_by_subject(item, index, places), strict=True):
            taken[index.subjects[i]].append(group)
    for s in list(base):  # a former graph without the subject: counted afresh
        if len(taken[s]) != len(base[s].keys - set(keys[s])):
            del base[s]
    read: defaultdict[int, list[int]] = defaultdict(list)  # graph -> positions wanted
    for s in subjects:
        for n, i in graphs[s]:
            if s not in base or cached[n].key not in base[s].keys:
                read[n].append(i)
    lines: dict[tuple[int, int], list[bytes]] = {}
    for number, places in read.items():
        places.sort()
        groups = lines_by_subject(cached[number], indexes[number], places)
        lines.update(((number, i), group) for i, group in zip(places, groups, strict=True))
    counted: Counts = {}
    for s in subjects:
        given: Counter[bytes] = Counter(base[s].given) if s in base else Counter()
        for group in taken[s] if s in base else ():
            given.subtract(group)
        for place in graphs[s]:
            if place in lines:
                given.update(lines[place])
        counted[s] = Counted(frozenset(keys[s]), +given if s in base else given)
    return counted
