"""Published files that a build replaces, given back to the file system after it returns.

A rename over a file drops that file's last link, and the kernel frees its blocks
and its cached pages in the rename itself: some 50 ms per 200 MB on ext4, at the
very end of every rebuild. So a build keeps each file it replaces open across the
rename, which then only unlinks it, and hands the open files to a detached
``cat``: the last holder, it closes them once the build has dropped its own copies,
and the kernel frees them beside whatever runs next. Small files are just closed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

HAND_OVER_BYTES = 64 << 20  # below this, freeing the files costs less than the hand-over


class Retired:
    """The published files a build is replacing, held open until ``close``
    (``contextlib.closing`` makes it a context).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "old").write_text("old"); (folder / "new").write_text("new")
    3
    3
    >>> from contextlib import closing
    >>> with closing(Retired()) as retired:
    ...     retired.hold(folder / "old")
    ...     os.replace(folder / "new", folder / "old")
    ...     len(retired)
    1
    >>> (folder / "old").read_text()
    'new'
    """

    def __init__(self, hand_over_bytes: int = HAND_OVER_BYTES) -> None:
        self.hand_over_bytes = hand_over_bytes
        self._held: list[int] = []
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._held)

    def hold(self, path: Path) -> None:
        """Keep ``path``'s file (if there is one) open, so that replacing it frees nothing."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return
        self._held.append(fd)
        self._bytes += os.fstat(fd).st_size

    def close(self) -> None:
        """Let the files go: handed to a detached process when they are large."""
        held, self._held, size, self._bytes = self._held, [], self._bytes, 0
        if held and size >= self.hand_over_bytes and _hand_over(held):
            return
        for fd in held:
            os.close(fd)


def _hand_over(fds: list[int]) -> bool:
    """Give a detached ``cat`` a copy of ``fds``, then close them here, then the pipe
    it reads: it exits, the last to hold them. False, ``fds`` left open, if no
    process could start (this one then frees the files)."""
    shell, cat = shutil.which("sh"), shutil.which("cat")
    if shell is None or cat is None or not hasattr(os, "posix_spawn"):
        return False
    read, write = os.pipe()
    try:
        for fd in (*fds, read):
            os.set_inheritable(fd, True)
        quiet = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ]
        # The shell starts ``cat`` in the background and exits: reaped here at once,
        # it leaves ``cat`` to the system's reaper, holding the files until its pipe
        # closes (an explicit redirection, as a background job's stdin is /dev/null).
        script = f"{cat} <&{read} &"
        try:
            shell_pid = os.posix_spawn(shell, ["sh", "-c", script], {}, file_actions=quiet)
            os.waitpid(shell_pid, 0)
        except OSError:
            return False
        for fd in fds:
            os.close(fd)
        return True
    finally:
        os.close(read)
        os.close(write)  # after this process's copies: ``cat`` reads its end and exits
