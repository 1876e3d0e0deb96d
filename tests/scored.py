"""Score a folder of annotated communiqués with `evaluate`, as the suite does for
every annotated set (the given pair excepted, which has its own tests)."""

from __future__ import annotations

from pathlib import Path

from scmgraph.build.pipeline import statements_for_files
from scmgraph.views.evaluate import evaluate_dirs

# What a set of new texts keeps once its misses have guided rules; topics and threads
# are set per set (tests/test_openings.py, tests/test_incoming.py).
KEPT = {
    "meeting": 1.0,
    "statement_f1": 0.95,
    "class_acc": 0.95,
    "actor_acc": 0.95,
    "entity_f1": 0.95,
    "mention_f1": 0.95,
    "deadline_f1": 0.95,
}


def shortfalls(folder: Path, minimums: dict[str, float], out: Path) -> dict[str, float]:
    """The metrics of ``folder``'s communiqués that fall below ``minimums``, rounded."""
    inputs = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html"))
    statements_for_files(inputs, out)
    metrics = evaluate_dirs(folder / "gold", out).metrics()
    return {k: round(metrics[k], 3) for k, v in minimums.items() if metrics[k] < v}


def communiques(folder: Path) -> list[str]:
    """The names of the communiqué files in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".txt", ".html"))
