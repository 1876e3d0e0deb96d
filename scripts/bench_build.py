"""Time ``build`` on a corpus and every export of the result: a benchmark, not a test.

Builds the corpus ``--runs`` times into fresh folders (reporting the median wall
time, the triple count and the size of each published file), checks the builds
are byte-identical, then times each export format and reports its size.

    .venv/bin/python scripts/bench_build.py --corpus data/communiques --runs 3
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

from scmgraph.build.corpus import build
from scmgraph.resources import DEFAULT_CORPUS
from scmgraph.views.export import FORMATS, NETWORK_FORMATS, export
from scmgraph.views.projections import PROJECTIONS


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def _size(path: Path) -> int:
    return (
        sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        if path.is_dir()
        else (path.stat().st_size)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="scmgraph-bench-"))
    times, digests, result = [], [], None
    for run in range(args.runs):
        out = work / f"build-{run}"
        start = time.perf_counter()
        result = build(args.corpus, out)
        times.append(time.perf_counter() - start)
        digests.append(_digest(out))
    assert result is not None
    print(
        f"build: {args.runs} runs, median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f})"
    )
    print(
        f"  {result.documents} communiqués, {result.statements} statements, "
        f"{result.triples} triples"
    )
    print(f"  byte-identical across runs: {all(d == digests[0] for d in digests)}")
    for name in sorted(digests[0]):
        print(f"  {name:<18} {_size(result.out_dir / name):>10,} bytes")
    import pyoxigraph as ox

    store = ox.Store.read_only(str((result.out_dir / "store").resolve()))
    print("exports (from the store):")
    for fmt in FORMATS:
        projections = PROJECTIONS if fmt in NETWORK_FORMATS and fmt != "png" else ("",)
        for projection in projections:
            target = work / "exports" / f"{projection or 'all'}.{fmt}"
            options = {"projection": projection} if projection else {}
            start = time.perf_counter()
            written = export(store, fmt, target, **options)
            elapsed = time.perf_counter() - start
            size = sum(_size(p) for p in written)
            label = f"{fmt}{' ' + projection if projection else ''}"
            print(f"  {label:<20} {elapsed:6.2f} s {size:>10,} bytes")
    print(f"(outputs left in {work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
