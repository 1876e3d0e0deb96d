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

import bisect
import hashlib
import heapq
import pickle
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from scmgraph.atomic import stage_stream, write_atomic
from scmgraph.build.turtle_blocks import (
    Cache,
    CachedTurtle,
    SubjectIndex,
    Tally,
    lines_of,
    merged_lines,
    positions,
    serialise_blocks,
    subject_of,
    turtle_head,
)
from scmgraph.build.turtle_shared import shared_blocks
from scmgraph.checksums import file_hasher

# Sources whose files are held while writing: subjects are named after their communiqué,
# so a communiqué's blocks, its thread links' and their merged blocks come together.
_OPEN_SOURCES = 8
Source = tuple[Path | bytes, tuple[int, ...]]  # blocks (a cached file or made here), their ends
Run = tuple[int, int, int]  # a source, its first and last block


class Writer(Protocol):
    """Where the Turtle file goes."""

    def write(self, data: bytes, /) -> int: ...


@dataclass(frozen=True)
class MergedBlocks:
    """The blocks of the subjects a set of cached graphs share, and how merging them
    changes the sum of those graphs' tallies (cached under the graphs' keys)."""

    subjects: tuple[bytes, ...]
    blocks: tuple[int, ...]
    delta: Tally


def write_turtle(
    cached: list[CachedTurtle],
    others: Iterable[bytes],
    handle: Writer,
    cache: Cache,
    kept: tuple[str | None, str] | None = None,
    build: bytes = b"",
) -> tuple[Tally, set[str]]:
    """The distinct triples of every graph in Turtle, their tally, and the cache keys
    of the merged blocks used.

    ``cached``: graphs with cached blocks; ``others``: the lines of the rest. A
    subject of one cached graph alone is copied from it; one that only two cached
    graphs share is copied from their merged blocks, cached under their keys; the
    others are merged here (``turtle_shared``). ``kept``: the cache keys of the
    previous build's merged blocks, if any, and of this build's (the blocks of the
    subjects two graphs share are listed under it too, read by the next build in one
    file, not one a pair of graphs); ``build``: the whole build's IRI (N-Triples),
    which kept blocks may name in place of another's.
    """
    indexes = [c.index() for c in cached]
    lines = list(others)
    batch = {subject_of(line) for line in lines}
    seen: set[bytes] = set()
    several: set[bytes] = set()  # the subjects of more than one graph
    for index in indexes:
        several.update(seen.intersection(index.subjects))
        seen.update(index.subjects)
    owners: dict[bytes, list[int]] = {}
    for number, index in enumerate(indexes):
        for s in several.intersection(index.subjects):
            owners.setdefault(s, []).append(number)
    shared: dict[tuple[int, ...], list[bytes]] = {}
    for s, who in owners.items():
        if len(who) > 2:  # an entity many communiqués describe: changes with any of them
            batch.add(s)
        elif len(who) == 2 and s not in batch:  # a statement and its thread links, mostly
            shared.setdefault(tuple(who), []).append(s)
    # Each subject's block comes from one source: a subject several graphs have from
    # their merged blocks or from those made here, any other from its own graph. Every
    # source's subjects are sorted, so the file is a merge of runs of blocks, around
    # the subjects (``holes``) each graph leaves to another source.
    taken = batch.union(*shared.values())
    holes = [positions(index.subjects, taken) for index in indexes]
    tally = Tally()
    for index in indexes:
        tally.add(index.tally)
    order = sorted(batch)
    previous = cache.load(kept[0]) if kept and kept[0] else None
    counts = cache.load(f"{kept[0]}-counts") if kept and kept[0] else None
    known = cache.load(f"{kept[0]}-merged") if kept and kept[0] else None
    merged_before = known if isinstance(known, dict) else {}  # by key
    made = shared_blocks(
        order,
        cached,
        indexes,
        holes,
        lines,
        previous if isinstance(previous, dict) else {},
        build,
        counts if isinstance(counts, dict) else None,
        lambda key: _former(cache, key),
    )
    tally.add(made.delta)
    keys: set[str] = set()
    with _Saving(cache) as saving:
        if kept:
            saving.save(kept[1], made.kept)
            saving.save(f"{kept[1]}-counts", made.counts)
            keys |= {kept[1], f"{kept[1]}-counts"}
        sources: list[Source] = [
            (item.turtle, index.blocks) for item, index in zip(cached, indexes, strict=True)
        ]
        sources.append((made.body, tuple(made.ends)))
        subjects: list[Sequence[bytes]] = [index.subjects for index in indexes]
        subjects.append(order)
        runs = [
            run
            for number, (index, left) in enumerate(zip(indexes, holes, strict=True))
            for run in _between(number, left, len(index.subjects))
        ]
        runs.append((len(indexes), 0, len(order) - 1))
        merges: dict[str, MergedBlocks] = {}
        for who, common in shared.items():
            items, found = [cached[n] for n in who], [indexes[n] for n in who]
            key, merged = _merged(saving, items, found, common, merged_before)
            keys.add(key)
            merges[key] = merged
            tally.add(merged.delta)
            sources.append((cache.path(key, "ttl"), merged.blocks))
            subjects.append(merged.subjects)
            runs.append((len(sources) - 1, 0, len(merged.subjects) - 1))
        if kept:  # read in one file by the next build, not one file a pair of graphs
            saving.save(f"{kept[1]}-merged", merges)
            keys.add(f"{kept[1]}-merged")
        _write_blocks(sources, _merge_runs(subjects, runs), handle, saving.text)
    return tally, keys


def stage_turtle(
    path: Path,
    cached: list[CachedTurtle],
    others: bytes,
    cache: Cache,
    kept: tuple[str | None, str] | None = None,
    build: bytes = b"",
) -> tuple[Path, int, str, Tally, set[str]]:
    """``write_turtle`` into a file staged beside ``path`` (``others``: the lines of
    the graphs without cached blocks, joined): the staged file, its size and
    checksum, its tally and the merged blocks' keys. The caller flushes the file to
    disk (``sync``) before it moves it in place.

    Mostly Python work, so a build runs it on one of its worker processes, when it
    has them, while it writes the other files."""
    found: list[tuple[int, str, Tally, set[str]]] = []

    def write(handle: BinaryIO) -> None:
        counted = _Digesting(handle)
        lines = others.splitlines(keepends=True)
        tally, keys = write_turtle(cached, lines, counted, cache, kept, build)
        found.append((counted.size, counted.digest.hexdigest(), tally, keys))

    return (stage_stream(path, write, synced=False), *found[0])


class _Digesting:
    """A file being written that counts and hashes what goes through it (so that the
    file is not read again for the dataset description)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.size, self.digest = handle, 0, file_hasher()

    def write(self, data: bytes) -> int:
        self.size += len(data)
        self.digest.update(data)
        return self.handle.write(data)


def _between(source: int, holes: list[int], size: int) -> Iterator[Run]:
    """The runs of a source's blocks ``0 .. size - 1`` that leave out ``holes``."""
    first = 0
    for hole in [*holes, size]:
        if hole > first:
            yield source, first, hole - 1
        first = hole + 1


def _merge_runs(subjects: list[Sequence[bytes]], runs: list[Run]) -> Iterator[Run]:
    """Runs of blocks, each source's subjects sorted and every subject in one run, cut
    and ordered so that their subjects come in order: a heap of runs, not of subjects.

    >>> subjects = [(b"a", b"b", b"e", b"f"), (b"c", b"d", b"g")]
    >>> list(_merge_runs(subjects, [(0, 0, 3), (1, 0, 2)]))
    [(0, 0, 1), (1, 0, 1), (0, 2, 3), (1, 2, 2)]
    """
    heap = [(subjects[n][first], n, first, last) for n, first, last in runs if first <= last]
    heapq.heapify(heap)
    while heap:
        _, number, first, last = heapq.heappop(heap)
        if heap:  # up to the next run's first subject
            end = bisect.bisect_left(subjects[number], heap[0][0], first + 1, last + 1) - 1
        else:
            end = last
        yield number, first, end
        if end < last:
            heapq.heappush(heap, (subjects[number][end + 1], number, end + 1, last))


def _former(cache: Cache, key: str) -> tuple[CachedTurtle, SubjectIndex] | None:
    """A graph an earlier build cached, with its subject index, if its files are there."""
    paths = (cache.path(key, "ttl"), cache.path(key, "nt"), cache.path(key, "subjects"))
    item = CachedTurtle(key, *paths)
    try:
        return (item, item.index()) if item.triples.is_file() else None
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        return None


class _Saving:
    """Writes what the Turtle file caches for the next build (and flushes it to disk)
    on a thread beside the writing of the file: a flush waits for the disk, which the
    build's other files keep busy meanwhile (a flush of a few KB took 0.25 s then).
    A text being written is held here until it is in its place."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self._held: dict[Path, bytes] = {}
        self._thread = ThreadPoolExecutor(max_workers=1)  # in order: a text before its index
        self._done: list[Future[None]] = []

    def __enter__(self) -> _Saving:
        return self

    def __exit__(self, *failed: object) -> None:
        self._thread.shutdown(wait=True)
        if failed[0] is None:
            for done in self._done:
                done.result()

    def save(self, key: str, value: object) -> None:
        self._done.append(self._thread.submit(self.cache.save, key, value))

    def write(self, path: Path, data: bytes) -> None:
        self._held[path] = data

        def write() -> None:
            write_atomic(path, data)
            del self._held[path]

        self._done.append(self._thread.submit(write))

    def text(self, path: Path) -> bytes:
        """A file's bytes, whether still being written or in its place."""
        data = self._held.get(path)
        return path.read_bytes() if data is None else data


def _merged(
    saving: _Saving,
    items: list[CachedTurtle],
    indexes: list[SubjectIndex],
    subjects: list[bytes],
    before: dict[str, MergedBlocks] | None = None,
) -> tuple[str, MergedBlocks]:
    """The merged blocks of ``subjects``, which the graphs ``items`` share: cached, or
    made and cached. ``before``: the previous build's merged blocks by key, if kept."""
    cache = saving.cache
    names = "\0".join(sorted(item.key for item in items)).encode("utf-8")
    key = f"merged-{hashlib.sha256(names).hexdigest()[:32]}"
    subjects = sorted(subjects)
    found = (before or {}).get(key)
    if found is None:
        found = cache.load(key)
    if (
        isinstance(found, MergedBlocks)
        and list(found.subjects) == subjects
        and cache.path(key, "ttl").is_file()
    ):
        return key, found
    wanted = set(subjects)
    distinct, delta = merged_lines(
        lines_of(item, index, positions(index.subjects, wanted))
        for item, index in zip(items, indexes, strict=True)
    )
    body, ends = serialise_blocks(distinct)
    if len(ends) != len(subjects):
        raise ValueError("Turtle serialisation does not give one block per subject")
    merged = MergedBlocks(tuple(subjects), tuple(ends), delta)
    saving.write(cache.path(key, "ttl"), body)
    saving.save(key, merged)
    return key, merged


def _write_blocks(
    sources: list[Source], runs: Iterable[Run], handle: Writer, read: Callable[[Path], bytes]
) -> None:
    """The prefix lines, then each run of blocks, copied in one slice of its source
    (a file's bytes given by ``read``)."""
    held: OrderedDict[int, bytes] = OrderedDict()  # the files of the last few sources
    head = False
    for number, first, last in runs:
        if not head:
            handle.write(turtle_head())
            head = True
        blocks, ends = sources[number]
        start = ends[first - 1] if first else 0
        if not isinstance(blocks, bytes):
            if number not in held:
                held[number] = read(blocks)
                if len(held) > _OPEN_SOURCES:
                    held.popitem(last=False)
            blocks = held[number]
        handle.write(blocks[start : ends[last]])
