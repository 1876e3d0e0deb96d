"""Files written from bytes and from ranges of a published file, hashed as they grow."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import blake3

from scmgraph.build.copying import Output, growing_digest


def _write_slowly(target: Path, source: Path, written: threading.Event) -> bytes:
    """Write ``target`` in pieces, some copied from ``source``, pausing between them;
    returns what the file holds at the end."""
    expected = b""
    try:
        with open(source, "rb") as src, open(target, "wb") as handle:
            out = Output(handle, src)
            for number in range(12):
                piece = f"line {number} ".encode() * (number * 700 + 1)
                out.write(piece)
                expected += piece
                out.copy(number * 1000, 5000)
                expected += source.read_bytes()[number * 1000 : number * 1000 + 5000]
                handle.flush()
                time.sleep(0.01)
            out.close()
    finally:
        written.set()
    return expected


def test_a_file_hashed_while_it_is_written_has_the_digest_of_its_whole_content(
    tmp_path: Path,
) -> None:
    source = tmp_path / "published"
    source.write_bytes(bytes(range(256)) * 400)
    target = tmp_path / "staged"
    target.touch()
    written = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as hasher:
        digest = hasher.submit(growing_digest, target, written)
        expected = _write_slowly(target, source, written)
        size, checksum = digest.result(timeout=30)
    assert target.read_bytes() == expected
    assert size == len(expected) > 12 * 5000
    assert checksum == blake3.blake3(expected).hexdigest()


def test_a_hash_of_a_file_whose_writing_stopped_ends_with_what_is_there(tmp_path: Path) -> None:
    target = tmp_path / "staged"
    target.write_bytes(b"half of a file")
    written = threading.Event()
    written.set()  # the writer failed: the hash must not wait for more
    assert growing_digest(target, written) == (14, blake3.blake3(b"half of a file").hexdigest())
