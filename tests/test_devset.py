"""The development set (four communiqués in four publication forms, written outside
the team) scored by `evaluate`, against the figures issue 10 asks of unseen texts."""

from __future__ import annotations

from pathlib import Path

from scored import communiques, shortfalls

DEVSET = Path(__file__).resolve().parent / "fixtures" / "devset"
DEVSET_MINIMUMS = {
    "meeting": 1.0,
    "statement_f1": 0.95,
    "class_acc": 0.95,
    "actor_acc": 0.95,
    "entity_f1": 0.90,
    "mention_f1": 0.90,
    "topic_f1": 0.80,
    "deadline_f1": 0.85,
    "thread_recall": 0.80,
    "thread_precision": 0.90,
}


def test_development_set_scores_as_asked(tmp_path: Path) -> None:
    assert communiques(DEVSET) == [
        "047_scm_2015.txt",
        "050_scm_2018.txt",
        "056_scm_2024.html",
        "057_scm_2025.txt",
    ]
    assert shortfalls(DEVSET, DEVSET_MINIMUMS, tmp_path) == {}
