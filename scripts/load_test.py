"""Bounded load run against ``scmgraph serve``: a benchmark, not a test.

Starts the server in a subprocess on a free loopback port (or takes ``--url``,
which must be a loopback address), then runs ``--clients`` concurrent clients for
``--seconds`` (at most ``--max-requests`` requests in all) over every stored
query with the parameters of its documented example, and prints the request
count, errors, throughput and latency percentiles.

By default the clients GET the stored-query routes (``/queries/NAME``). With
``--sparql`` they POST each stored query's text, its example parameters bound
as ``VALUES``, to ``/sparql``; ``--oxigraph`` then runs the same requests, in
the same run, against Oxigraph server loaded with the same N-Quads (posted to
its ``/query``) and prints the ratios.

    .venv/bin/python scripts/load_test.py --store /tmp/sgraph/store
    .venv/bin/python scripts/load_test.py --store /tmp/sgraph/store --sparql --oxigraph
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import ipaddress
import itertools
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from scmgraph.query import bind, list_queries
from scmgraph.remote import insert_values


@dataclass(frozen=True)
class Request:
    """One request a client sends: a stored-query route, or a query posted to an endpoint."""

    name: str
    path: str
    body: bytes | None = None  # POSTed as application/sparql-query when given


@dataclass(frozen=True)
class LoadResult:
    url: str
    clients: int
    seconds: float
    requests: int
    errors: dict[int, int]
    latencies: list[float]  # seconds, successful requests only
    by_query: dict[str, list[float]]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        return 1000 * percentile(self.latencies, p) if self.latencies else float("nan")


def example_values(example: str | None) -> dict[str, str]:
    """The ``--param NAME=VALUE`` pairs of a stored query's documented example."""
    values = {}
    for flag, value in itertools.pairwise(shlex.split(example or "")):
        if flag == "--param":
            name, _, text = value.partition("=")
            values[name] = text
    return values


def example_paths() -> list[str]:
    """``/queries/NAME?...`` for every stored query, with its example's parameters."""
    return [
        f"/queries/{stored.name}?{urlencode({'format': 'json', **example_values(stored.example)})}"
        for stored in list_queries()
    ]


def route_requests() -> list[Request]:
    return [Request(path.split("?")[0], path) for path in example_paths()]


def sparql_requests(endpoint: str) -> list[Request]:
    """Every stored query, its example's parameters bound as VALUES, posted to ``endpoint``."""
    requests = []
    for stored in list_queries():
        text = insert_values(stored.text, bind(stored, example_values(stored.example)))
        requests.append(Request(f"/queries/{stored.name}", endpoint, text.encode("utf-8")))
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


def wait_until_up(process: subprocess.Popen[bytes], url: str, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{what} did not start within 30 s")


@contextlib.contextmanager
def oxigraph_server(nquads: Path) -> Iterator[str]:
    """Oxigraph server (the ``oxigraph`` CLI of the test extras) on a copy of ``nquads``,
    bound to loopback, union default graph as ``scmgraph serve`` queries it."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    folder = Path(tempfile.mkdtemp(prefix="scmgraph-oxigraph-"))
    try:
        location = ["--location", str(folder / "data")]
        subprocess.run(
            [binary, "load", *location, "--file", str(nquads)], check=True, capture_output=True
        )
        port = free_port()
        command = [binary, "serve", *location, "--bind", f"127.0.0.1:{port}"]
        process = subprocess.Popen(
            [*command, "--union-default-graph"],
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(process, url + "/query?query=ASK%7B%7D", "the oxigraph server")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def start_server(store: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    code = "from scmgraph.serve import serve_command; serve_command()"
    command = [sys.executable, "-c", code, "--port", str(port), "--store", str(store)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(process, url + "/queries", "the server")
    return process, url


def client(
    url: str,
    requests: list[Request],
    offset: int,
    deadline: float,
    budget: threading.Semaphore,
    results: list[tuple[str, int, float]],
    lock: threading.Lock,
) -> None:
    parts = urlsplit(url)
    for i in itertools.count(offset):
        if time.monotonic() >= deadline or not budget.acquire(blocking=False):
            return
        request = requests[i % len(requests)]
        headers = {"Accept": "application/sparql-results+json"}
        if request.body is not None:
            headers["Content-Type"] = "application/sparql-query"
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            method = "GET" if request.body is None else "POST"
            connection.request(method, request.path, body=request.body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except OSError:
            status = 0
        with lock:
            results.append((request.name, status, time.monotonic() - started))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def run_load(
    url: str, requests: list[Request], clients: int, seconds: float, max_requests: int
) -> LoadResult:
    """``clients`` threads sending ``requests`` in turn for ``seconds`` (or the budget)."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    budget = threading.Semaphore(max_requests)
    started = time.monotonic()
    deadline = started + seconds
    shared = (deadline, budget, results, lock)
    threads = [
        threading.Thread(target=client, args=(url, requests, n * 3, *shared))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    by_query: dict[str, list[float]] = defaultdict(list)
    for name, status, spent in results:
        if status == 200:
            by_query[name].append(spent)
    return LoadResult(
        url=url,
        clients=clients,
        seconds=elapsed,
        requests=len(results),
        errors=dict(Counter(status for _, status, _ in results if status != 200)),
        latencies=[spent for _, status, spent in results if status == 200],
        by_query=dict(by_query),
    )


def report(result: LoadResult, label: str) -> None:
    print(f"{label}: {result.url}; {result.clients} clients for {result.seconds:.1f} s")
    print(f"requests: {result.requests} ({result.throughput:.1f}/s)")
    errors = sum(result.errors.values())
    print(f"errors: {errors} {result.errors if errors else ''}")
    if result.latencies:
        print(
            f"latency ms: p50 {1000 * statistics.median(result.latencies):.1f}  "
            f"p90 {result.percentile_ms(90):.1f}  "
            f"p99 {result.percentile_ms(99):.1f}  max {1000 * max(result.latencies):.1f}"
        )
    slowest = sorted(result.by_query.items(), key=lambda item: -statistics.median(item[1]))[:5]
    for name, values in slowest:
        print(f"  {name}: p50 {1000 * statistics.median(values):.1f} ms ({len(values)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (loopback only); default: start one")
    parser.add_argument("--store", type=Path, default=Path("data/graph/store"))
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument(
        "--sparql", action="store_true", help="POST the stored queries' text to /sparql"
    )
    parser.add_argument(
        "--oxigraph",
        action="store_true",
        help="also run the same requests against Oxigraph server on the same N-Quads",
    )
    parser.add_argument(
        "--nquads", type=Path, help="N-Quads for --oxigraph (default: scmgraph.nq beside --store)"
    )
    args = parser.parse_args()

    process = None
    if args.url:
        if not is_loopback(args.url):
            raise SystemExit(f"{args.url}: load runs target loopback addresses only")
        url = args.url.rstrip("/")
    else:
        process, url = start_server(args.store, args.workers)
    requests = sparql_requests("/sparql") if args.sparql else route_requests()
    try:
        result = run_load(url, requests, args.clients, args.seconds, args.max_requests)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    print(f"stored queries: {len(requests)}")
    report(result, f"server ({args.workers} workers)")
    if args.oxigraph:
        nquads = args.nquads or args.store.parent / "scmgraph.nq"
        with oxigraph_server(nquads) as oxigraph_url:
            same = sparql_requests("/query")
            reference = run_load(oxigraph_url, same, args.clients, args.seconds, args.max_requests)
        report(reference, "oxigraph server")
        print(
            f"ratio to oxigraph: throughput {result.throughput / reference.throughput:.2f}x, "
            f"p99 {result.percentile_ms(99) / reference.percentile_ms(99):.2f}x"
        )


if __name__ == "__main__":
    main()
