"""Time every stored query against a built store: median and p95 latency per query.

A benchmark, not a test: it reports and never fails on speed. Each query runs
with its default parameters (optional ones left unbound) after one warm-up run.

    .venv/bin/scmgraph build --out /tmp/qgraph -q
    .venv/bin/python scripts/bench_queries.py --store /tmp/qgraph/store -n 50
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from scmgraph.errors import QueryError
from scmgraph.rdf.store import open_store
from scmgraph.resources import DEFAULT_OUT
from scmgraph.sparql.query import StoredQuery, bind, list_queries, run_select


@dataclass(frozen=True)
class Timing:
    name: str
    rows: int
    median_ms: float
    p95_ms: float
    max_ms: float


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: no interpolation, so p95 is a latency actually seen."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def time_query(store: ox.Store, query: StoredQuery, runs: int) -> Timing:
    """Run once to warm caches, then ``runs`` times, timing the whole result read."""
    substitutions = bind(query, {})
    rows = len(run_select(store, query.text, substitutions).rows)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        run_select(store, query.text, substitutions)
        seconds.append(time.perf_counter() - start)
    ms = [s * 1000 for s in seconds]
    return Timing(query.name, rows, statistics.median(ms), percentile(ms, 0.95), max(ms))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_OUT / "store", help="built store")
    parser.add_argument("--queries", type=Path, default=None, help="folder of .rq files")
    parser.add_argument("-n", "--runs", type=int, default=20, help="timed runs per query")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        store = open_store(args.store)
        timings = [time_query(store, q, args.runs) for q in list_queries(args.queries)]
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    width = max(len(t.name) for t in timings)
    print(f"{'query':<{width}}  {'rows':>5}  {'median ms':>9}  {'p95 ms':>7}  {'max ms':>7}")
    for t in timings:
        figures = f"{t.median_ms:>9.2f}  {t.p95_ms:>7.2f}  {t.max_ms:>7.2f}"
        print(f"{t.name:<{width}}  {t.rows:>5}  {figures}")
    total = sum(t.median_ms for t in timings)
    print(f"{len(timings)} queries, {args.runs} runs each; sum of medians {total:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
