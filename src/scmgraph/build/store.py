"""The embedded store of a build, made from the previous build's store when it can be.

A store is named after the checksum (``scmgraph.checksums``) of the N-Quads it holds
and is not changed once named. A new store starts as a checkpoint of the previous
one (RocksDB hard-links its files, so this costs next to nothing), in a staging
folder; there only the graphs that differ are changed, and within each only the
lines that differ: the quads the new graph no longer holds are deleted, the new ones
added. What each store holds is written in a manifest inside it
(``scmgraph-build.json``): every graph's place and digest in the published N-Quads
(and its block's in the TriG and JSON-LD files, which the next build copies from),
the fingerprint of the build, and the size and time of every file published with it.
A build whose fingerprint and files match the manifest of the published store has
nothing to publish.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from scmgraph.atomic import write_atomic
from scmgraph.build.copying import Extents, Previous

MANIFEST = "scmgraph-build.json"
# N-Quads lines per call to the bulk loader, which holds a few KB a line while it
# works and uses one core: a file is loaded by one call per core at a time. Each call
# also writes a sorted file per index, which ``optimize`` merges afterwards: fewer,
# larger calls cost less (cold builds against slices of 10,000 lines: 0.953 at 10x,
# peak 162 against 142 MB; 0.967 at 100x, peak 243 against 262 MB).
_LOAD_SLICE = 25_000
_LOADERS = max(1, min(4, os.cpu_count() or 1))
# A changed graph's lines are compared as they are up to this size, else by digest.
_HELD_WHOLE = 64 << 20
# Lines a rebuild adds to a graph through the store's own writes, up to this many: the
# store's queries read them back more cheaply than the files the bulk loader makes for
# them (the stored queries at 100x, after one to four one-changed rebuilds: 6-9 %
# slower than on a fresh store, against 14-25 %). More go to the bulk loader, which is
# faster at that.
_ADDED_IN_PLACE = 100_000
_READ_BLOCK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    """What a store holds and which published files were written with it."""

    fingerprint: str
    quads: int
    graphs: Extents  # in the N-Quads file
    files: dict[str, tuple[int, int]]  # published file name -> size, mtime in ns
    blocks: dict[str, Extents] = field(default_factory=dict)  # TriG, JSON-LD: file -> graphs

    def write(self, store: Path) -> None:
        data = {
            "fingerprint": self.fingerprint,
            "quads": self.quads,
            "graphs": self.graphs,
            "files": self.files,
            "blocks": self.blocks,
        }
        write_atomic(store / MANIFEST, json.dumps(data, sort_keys=True).encode("utf-8"))

    @classmethod
    def read(cls, store: Path) -> Manifest | None:
        try:
            data = json.loads((store / MANIFEST).read_bytes())
            return cls(
                str(data["fingerprint"]),
                int(data["quads"]),
                {str(k): (int(a), int(b), str(c)) for k, (a, b, c) in data["graphs"].items()},
                {str(k): (int(a), int(b)) for k, (a, b) in data["files"].items()},
                {
                    str(name): {str(k): (int(a), int(b), str(c)) for k, (a, b, c) in found.items()}
                    for name, found in data.get("blocks", {}).items()
                },
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def files_match(self, folder: Path, names: tuple[str, ...]) -> bool:
        """Whether the files ``names`` in ``folder`` are still those written with this store."""
        return all(self.files.get(name) == file_stat(folder / name) for name in names)

    def published(self, folder: Path, nquads: str) -> dict[str, Previous]:
        """The files in ``folder`` whose graphs' places this manifest has, by name, if
        they are still those written with it (a later build copies from them)."""
        known = {nquads: self.graphs, **self.blocks}
        return {
            name: (folder / name, extents)
            for name, extents in known.items()
            if extents and self.files_match(folder, (name,))
        }


def file_stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def previous_store(out_dir: Path, link: str, nquads: str) -> tuple[Path, Manifest] | None:
    """The published store and its manifest, if the published N-Quads file (not yet
    replaced by this build) is the one that manifest describes."""
    path = out_dir / link
    if not path.is_symlink() or "/" in os.readlink(path):
        return None
    store = path.resolve()
    manifest = Manifest.read(store)
    if manifest is None or not manifest.files_match(out_dir, (nquads,)):
        return None
    return store, manifest


def stage_store(
    nquads: Path,
    digest_of: Callable[[], str],
    out_dir: Path,
    graphs: Extents,
    previous: tuple[Path, Manifest] | None,
    previous_nquads: Path,
) -> Path:
    """The store of ``nquads`` (its checksum given by ``digest_of``, its graphs at
    ``graphs``) in a staging folder beside the others, or the store of that digest if
    there is one.

    ``previous``: the published store, when ``previous_nquads`` is the file its
    manifest describes; the new store is then that store with the differences
    applied. The bulk loader holds what it is given in memory, so a whole file is
    given to it a slice at a time: memory stays flat. Runs beside the writing of the
    other files (the loader works outside the GIL); ``name_store`` then names it.
    The store is staged while the file is still being hashed, and dropped if a store
    of that digest turns out to exist.
    """
    staging = out_dir / f".store-{uuid.uuid4().hex}"
    if previous is None:
        store = ox.Store(str(staging))
        bulk_load(store, nquads)
        store.optimize()
    else:
        ox.Store.read_only(str(previous[0])).backup(str(staging))
        store = ox.Store(str(staging))
        _apply_differences(store, previous_nquads, previous[1], nquads, graphs)
    store.flush()
    del store
    target = store_path(out_dir, digest_of())
    if target.exists():  # the same triples; the files written with it are new
        shutil.rmtree(staging)
        return target
    return staging


def bulk_load(store: ox.Store, nquads: Path, loaders: int = _LOADERS) -> None:
    """Fill ``store`` with an N-Quads file, a slice at a time on ``loaders`` threads (the
    bulk loader works outside the GIL): memory stays flat whatever the file's size,
    and the store holds the same quads whatever order the slices went in.

    The loader does not check the IRIs again (a sixth of its time): every line of a
    build's file went through a strict parser before (the graph's blocks, its
    validation)."""
    lock, failed = threading.Lock(), threading.Event()
    with open(nquads, "rb") as handle:

        def next_slice() -> bytes:
            with lock:
                return b"".join(itertools.islice(handle, _LOAD_SLICE))

        def load() -> None:
            while not failed.is_set() and (chunk := next_slice()):
                try:
                    store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS, lenient=True)
                except BaseException:
                    failed.set()  # the other loaders stop at their next slice
                    raise

        with ThreadPoolExecutor(max_workers=loaders) as pool:
            for done in [pool.submit(load) for _ in range(loaders)]:
                done.result()


def store_path(out_dir: Path, digest: str) -> Path:
    """Where the store of the N-Quads of checksum ``digest`` is: named after it."""
    return out_dir / f"store-{digest[:16]}"


def name_store(staged: Path, digest: str, out_dir: Path, manifest: Manifest) -> Path:
    """Write the manifest into a staged store and give it its name, last."""
    target = store_path(out_dir, digest)
    manifest.write(staged)
    if staged != target:
        os.replace(staged, target)
    return target


def _apply_differences(
    store: ox.Store, old_nquads: Path, old: Manifest, nquads: Path, graphs: Extents
) -> None:
    """Change the graphs whose digests differ, deleting and adding only lines that differ.

    A graph in several parts is compared by its parts: those of the same identity in
    both builds hold the same lines, so only the lines of the parts either build
    alone has are read. Otherwise the lines are compared whole, or by their 128-bit
    digests when the graph is large (a whole graph may be too large to hold twice).
    """
    with open(old_nquads, "rb") as before, open(nquads, "rb") as after:
        for iri in sorted(k for k in set(old.graphs) | set(graphs) if " " not in k):
            was, now = old.graphs.get(iri), graphs.get(iri)
            if was is not None and now is not None and was[2] == now[2]:
                continue
            old_parts, new_parts = _parts(old.graphs, iri), _parts(graphs, iri)
            if old_parts and new_parts and max(len(old_parts), len(new_parts)) > 1:
                old_lines = {
                    line
                    for key in old_parts.keys() - new_parts.keys()
                    for line in _lines(before, old_parts[key])
                }
                new_lines = {
                    line
                    for key in new_parts.keys() - old_parts.keys()
                    for line in _lines(after, new_parts[key])
                }
                gone, added = sorted(old_lines - new_lines), sorted(new_lines - old_lines)
            else:
                gone, added = _differing_lines(before, was, after, now)
            tail = len(f" <{iri}> .\n".encode())
            for chunk in _slices(gone):
                triples = b"".join(line[:-tail] + b" .\n" for line in chunk).decode("utf-8")
                store.update(f"DELETE DATA {{ GRAPH <{iri}> {{\n{triples}}} }}")
            for chunk in _slices(added):
                data = b"".join(chunk)
                if len(added) <= _ADDED_IN_PLACE:
                    store.extend(ox.parse(data, format=ox.RdfFormat.N_QUADS))
                else:
                    store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)


def _parts(extents: Extents, iri: str) -> dict[str, tuple[int, int, str]]:
    """The parts of graph ``iri`` by identity (none in a manifest older than parts)."""
    prefix = iri + " "
    return {k[len(prefix) :]: v for k, v in extents.items() if k.startswith(prefix)}


def _differing_lines(
    before: BinaryIO,
    was: tuple[int, int, str] | None,
    after: BinaryIO,
    now: tuple[int, int, str] | None,
) -> tuple[list[bytes], list[bytes]]:
    """The lines only the old extent has and those only the new one has, sorted."""
    if max(was[1] if was else 0, now[1] if now else 0) <= _HELD_WHOLE:
        old_set, new_set = set(_lines(before, was)), set(_lines(after, now))
        return sorted(old_set - new_set), sorted(new_set - old_set)
    old_lines = {_digest(line) for line in _lines(before, was)}
    new_lines = {_digest(line) for line in _lines(after, now)}
    gone = sorted(line for line in _lines(before, was) if _digest(line) not in new_lines)
    added = sorted(line for line in _lines(after, now) if _digest(line) not in old_lines)
    return gone, added


def _digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=16).digest()


def _slices(lines: list[bytes]) -> list[list[bytes]]:
    return [lines[i : i + _LOAD_SLICE] for i in range(0, len(lines), _LOAD_SLICE)]


def _lines(handle: BinaryIO, extent: tuple[int, int, str] | None) -> Iterator[bytes]:
    """The lines of one graph's extent of an N-Quads file, read a block at a time."""
    if extent is None:
        return
    handle.seek(extent[0])
    left, rest = extent[1], b""
    while left > 0:
        block = handle.read(min(left, _READ_BLOCK))
        if not block:
            raise ValueError(f"{handle.name}: shorter than its manifest says")
        left -= len(block)
        *lines, rest = (rest + block).split(b"\n")  # as readline: only at newlines
        for line in lines:
            yield line + b"\n"
    if rest:
        yield rest
