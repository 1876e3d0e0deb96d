"""Five more communiqués in forms the other sets do not show (a media note, a ministry
page laid out in tables with "1)" numbers, a press e-mail, white-paper text from a PDF
with threads to the ministry page, a press kit's PDF text), annotated before the
extractor was run on them, scored by `evaluate`."""

from __future__ import annotations

from pathlib import Path

from scored import communiques, shortfalls

OWN = Path(__file__).resolve().parent / "fixtures" / "own"
OWN_MINIMUMS = {
    "meeting": 1.0,
    "statement_f1": 0.95,
    "class_acc": 0.95,
    "actor_acc": 0.95,
    "entity_f1": 0.88,
    "mention_f1": 0.88,
    "topic_f1": 0.85,
    "deadline_f1": 0.95,
    "thread_recall": 0.95,
    "thread_precision": 0.95,
}


def test_own_annotated_communiques_score_like_the_corpus(tmp_path: Path) -> None:
    assert communiques(OWN) == [
        "044_scm_2012.txt",
        "046_scm_2014.txt",
        "048_scm_2016.html",
        "049_scm_2017.txt",
        "051_scm_2019.txt",
    ]
    assert shortfalls(OWN, OWN_MINIMUMS, tmp_path) == {}
