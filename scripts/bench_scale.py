"""How the build scales with the number of communiqués: a benchmark, not a test.

For each size N (2N generated communiqués, scripts/gen_communiques.py) it runs
``scmgraph build`` in a subprocess, measuring wall time and peak memory, and in
the same run times rdflib merely parsing the N-Quads that build wrote, so that
the build is judged as a ratio to a reference measured on the same machine at
the same moment: a cold build, then the parse, for ``--cold-runs`` rounds (fewer
once ``--cold-budget`` seconds of builds are spent), the medians compared. It
also times every stored query on the embedded store, a rebuild with nothing
changed and one after one communiqué changed (as shares of the cold build;
``--rebuild-sizes`` measures only the builds, at sizes too large to parse with
rdflib or to query), cold builds of the given corpus
(data/communiques) several times over (``--given-runs``, the spread of wall times),
and, on one graph (``--load-size``, default the smallest),
``scmgraph serve`` under load against Oxigraph server on the same N-Quads, both
running, in alternating short phases whose per-round ratios are reported with
their median (scripts/load_test.py).

Each measured command runs under a fresh Python process that reports the
command's wall time, ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the largest
single process) and the peak total RSS of the command's process tree, sampled
from /proc every 50 ms (what a process pool really holds).

    .venv/bin/python scripts/bench_scale.py --sizes 1 10 --rebuild-sizes 100 --write-docs
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_test
from gen_communiques import generate, write_corpus

from scmgraph.rdf.store import open_store
from scmgraph.sparql.query import bind, list_queries, run_select

ROOT = Path(__file__).resolve().parent.parent
GIVEN = ROOT / "data" / "communiques"
DOCS = ROOT / "docs"
CHANGED_FROM, CHANGED_TO = "contributed substantively", "contributed significantly"
NOTES = "## Notes"  # a section of docs/performance.md written by hand, kept across runs

# Runs the command given as arguments; prints wall seconds, the largest child's peak
# RSS (KB) and the sampled peak RSS of the whole process tree (KB) as JSON.
MEASURE = r"""
import json, os, resource, subprocess, sys, threading, time

def tree_rss(root):
    children, rss = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(name))
            rss[int(name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total

started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
peak = [0]
def sample():
    while process.poll() is None:
        peak[0] = max(peak[0], tree_rss(process.pid))
        time.sleep(0.05)
thread = threading.Thread(target=sample, daemon=True)
thread.start()
code = process.wait()
wall = time.perf_counter() - started
thread.join()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "maxrss_kb": usage.ru_maxrss, "tree_kb": peak[0]}))
"""
PARSE = "import sys; from rdflib import Dataset; Dataset().parse(sys.argv[1], format='nquads')"


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


def measure(command: list[str], what: str) -> Run:
    """Run ``command`` under a fresh measuring process; its errors end the benchmark."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=False
    )
    lines = done.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {"code": done.returncode}
    if report["code"] != 0:
        raise SystemExit(f"{what} failed ({report['code']}):\n{done.stderr[-2000:]}")
    return Run(report["wall"], report["maxrss_kb"] / 1024, report["tree_kb"] / 1024)


def build_command(corpus: Path, out: Path, jobs: int | None) -> list[str]:
    scmgraph = str(Path(sys.executable).with_name("scmgraph"))
    command = [scmgraph, "build", "--corpus", str(corpus), "--out", str(out), "-q"]
    if jobs is not None:
        helps = subprocess.run([scmgraph, "build", "--help"], capture_output=True, text=True)
        if "--jobs" in helps.stdout:
            command += ["--jobs", str(jobs)]
    return command


def change_one(corpus: Path, run: int = 0) -> Path:
    """Reword one communiqué in the middle of the corpus slightly, as an editor would
    (run ``run``: the ``run``-th after the middle one, so each run changes another; in
    a corpus too small for that, a changed one is changed back)."""
    files = sorted(corpus.iterdir())
    path = files[(len(files) // 2 + run) % len(files)]
    text = path.read_text(encoding="utf-8")
    for old, new in ((CHANGED_FROM, CHANGED_TO), (CHANGED_TO, CHANGED_FROM)):  # or back
        if old in text:
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            return path
    raise SystemExit(f"{path}: cannot find {CHANGED_FROM!r} to change")


def query_medians(store_path: Path, runs: int, budget: float) -> dict[str, float]:
    """Median ms of each stored query (default parameters) after one warm-up run.

    A query stops being repeated once it has spent ``budget`` seconds, so a slow
    query at a large size still yields its median of the runs it had.
    """
    store = open_store(store_path)
    medians = {}
    try:
        for query in list_queries():
            substitutions = bind(query, {})
            run_select(store, query.text, substitutions)
            spent: list[float] = []
            while len(spent) < runs and (not spent or sum(spent) < budget):
                started = time.perf_counter()
                run_select(store, query.text, substitutions)
                spent.append(time.perf_counter() - started)
            medians[query.name] = 1000 * statistics.median(spent)
    finally:
        del store
    return medians


def bench_size(
    size: int, seed: int, work: Path, args: argparse.Namespace, *, full: bool = True
) -> SizeResult:
    """Build, parse, query and rebuild one size; without ``full`` only build and rebuild."""
    corpus, out = work / f"corpus-{size}", work / f"graph-{size}"
    paths = write_corpus(generate(size, seed), corpus)
    result = SizeResult(size, len(paths), sum(p.stat().st_size for p in paths) / 1024)
    command = build_command(corpus, out, args.jobs)
    print(f"size {size}: building {len(paths)} communiqués", file=sys.stderr)
    if not full:
        shutil.rmtree(out, ignore_errors=True)  # cold, even in a --work folder used before
        result.builds.append(measure(command, f"build of size {size}"))
        measure_rebuilds(result, corpus, command, args.rebuild_runs)
        return result
    nquads = out / "scmgraph.nq"
    # Cold build and parse in turn, so that the machine's drift meets both alike.
    while len(result.builds) < args.cold_runs and (
        not result.builds or sum(run.wall for run in result.builds) < args.cold_budget
    ):
        shutil.rmtree(out, ignore_errors=True)  # cold: no outputs, no cache
        result.builds.append(measure(command, f"build of size {size}"))
        result.parses.append(measure([sys.executable, "-c", PARSE, str(nquads)], "rdflib parse"))
    with nquads.open("rb") as handle:
        result.quads = sum(1 for _ in handle)
    if args.query_runs > 0:
        result.queries = query_medians(out / "store", args.query_runs, args.query_budget)
    if not args.no_rebuild:
        measure_rebuilds(result, corpus, command, args.rebuild_runs)
        if args.query_runs > 0:  # the store the rebuilds changed, not loaded afresh
            runs, budget = args.query_runs, args.query_budget
            result.rebuilt_queries = query_medians(out / "store", runs, budget)
    return result


def measure_rebuilds(result: SizeResult, corpus: Path, command: list[str], runs: int) -> None:
    """A rebuild with nothing changed, then ``runs`` rebuilds each after another
    communiqué was reworded (the table gives their median), then one after the
    series' newest communiqué was taken out and one after it came back, as a
    corpus grows: the build forgets a unit it no longer uses, so the one put back
    is computed as a new communiqué would be."""
    size = result.size
    result.unchanged = measure(command, f"unchanged rebuild of size {size}")
    for run in range(runs):
        change_one(corpus, run)
        result.rebuilds.append(measure(command, f"rebuild {run + 1} of size {size}"))
    newest = sorted(corpus.iterdir())[-1]  # file names begin with the meeting's ordinal
    text = newest.read_bytes()
    newest.unlink()
    try:
        result.removed = measure(command, f"rebuild of size {size} without {newest.name}")
    finally:
        newest.write_bytes(text)
    result.added = measure(command, f"rebuild of size {size} with {newest.name} back")


def bench_given(runs: int, work: Path, jobs: int | None) -> list[Run]:
    """Cold builds of the given corpus, each into a fresh folder with an empty cache."""
    print(f"given corpus: {runs} cold builds", file=sys.stderr)
    found = []
    for run in range(runs):
        out = work / f"given-{run}"
        found.append(measure(build_command(GIVEN, out, jobs), "build of the given corpus"))
        shutil.rmtree(out, ignore_errors=True)
    return found


@dataclass(frozen=True)
class LoadComparison:
    size: int
    clients: int
    serve: list[load_test.Phase]
    oxigraph: list[load_test.Phase]


def bench_load(size: int, out: Path, args: argparse.Namespace) -> LoadComparison:
    """Both servers running, one phase each in turn for ``--load-rounds`` rounds (as
    load_test.py does), so that the machine's drift meets both alike."""
    print(
        f"size {size}: load test, {args.load_rounds} rounds of {args.load_seconds:g} s a server",
        file=sys.stderr,
    )
    phase_args = argparse.Namespace(
        clients=args.clients,
        seconds=args.load_seconds,
        max_requests=1_000_000,
        rounds=args.load_rounds,
    )
    requests = load_test.stored_requests(None)
    with tempfile.TemporaryDirectory(prefix="bench-oxigraph-") as folder:
        oxigraph, oxigraph_url = load_test.start_oxigraph(out / "scmgraph.nq", Path(folder), 5.0)
        try:
            serve, serve_url = load_test.start_serve(out / "store", args.workers)
            try:
                endpoints = {"oxigraph": oxigraph_url, "serve": serve_url}
                load_test.answer_alike(serve_url, oxigraph_url, requests)
                phases = load_test.alternate(endpoints, requests, phase_args)
            finally:
                serve.terminate()
                serve.wait(timeout=10)
        finally:
            oxigraph.terminate()
            oxigraph.wait(timeout=10)
    return LoadComparison(size, args.clients, phases["serve"], phases["oxigraph"])


# --- report --------------------------------------------------------------------


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, help="passed to `scmgraph build` when it takes --jobs")
    parser.add_argument(
        "--query-runs", type=int, default=5, help="timed runs per stored query (0: none)"
    )
    parser.add_argument(
        "--query-budget", type=float, default=10.0, help="seconds after which a query stops"
    )
    parser.add_argument(
        "--cold-runs",
        type=int,
        default=3,
        help="rounds of a cold build then its rdflib parse, at each of --sizes (medians)",
    )
    parser.add_argument(
        "--cold-budget",
        type=float,
        default=60.0,
        help="seconds of cold builds after which a size has no more rounds",
    )
    parser.add_argument("--no-rebuild", action="store_true", help="skip the rebuild measurement")
    parser.add_argument(
        "--rebuild-runs", type=int, default=3, help="rebuilds, each after one communiqué changed"
    )
    parser.add_argument(
        "--rebuild-sizes",
        type=int,
        nargs="*",
        default=[],
        help="sizes measured for the cold build and the rebuilds only (e.g. 100)",
    )
    parser.add_argument(
        "--given-runs", type=int, default=5, help="cold builds of the given corpus (0: none)"
    )
    parser.add_argument(
        "--load-seconds", type=float, default=4.0, help="one phase of the load test; 0: none"
    )
    parser.add_argument("--load-rounds", type=int, default=5, help="phases per server, in turn")
    parser.add_argument(
        "--load-size", type=int, help="graph the load test runs on (default: the smallest size)"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="`scmgraph serve` workers")
    parser.add_argument("--write-docs", action="store_true", help="write docs/performance.*")
    parser.add_argument("--label", default="Measured", help="heading of the figures in the doc")
    parser.add_argument("--work", type=Path, help="keep corpora and graphs here")
    args = parser.parse_args(argv)
    if any(size < 1 for size in [*args.sizes, *args.rebuild_sizes]):
        parser.error("sizes must be at least 1")
    if args.load_size is not None and args.load_size not in args.sizes:
        parser.error("--load-size must be one of --sizes")
    sizes = sorted(set(args.sizes))
    work = args.work or Path(tempfile.mkdtemp(prefix="scmgraph-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        results = [bench_size(size, args.seed, work, args) for size in sizes]
        rebuilt = [
            bench_size(size, args.seed, work, args, full=False)
            for size in sorted(set(args.rebuild_sizes) - set(sizes))
        ]
        given = bench_given(args.given_runs, work, args.jobs)
        load = None
        if args.load_seconds > 0 and sizes:
            size = args.load_size or sizes[0]
            load = bench_load(size, work / f"graph-{size}", args)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    body = tables(results, load, rebuilt, given)
    print(body)
    print(f"benchmark took {time.monotonic() - started:.0f} s", file=sys.stderr)
    if args.write_docs:
        command = "python scripts/bench_scale.py " + shlex.join(argv or sys.argv[1:])
        target = DOCS / "performance.md"
        notes = target.read_text("utf-8").partition(NOTES)[2] if target.exists() else ""
        text = document(body, command, args.label)
        target.write_text(text + (f"\n{NOTES}{notes}" if notes else ""), "utf-8")
        if results:
            plot(results, DOCS / "performance.png")
        print(f"wrote {DOCS / 'performance.md'} and {DOCS / 'performance.png'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
