"""Fourteen composed communiqués (1991-2011) whose paragraph 1 takes the shapes of
earlier decades (ordinals spelled out, two-day meetings, venues, courtesy titles, the
MCM dated from the SCM), annotated before the extractor was run on them, scored by
`evaluate`."""

from __future__ import annotations

from pathlib import Path

from scored import KEPT, communiques, shortfalls

OPENINGS = Path(__file__).resolve().parent / "fixtures" / "openings"
# Threads are left out: the set's gold links an agreement to hold the next SCM to
# the next communiqué's paragraph 1 alone, which holds no statement to link to.
OPENINGS_MINIMUMS = {**KEPT, "topic_f1": 0.85}


def test_paragraph_one_of_earlier_decades_is_read_whole(tmp_path: Path) -> None:
    assert len(communiques(OPENINGS)) == 14
    assert shortfalls(OPENINGS, OPENINGS_MINIMUMS, tmp_path) == {}
