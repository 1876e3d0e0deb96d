"""How the build scales with the number of communiqués: a benchmark, not a test.

For each size N (2N generated communiqués, scripts/gen_communiques.py) it runs
``scmgraph build`` in a subprocess, measuring wall time and peak memory, and in
the same run times rdflib merely parsing the N-Quads that build wrote, so that
the build is judged as a ratio to a reference measured on the same machine at
the same moment: a cold build, then the parse, for ``--cold-runs`` rounds (fewer
once ``--cold-budget`` seconds of builds are spent), the medians compared. It
also times every stored query on the embedded store, a rebuild with nothing
changed, rebuilds after one communiqué changed, and rebuilds after the newest
communiqué is taken out and put back (as shares of the cold build;
``--rebuild-sizes`` measures only the builds, at sizes too large to parse with
rdflib or to query), cold builds of the given corpus
(data/communiques) several times over (``--given-runs``, the spread of wall times),
and, on one graph (``--load-size``, default the smallest),
``scmgraph serve`` under load against Oxigraph server on the same N-Quads, both
running, in alternating short phases whose per-round ratios are reported with
their median (scripts/load_test.py).

The package's bytecode is written first, as installing it does. Each measured
command runs under a fresh Python process that reports the command's wall time,
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the largest single process) and the
peak total RSS of the command's process tree, sampled from /proc every 50 ms
(what a process pool really holds).

    .venv/bin/python scripts/bench_scale.py --sizes 1 10 --rebuild-sizes 100 --write-docs
"""

from __future__ import annotations

import argparse
import compileall
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_test
from bench_report import LoadComparison, Run, SizeResult, document, plot, tables
from gen_communiques import generate, write_corpus

import scmgraph
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


def compile_package() -> None:
    """Write the bytecode of every scmgraph module, as installing a wheel does: the
    commands measured then run the tool as installed, not the compiler (in a checkout
    whose modules changed since they were last imported, or where
    PYTHONDONTWRITEBYTECODE is set, every build would compile them again)."""
    package = Path(scmgraph.__file__).resolve().parent
    if not compileall.compile_dir(package, quiet=1):
        raise SystemExit(f"{package}: cannot compile the package's modules")


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
    compile_package()
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
