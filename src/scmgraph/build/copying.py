"""Files written partly by copying byte ranges of the files a previous build published.

A rebuild changes few graphs, and each graph's lines (N-Quads) or block (TriG,
JSON-LD) depends on that graph alone: the rest is copied from the published file
by the kernel, never read into Python. Consecutive ranges are joined into one
copy, so a file of a thousand unchanged graphs costs a handful of system calls
(each of which lets the build's other threads take the interpreter for a while).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import BinaryIO

from scmgraph.checksums import file_hasher

# Where each graph, or each part of a graph, is in a published file: key -> offset,
# length, and a digest naming what is there (``scmgraph.build.assemble``).
Extents = dict[str, tuple[int, int, str]]
# A published file and its extents.
Previous = tuple[Path, Extents]

# Bytes read at a time to hash a file: a buffer the core's cache holds, so that the
# hash reads what the kernel has just copied there (a 16 MB buffer: 30 % slower).
_READ = 1 << 20
_WAIT = 0.005  # seconds a hash of a growing file waits for more of it


class Output:
    """A file written in order, from bytes and from ranges of a ``source`` file."""

    def __init__(self, handle: BinaryIO, source: BinaryIO | None = None) -> None:
        self.handle, self.source, self.offset = handle, source, 0
        self._pending: list[int] = []  # start in the source, length, offset here

    def write(self, data: bytes) -> None:
        self._copy_pending()
        self.handle.write(data)
        self.offset += len(data)

    def copy(self, start: int, length: int, between: bytes = b"") -> None:
        """Write ``between`` then the source's ``length`` bytes from ``start``.

        ``between`` is what the source holds between two consecutive ranges (its
        separator): a range that follows the last one copied, with just that
        between them in the source, joins its copy."""
        pending = self._pending
        if pending and pending[0] + pending[1] + len(between) == start:
            pending[1] += len(between) + length
            self.offset += len(between) + length
            return
        if between:
            self.write(between)
        self._copy_pending()
        self._pending = [start, length, self.offset]
        self.offset += length

    def close(self) -> None:
        """Copy what is still pending (the file is complete once this returns)."""
        self._copy_pending()

    def _copy_pending(self) -> None:
        if self._pending:
            start, length, offset = self._pending
            self._pending = []
            if self.source is None:
                raise ValueError("nothing to copy from")
            self.handle.flush()
            copy_range(self.source, start, length, self.handle, offset)


def copy_range(source: BinaryIO, start: int, length: int, target: BinaryIO, offset: int) -> None:
    """Copy ``length`` bytes of ``source`` from ``start`` to ``target`` at ``offset``, in
    the kernel when it can, and leave ``target`` positioned after them."""
    done = 0
    while done < length:
        try:
            n = os.copy_file_range(
                source.fileno(), target.fileno(), length - done, start + done, offset + done
            )
        except OSError:  # no copy between these two files here: through a buffer
            chunk = os.pread(source.fileno(), min(length - done, _READ), start + done)
            n = os.pwrite(target.fileno(), chunk, offset + done)
        if n == 0:
            raise ValueError(f"{source.name}: shorter than its extents say")
        done += n
    target.seek(offset + length)


def growing_digest(path: Path, written: threading.Event) -> tuple[int, str]:
    """The size and checksum (``scmgraph.checksums``) of a file that another thread
    is still writing, read as it grows until ``written`` is set: hashing goes on
    beside the writing instead of after it.

    The file must be written in order, never going back (``Output`` does so): every
    byte below its current size is then final.
    """
    digest, size = file_hasher(), 0
    buffer = bytearray(_READ)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while True:
            last = written.is_set()  # set before the last read: nothing comes after it
            while n := handle.readinto(buffer):
                digest.update(view[:n])
                size += n
            if last:
                return size, digest.hexdigest()
            written.wait(_WAIT)
