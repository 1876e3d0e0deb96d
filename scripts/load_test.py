"""Bounded load run: ``scmgraph serve`` against Oxigraph server, same graph, same queries.

Starts ``scmgraph serve`` on the built store (or takes ``--url``, which must be a
loopback address) and, unless ``--no-oxigraph``, an Oxigraph server (the
``oxigraph`` CLI of the test extras) loaded with the build's own N-Quads. Every
stored query, its example's parameters bound by inline ``VALUES`` blocks (as
``query run --endpoint`` binds them), is posted to each server's SPARQL endpoint
by ``--clients`` concurrent clients over kept-alive connections, for
``--seconds`` per phase (at most ``--max-requests`` requests a phase). Phases
alternate, Oxigraph then serve, for ``--rounds`` rounds; the run prints each
phase's throughput and latency percentiles and, per round and as medians, the
ratios serve/Oxigraph of throughput and of p99 latency.

    .venv/bin/python scripts/load_test.py --graph /tmp/serve-graph --seconds 10 --rounds 3
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import itertools
import json
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scmgraph.sparql.query import bind, list_queries
from scmgraph.sparql.values import insert_values

ACCEPT = "application/sparql-results+json"


@dataclass(frozen=True)
class Request:
    """One stored query as posted: its name and the query text with its parameters bound."""

    name: str
    body: bytes


@dataclass
class Phase:
    """What one server answered during one timed phase."""

    server: str
    elapsed: float = 0.0
    results: list[tuple[str, int, float]] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return len(self.results) / self.elapsed if self.elapsed else 0.0

    @property
    def latencies(self) -> list[float]:
        return [seconds for _, status, seconds in self.results if status == 200]

    @property
    def errors(self) -> Counter[int]:
        return Counter(status for _, status, _ in self.results if status != 200)

    def p99(self) -> float:
        return percentile(self.latencies, 99) if self.latencies else float("inf")


def stored_requests(folder: Path | None) -> list[Request]:
    """Every stored query with its documented example's parameters bound in the text."""
    requests = []
    for stored in list_queries(folder):
        values: dict[str, str] = {}
        for flag, value in itertools.pairwise(shlex.split(stored.example or "")):
            if flag == "--param":
                name, _, text = value.partition("=")
                values[name] = text
        text = insert_values(stored.text, bind(stored, values))
        requests.append(Request(stored.name, text.encode("utf-8")))
    return requests


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{what} did not start within 60 s")


def start_serve(store: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    code = "from scmgraph.cli.serve import serve_command; serve_command()"
    command = [sys.executable, "-c", code, "--port", str(port), "--store", str(store)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/queries", process, "scmgraph serve")
    return process, url + "/sparql"


def start_oxigraph(
    nquads: Path, folder: Path, timeout: float
) -> tuple[subprocess.Popen[bytes], str]:
    """Oxigraph's read-only server on a store loaded from ``nquads`` and optimised, as its
    loader advises for reading, answering over the union of the graphs as serve does."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        raise SystemExit("the oxigraph CLI is not installed (pip install 'oxigraph>=0.5,<0.6')")
    location = folder / "oxigraph"
    for step in (["load", "--file", str(nquads)], ["optimize"]):
        subprocess.run(
            [binary, step[0], "--location", str(location), *step[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    port = free_port()
    command = [
        binary,
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    command += ["--union-default-graph", "--timeout-s", str(max(1, round(timeout)))]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/query?query=ASK%7B%7D", process, "oxigraph serve")
    return process, url + "/query"


def post(connection: http.client.HTTPConnection, path: str, body: bytes) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/sparql-query", "Accept": ACCEPT}
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def client(
    endpoint: str,
    requests: list[Request],
    offset: int,
    deadline: float,
    budget: threading.Semaphore,
    record: Callable[[str, int, float], None],
) -> None:
    """Post requests in turn over one kept-alive connection, reconnecting when it drops."""
    parts = urlsplit(endpoint)
    connection: http.client.HTTPConnection | None = None
    for i in itertools.count(offset):
        if time.monotonic() >= deadline or not budget.acquire(blocking=False):
            break
        request = requests[i % len(requests)]
        started = time.monotonic()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            status, _ = post(connection, parts.path, request.body)
        except (OSError, http.client.HTTPException):
            status = 0
            if connection is not None:
                connection.close()
            connection = None
        record(request.name, status, time.monotonic() - started)
    if connection is not None:
        connection.close()


def run_phase(
    server: str, endpoint: str, requests: list[Request], args: argparse.Namespace
) -> Phase:
    phase = Phase(server)
    lock = threading.Lock()

    def record(name: str, status: int, seconds: float) -> None:
        with lock:
            phase.results.append((name, status, seconds))

    budget = threading.Semaphore(args.max_requests)
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        threading.Thread(target=client, args=(endpoint, requests, n * 3, deadline, budget, record))
        for n in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.elapsed = time.monotonic() - started
    return phase


def alternate(
    endpoints: dict[str, str],
    requests: list[Request],
    args: argparse.Namespace,
    *,
    verbose: bool = False,
) -> dict[str, list[Phase]]:
    """``args.rounds`` rounds of one phase per server, in turn, every server kept running.

    A shared machine's speed drifts over seconds; servers measured in alternating
    short phases meet the same drift, and the ratio of each round is read alone.
    """
    phases: dict[str, list[Phase]] = {name: [] for name in endpoints}
    for number in range(1, args.rounds + 1):
        if verbose:
            print(f"round {number}")
        for name, endpoint in endpoints.items():
            phase = run_phase(name, endpoint, requests, args)
            phases[name].append(phase)
            if verbose:
                report(phase)
        if verbose and "oxigraph" in phases and "serve" in phases:
            ours, theirs = phases["serve"][-1], phases["oxigraph"][-1]
            print(
                f"  serve/oxigraph: throughput {ours.throughput / theirs.throughput:.2f}×"
                f", p99 {ours.p99() / theirs.p99():.2f}×"
            )
    return phases


def median_ratios(serve: list[Phase], oxigraph: list[Phase]) -> tuple[float, float]:
    """The medians over rounds of serve/Oxigraph throughput and of serve/Oxigraph p99."""
    pairs = list(zip(serve, oxigraph, strict=True))
    throughput = statistics.median(s.throughput / o.throughput for s, o in pairs)
    p99 = statistics.median(s.p99() / o.p99() for s, o in pairs)
    return throughput, p99


def row_counts(endpoint: str, requests: list[Request]) -> dict[str, int]:
    """Rows each query gives (SELECT and ASK), to check that both servers answer alike."""
    parts = urlsplit(endpoint)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    counts = {}
    try:
        for request in requests:
            status, body = post(connection, parts.path, request.body)
            if status != 200:
                raise SystemExit(f"{request.name}: {endpoint} answered {status}: {body[:200]!r}")
            answer = json.loads(body)  # SELECT rows, or ASK's boolean as 0 or 1
            counts[request.name] = (
                int(answer["boolean"])
                if "boolean" in answer
                else len(answer["results"]["bindings"])
            )
    finally:
        connection.close()
    return counts


def answer_alike(serve: str, oxigraph: str, requests: list[Request]) -> None:
    """Exit unless both endpoints give every query as many rows (one pass over the
    queries on each, which also warms both before they are timed)."""
    ours, theirs = row_counts(serve, requests), row_counts(oxigraph, requests)
    differ = sorted(name for name in ours if ours[name] != theirs[name])
    if differ:
        raise SystemExit(f"the servers give different row counts for: {differ}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def report(phase: Phase) -> None:
    latencies = phase.latencies
    errors = phase.errors
    line = (
        f"  {phase.server:9} {len(phase.results):6} requests in {phase.elapsed:5.1f} s "
        f"= {phase.throughput:7.1f}/s; errors {sum(errors.values())}"
        f"{' ' + str(dict(errors)) if errors else ''}"
    )
    if latencies:
        line += (
            f"; ms p50 {1000 * statistics.median(latencies):.1f}"
            f" p90 {1000 * percentile(latencies, 90):.1f}"
            f" p99 {1000 * percentile(latencies, 99):.1f} max {1000 * max(latencies):.1f}"
        )
    print(line, flush=True)


def slowest(phase: Phase, count: int = 5) -> None:
    by_query: dict[str, list[float]] = defaultdict(list)
    for name, status, seconds in phase.results:
        if status == 200:
            by_query[name].append(seconds)
    ranked = sorted(by_query.items(), key=lambda item: -statistics.median(item[1]))[:count]
    for name, values in ranked:
        print(f"    {name}: p50 {1000 * statistics.median(values):.1f} ms ({len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running scmgraph serve (loopback only); default: own")
    parser.add_argument(
        "--graph", type=Path, default=Path("data/graph"), help="build output (store, N-Quads)"
    )
    parser.add_argument("--queries", type=Path, help="stored queries folder (default: queries/)")
    parser.add_argument("--workers", type=int, default=2, help="serve's worker processes")
    parser.add_argument("--timeout", type=float, default=5.0, help="Oxigraph's query time limit")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per phase")
    parser.add_argument("--no-oxigraph", action="store_true", help="measure serve alone")
    args = parser.parse_args()

    requests = stored_requests(args.queries)
    if not requests:
        raise SystemExit(f"no stored queries in {args.queries or 'queries/'}")
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="scmgraph-load-") as scratch:
        try:
            if args.url:
                if not is_loopback(args.url):
                    raise SystemExit(f"{args.url}: load runs target loopback addresses only")
                serve_url = args.url.rstrip("/") + "/sparql"
            else:
                process, serve_url = start_serve(args.graph / "store", args.workers)
                processes.append(process)
            endpoints = {"serve": serve_url}
            if not args.no_oxigraph:
                process, oxigraph_url = start_oxigraph(
                    args.graph / "scmgraph.nq", Path(scratch), args.timeout
                )
                processes.append(process)
                endpoints = {"oxigraph": oxigraph_url, "serve": serve_url}
                answer_alike(serve_url, oxigraph_url, requests)
            print(
                f"{len(requests)} stored queries posted by {args.clients} clients, "
                f"{args.seconds:g} s a phase, {args.rounds} rounds; serve: {args.workers} workers"
            )
            phases = alternate(endpoints, requests, args, verbose=True)
        finally:
            for process in processes:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
    print("medians over rounds")
    for name, runs in phases.items():
        errors = sum(sum(p.errors.values()) for p in runs)
        print(
            f"  {name:9} {statistics.median(p.throughput for p in runs):7.1f}/s"
            f"  p99 {1000 * statistics.median(p.p99() for p in runs):.1f} ms  errors {errors}"
        )
        slowest(max(runs, key=lambda p: len(p.results)))
    if "oxigraph" in phases:
        throughput, p99 = median_ratios(phases["serve"], phases["oxigraph"])
        print(f"  serve/oxigraph: throughput {throughput:.2f}× (want ≥ 0.6), p99 {p99:.2f}× (≤ 2)")


if __name__ == "__main__":
    main()
