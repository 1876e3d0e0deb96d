"""The scores of an evaluation and how they are reported: tables, JSON, ``--min`` checks.

Every facet is kept as raw counts so that sums over documents give exact micro
averages; ``Report.metrics()`` turns them into the scores that thresholds use.
"""

from __future__ import annotations

import json
from dataclasses import asdict, astuple, dataclass, replace
from typing import Any

_PRF = ("p", "r", "f1")
# (DocumentScore field, label in reports, metric keys: accuracy, or precision/recall/F1)
_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("meeting", "meeting", ("meeting",)),
    ("entities", "entities", tuple(f"entity_{m}" for m in _PRF)),
    ("entity_types", "entity types", ("entity_type_acc",)),
    ("statements", "statements", tuple(f"statement_{m}" for m in _PRF)),
    ("classes", "classes", ("class_acc",)),
    ("actors", "actors", ("actor_acc",)),
    ("mentions", "mentions", tuple(f"mention_{m}" for m in _PRF)),
    ("topics", "topics", tuple(f"topic_{m}" for m in _PRF)),
    ("deadlines", "deadlines", tuple(f"deadline_{m}" for m in _PRF)),
    ("threads", "threads", ("thread_precision", "thread_recall", "thread_f1")),
)
METRIC_KEYS: tuple[str, ...] = tuple(k for _, _, keys in _ROWS for k in keys)
FIELDS = tuple(f for f, _, _ in _ROWS)


@dataclass(frozen=True)
class Counts:
    """Hits on both sides of a comparison; precision and recall may differ in numerator."""

    gold: int = 0
    predicted: int = 0
    gold_hit: int = 0  # gold items found in the prediction
    predicted_hit: int = 0  # predicted items that are right

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def precision(self) -> float:
        return self.predicted_hit / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.gold_hit / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Accuracy:
    """Correct out of total; 1.0 when there was nothing to judge."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass(frozen=True)
class Issue:
    """One difference between gold and prediction, for people to read."""

    facet: str  # "meeting", "entities", "statements", "classes", ...
    kind: str  # "missed", "extra" or "wrong"
    text: str


@dataclass(frozen=True)
class DocumentScore:
    """All facets of one document."""

    document: str
    meeting: Accuracy = Accuracy()
    entities: Counts = Counts()
    entity_types: Accuracy = Accuracy()
    statements: Counts = Counts()
    classes: Accuracy = Accuracy()
    actors: Accuracy = Accuracy()
    mentions: Counts = Counts()
    topics: Counts = Counts()
    deadlines: Counts = Counts()
    threads: Counts = Counts()
    issues: tuple[Issue, ...] = ()
    prediction_missing: bool = False

    def metrics(self) -> dict[str, float]:
        """The scores under METRIC_KEYS."""
        return _metrics(self)


@dataclass(frozen=True)
class Report:
    """Scores of every gold document, plus pairing problems."""

    documents: tuple[DocumentScore, ...]
    missing_predictions: tuple[str, ...] = ()  # gold documents without a prediction
    unmatched_predictions: tuple[str, ...] = ()  # predictions without gold, ignored

    def total(self) -> DocumentScore:
        """Counts summed over all documents (the micro average)."""
        zero = DocumentScore("overall")
        sums = {f: sum((getattr(d, f) for d in self.documents), getattr(zero, f)) for f in FIELDS}
        return replace(zero, **sums)

    def metrics(self) -> dict[str, float]:
        """Overall micro-averaged scores under METRIC_KEYS."""
        return self.total().metrics()

    def document_metrics(self) -> dict[str, dict[str, float]]:
        """Scores per document, by document name."""
        return {d.document: d.metrics() for d in self.documents}


def _metrics(s: DocumentScore) -> dict[str, float]:
    out: dict[str, float] = {}
    for field, _, keys in _ROWS:
        v = getattr(s, field)
        values = (v.value,) if isinstance(v, Accuracy) else (v.precision, v.recall, v.f1)
        out |= dict(zip(keys, values, strict=True))
    return out


def parse_minimums(items: list[str]) -> dict[str, float]:
    """Parse KEY=VALUE items (VALUE between 0 and 1) into thresholds."""
    valid = ", ".join(METRIC_KEYS)
    out: dict[str, float] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep:
            raise ValueError(f"expected KEY=VALUE, got {item!r}; valid keys: {valid}")
        if key not in METRIC_KEYS:
            raise ValueError(f"unknown metric {key!r}; valid keys: {valid}")
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{key}: {raw.strip()!r} is not a number") from None
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{key}: {value} is not between 0 and 1")
        out[key] = value
    return out


def failed_minimums(report: Report, minimums: dict[str, float]) -> list[str]:
    """One line per overall metric that falls below its minimum."""
    metrics = report.metrics()
    return [
        f"{key} {metrics[key]:.3f} < minimum {minimums[key]:.3f}"
        for key in METRIC_KEYS
        if key in minimums and metrics[key] < minimums[key]
    ]


# --- rendering -----------------------------------------------------------------


def _table(s: DocumentScore) -> list[str]:
    lines = [f"  {'facet':<14}{'P':>7}{'R':>7}{'F1/acc':>8}  counts"]
    for field, label, _ in _ROWS:
        v = getattr(s, field)
        if isinstance(v, Accuracy):
            cells, counts = f"{'':>7}{'':>7}{v.value:>8.3f}", f"{v.correct}/{v.total}"
        else:
            cells = f"{v.precision:>7.3f}{v.recall:>7.3f}{v.f1:>8.3f}"
            counts = f"gold {v.gold_hit}/{v.gold}, predicted {v.predicted_hit}/{v.predicted}"
        lines.append(f"  {label:<14}{cells}  {counts}")
    return lines


def render_report(report: Report, *, show_errors: bool = True) -> str:
    """Plain-text tables, overall then per document, then the differences."""
    n = len(report.documents)
    lines = [f"Overall ({n} document{'' if n == 1 else 's'})", *_table(report.total())]
    for d in report.documents:
        note = " (no prediction)" if d.prediction_missing else ""
        lines += ["", f"{d.document}{note}", *_table(d)]
    if report.missing_predictions:
        lines += ["", "Gold documents without prediction: " + ", ".join(report.missing_predictions)]
    if report.unmatched_predictions:
        lines += [
            "",
            "Predictions without gold (ignored): " + ", ".join(report.unmatched_predictions),
        ]
    if show_errors:
        for d in report.documents:
            if d.issues and not d.prediction_missing:
                lines += ["", f"Differences in {d.document}"]
                lines += [f"  {i.facet} {i.kind}: {d.document} {i.text}" for i in d.issues]
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    """The report as JSON: metrics, counts and differences."""

    def doc(d: DocumentScore) -> dict[str, Any]:
        counts = {f: asdict(getattr(d, f)) for f in FIELDS}
        return {
            "document": d.document,
            "prediction_missing": d.prediction_missing,
            "metrics": d.metrics(),
            "counts": counts,
            "issues": [asdict(i) for i in d.issues],
        }

    data = {
        "metrics": report.metrics(),
        "documents": [doc(d) for d in report.documents],
        "missing_predictions": list(report.missing_predictions),
        "unmatched_predictions": list(report.unmatched_predictions),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
