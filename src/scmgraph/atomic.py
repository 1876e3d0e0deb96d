"""Files written so that a reader sees the old file or the new one, never half of one.

A file is first written in full to a hidden temporary beside its place (``stage``),
flushed to disk, then moved in with ``os.replace``; a write that fails or is killed
leaves at most a ``.NAME.RANDOM.tmp`` file, which the next build removes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a hidden file beside ``path``, ready to be moved in place."""
    return stage_stream(path, lambda handle: handle.write(data))


def stage_stream(
    path: Path,
    write: Callable[[BinaryIO], object],
    *,
    synced: bool = True,
    opened: Callable[[Path], object] | None = None,
) -> Path:
    """Let ``write`` fill a hidden file beside ``path``, ready to be moved in place.

    ``synced=False`` leaves the flush to disk to the caller (``sync``), who must
    have done it before moving the file in place: a large file's flush can then
    wait on the disk beside other work. ``opened`` hears the hidden file's path
    before ``write`` begins (to read it as it grows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes the file private; publish it normally
        with os.fdopen(fd, "wb") as handle:
            if opened is not None:
                opened(Path(tmp))
            write(handle)
            handle.flush()
            if synced:
                os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def sync(path: Path) -> None:
    """Flush a staged file to disk (see ``stage_stream``)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half."""
    os.replace(stage(path, data), path)
