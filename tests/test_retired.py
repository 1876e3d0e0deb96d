"""Files a build replaces are held open across the rename and let go afterwards:
large ones by a detached process, so that freeing them is off the build's path."""

from __future__ import annotations

import os
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from scmgraph.build.retired import Retired, _hand_over

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def holders(inode: int) -> list[int]:
    """Processes with a file descriptor open on ``inode``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.stat(f"/proc/{pid}/fd/{fd}").st_ino == inode:
                    found.append(int(pid))
                    break
        except OSError:  # gone, or not ours to read
            continue
    return found


def wait_until_free(inode: int, seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (found := holders(inode)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


def replaced_file(tmp_path: Path, size: int) -> tuple[Path, int]:
    old, new = tmp_path / "scmgraph.nq", tmp_path / ".scmgraph.nq.staged.tmp"
    old.write_bytes(b"o" * size)
    new.write_bytes(b"n" * size)
    return old, old.stat().st_ino


def test_a_large_replaced_file_stays_readable_until_closed_then_nobody_holds_it(
    tmp_path: Path,
) -> None:
    path, inode = replaced_file(tmp_path, 1 << 20)
    retired = Retired(hand_over_bytes=1 << 20)
    retired.hold(path)
    os.replace(tmp_path / ".scmgraph.nq.staged.tmp", path)
    assert holders(inode) == [os.getpid()]  # unlinked, but still open here
    assert path.read_bytes()[:1] == b"n"
    retired.close()
    assert os.getpid() not in holders(inode)
    assert wait_until_free(inode) == []
    assert len(retired) == 0


def test_the_hand_over_closes_this_process_s_copies_and_the_last_holder_exits(
    tmp_path: Path,
) -> None:
    path, inode = replaced_file(tmp_path, 4096)
    fd = os.open(path, os.O_RDONLY)
    os.unlink(path)
    assert _hand_over([fd]) is True
    with pytest.raises(OSError):
        os.fstat(fd)  # closed here: another process held it last
    assert wait_until_free(inode) == []


def test_small_files_are_closed_here_at_once(tmp_path: Path) -> None:
    path, inode = replaced_file(tmp_path, 4096)
    with closing(Retired()) as retired:
        retired.hold(path)
        os.replace(tmp_path / ".scmgraph.nq.staged.tmp", path)
        assert holders(inode) == [os.getpid()]
    assert holders(inode) == []


def test_a_file_not_there_is_not_held(tmp_path: Path) -> None:
    with closing(Retired()) as retired:
        retired.hold(tmp_path / "scmgraph.nq")
        assert len(retired) == 0
