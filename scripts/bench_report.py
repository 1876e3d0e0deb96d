"""The figures of ``bench_scale.py``: what it measures, as results, and the tables,
plot and page (docs/performance.md) it writes of them."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import load_test


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    maxrss_mb: float  # largest single process
    tree_mb: float  # whole process tree, sampled


@dataclass
class SizeResult:
    size: int
    communiques: int
    corpus_kb: float
    quads: int = 0
    builds: list[Run] = field(default_factory=list)  # cold builds, each round
    parses: list[Run] = field(default_factory=list)  # rdflib parses, each after a build
    unchanged: Run | None = None  # a rebuild with nothing changed
    rebuilds: list[Run] = field(default_factory=list)  # after one communiqué changed, each
    removed: Run | None = None  # a rebuild after the series' newest communiqué was taken out
    added: Run | None = None  # then one after it was put back (its unit computed anew)

    @property
    def build(self) -> Run | None:
        """The cold build of median wall time (peak: the largest of the rounds)."""
        return median_run(self.builds)

    @property
    def parse(self) -> Run | None:
        """The rdflib parse of median wall time (peak: the largest of the rounds)."""
        return median_run(self.parses)

    @property
    def rebuild(self) -> Run | None:
        """The median rebuild after one communiqué changed."""
        return median_run(self.rebuilds, peak=False)

    queries: dict[str, float] = field(default_factory=dict)  # median ms
    rebuilt_queries: dict[str, float] = field(default_factory=dict)  # the same, after rebuilds


def median_run(runs: Sequence[Run], *, peak: bool = True) -> Run | None:
    """The run of median wall time (the lower middle of an even count); with ``peak``,
    carrying the largest peak memory of all the runs, so that repeating a measurement
    never hides a peak."""
    if not runs:
        return None
    middle = sorted(runs, key=lambda run: run.wall)[(len(runs) - 1) // 2]
    if not peak:
        return middle
    return Run(middle.wall, max(run.maxrss_mb for run in runs), max(run.tree_mb for run in runs))


@dataclass(frozen=True)
class LoadComparison:
    size: int
    clients: int
    serve: list[load_test.Phase]
    oxigraph: list[load_test.Phase]


def _ms(phase: load_test.Phase, p: float) -> float:
    latencies = phase.latencies
    return 1000 * load_test.percentile(latencies, p) if latencies else float("inf")


def _rebuilds(result: SizeResult) -> int:
    """How many rebuilds changed a size's store before its queries were timed again."""
    return len(result.rebuilds) + sum(run is not None for run in (result.removed, result.added))


def _share(run: Run | None, cold: Run) -> list[str]:
    """A rebuild's seconds and share of the cold build, as two cells."""
    if run is None:
        return ["", ""]
    return [f"{run.wall:.1f}", f"{100 * run.wall / cold.wall:.1f} %"]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


LOAD_HEADER = [
    "server",
    "requests",
    "requests/s each round",
    "requests/s",
    "p50 ms",
    "p99 ms",
    "errors",
]


def tables(
    results: list[SizeResult],
    load: LoadComparison | None,
    rebuilt: Sequence[SizeResult] = (),
    given: Sequence[Run] = (),
) -> str:
    build_rows = []
    for r in results:
        assert r.build and r.parse
        build_rows.append(
            [
                f"{r.size}×",
                str(r.communiques),
                f"{r.corpus_kb / r.communiques:.1f}",
                f"{r.quads:,}",
                f"{r.build.wall:.1f}",
                f"{r.build.wall / r.communiques:.2f}",
                f"{r.build.maxrss_mb:.0f}",
                f"{r.build.tree_mb:.0f}",
                f"{r.parse.wall:.1f}",
                f"{r.parse.maxrss_mb:.0f}",
                f"{r.build.wall / r.parse.wall:.2f}",
                " ".join(f"{b.wall / p.wall:.2f}" for b, p in zip(r.builds, r.parses, strict=True)),
                f"{r.build.maxrss_mb / r.parse.maxrss_mb:.2f}",
            ]
        )
    parts = [
        "### Build (with validation) against rdflib parsing the build's own N-Quads\n\n"
        "Rounds of a cold build (no outputs, no cache) then the parse: medians of the"
        " rounds' wall times, the largest peaks, and each round's time ratio.\n",
        _table(
            ["size", "communiqués", "KB each", "quads", "build s", "s / communiqué",
             "build peak MB", "build tree peak MB", "rdflib parse s", "rdflib peak MB",
             "time ratio", "each round", "memory ratio"],
            build_rows,
        ),
    ]  # fmt: skip
    if given:
        walls = sorted(run.wall for run in given)
        row = [str(len(given)), f"{walls[0]:.2f}", f"{statistics.median(walls):.2f}"]
        row += [f"{walls[-1]:.2f}", " ".join(f"{run.wall:.2f}" for run in given)]
        row += [f"{max(run.maxrss_mb for run in given):.0f}"]
        header = ["cold builds", "min s", "median s", "max s", "each run s", "peak MB"]
        parts += [
            "\n### The given corpus (data/communiques, 2 communiqués), cold builds\n",
            _table(header, [row]),
        ]
    rows = []
    for r in sorted([*results, *rebuilt], key=lambda r: r.size):
        if r.build and r.unchanged and r.rebuild:
            rows.append(
                [f"{r.size}×", f"{r.build.wall:.1f}", f"{r.build.maxrss_mb:.0f}",
                 f"{r.unchanged.wall:.1f}",
                 f"{100 * r.unchanged.wall / r.build.wall:.0f} %", f"{r.rebuild.wall:.1f}",
                 " ".join(f"{run.wall:.1f}" for run in r.rebuilds),
                 f"{100 * r.rebuild.wall / r.build.wall:.1f} %",
                 *_share(r.removed, r.build), *_share(r.added, r.build),
                 f"{max(run.maxrss_mb for run in [*r.rebuilds, r.removed, r.added] if run):.0f}"]
            )  # fmt: skip
    if rows:
        header = ["size", "cold build s", "cold peak MB", "nothing changed s", "share of cold"]
        header += ["one communiqué reworded, median s", "each run s", "share of cold"]
        header += ["newest taken out s", "share of cold", "newest put back s", "share of cold"]
        header += ["rebuild peak MB"]
        parts += ["\n### Rebuilds in the same output folder\n", _table(header, rows)]
    if any(r.queries for r in results):
        names = sorted({name for r in results for name in r.queries})
        columns = [(f"{r.size}×", r.queries) for r in results]
        columns += [
            (f"{r.size}× after {_rebuilds(r)} rebuilds", r.rebuilt_queries)
            for r in results
            if r.rebuilt_queries
        ]
        rows = [
            [name, *(f"{found.get(name, float('nan')):.1f}" for _, found in columns)]
            for name in names
        ]
        rows.append(["**slowest**"] + [f"**{max(found.values()):.1f}**" for _, found in columns])
        parts += [
            "\n### Stored queries, median ms (embedded pyoxigraph store, default parameters, "
            "after a warm-up run; on the cold build's store, then on the one its rebuilds "
            "changed)\n",
            _table(["query"] + [label for label, _ in columns], rows),
        ]
    if load is not None:
        rows = []
        for label, runs in (("scmgraph serve", load.serve), ("Oxigraph server", load.oxigraph)):
            rows.append(
                [label, str(sum(len(p.results) for p in runs)),
                 " ".join(f"{p.throughput:.1f}" for p in runs),
                 f"{statistics.median(p.throughput for p in runs):.1f}",
                 f"{statistics.median(_ms(p, 50) for p in runs):.1f}",
                 f"{statistics.median(_ms(p, 99) for p in runs):.1f}",
                 str(sum(sum(p.errors.values()) for p in runs))]
            )  # fmt: skip
        throughput, p99 = load_test.median_ratios(load.serve, load.oxigraph)
        each = " ".join(
            f"{s.throughput / o.throughput:.2f}"
            for s, o in zip(load.serve, load.oxigraph, strict=True)
        )
        rows.append(
            ["**ratio**", "", each, f"**{throughput:.2f}×**", "", f"**{p99:.2f}×**", ""]
        )  # fmt: skip
        parts += [
            f"\n### Served: the stored queries POSTed by {load.clients} loopback clients, "
            f"{load.size}× graph, {len(load.serve)} alternating rounds (medians over rounds)\n",
            _table(LOAD_HEADER, rows),
        ]
    return "\n".join(parts) + "\n"


def plot(results: list[SizeResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    n = [r.communiques for r in results]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(n, [r.build.wall for r in results if r.build], "o-", label="build + validate")
    left.plot(
        n, [r.parse.wall for r in results if r.parse], "s--", label="rdflib parse of its N-Quads"
    )
    left.set(xscale="log", yscale="log", xlabel="communiqués", ylabel="seconds", title="Time")
    right.plot(n, [r.build.maxrss_mb for r in results if r.build], "o-", label="build, peak RSS")
    right.plot(n, [r.build.tree_mb for r in results if r.build], "^:", label="build, process tree")
    right.plot(n, [r.parse.maxrss_mb for r in results if r.parse], "s--", label="rdflib parse")
    right.set(xscale="log", yscale="log", xlabel="communiqués", ylabel="MB", title="Peak memory")
    for axes in (left, right):
        axes.xaxis.set_major_formatter(ScalarFormatter())
        axes.xaxis.set_minor_formatter(NullFormatter())
        axes.yaxis.set_major_formatter(ScalarFormatter())
        axes.yaxis.set_minor_formatter(NullFormatter())
        axes.set_xticks(n)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def document(body: str, command: str, label: str) -> str:
    load = os.getloadavg()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""# Performance

How the build, the stored queries and the endpoint scale with the number of
communiqués. The corpora are written by `scripts/gen_communiques.py` (size N is
2N communiqués in the genre, seeded); the figures come from
`scripts/bench_scale.py`, which judges each measurement against a reference
taken in the same run on the same machine (rdflib parsing the build's own
N-Quads; Oxigraph server answering the same queries), because the machine's
speed varies more than the ratios do.

**{label}**, measured {when} with

    {command}

on {os.cpu_count()} cores ({platform.python_implementation()} {platform.python_version()}),
load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end of the run (the
machine is shared, so absolute times vary; read the ratios). Peak MB is
`getrusage(RUSAGE_CHILDREN).ru_maxrss`, the largest single process; "tree" is the
sampled total of the build's process tree.

{body}
![time and peak memory against communiqués (log-log)](performance.png)
"""
