"""Two pairs of consecutive communiqués (the 33rd and 34th SCMs, the 36th and 37th),
the second of each carrying most of the first's commitments over reworded (verb
changed, paraphrased, moved, split, merged, fulfilled, strengthened, weakened),
annotated with the threads before the extractor was run on them: the thread links
must find a reworded predecessor."""

from __future__ import annotations

from pathlib import Path

from scored import KEPT, communiques, shortfalls

PAIRS = Path(__file__).resolve().parent / "fixtures" / "pairs"
PAIRS_MINIMUMS = {**KEPT, "topic_f1": 0.68, "thread_precision": 0.9, "thread_recall": 0.9}


def test_threads_link_a_reworded_predecessor(tmp_path: Path) -> None:
    assert communiques(PAIRS) == [
        "033_scm_2001.txt",
        "034_scm_2002.txt",
        "036_scm_2004.html",
        "037_scm_2005.txt",
    ]
    assert shortfalls(PAIRS, PAIRS_MINIMUMS, tmp_path) == {}
