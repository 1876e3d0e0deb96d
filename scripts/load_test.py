"""Bounded load run against ``scmgraph serve``: a benchmark, not a test.

Starts the server in a subprocess on a free loopback port (or takes ``--url``,
which must be a loopback address), then runs ``--clients`` concurrent clients for
``--seconds`` (at most ``--max-requests`` requests in all) over every stored
query with the parameters of its documented example, and prints the request
count, errors, throughput and latency percentiles.

    .venv/bin/python scripts/load_test.py --store /tmp/sgraph/store
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import itertools
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from scmgraph.query import list_queries


def example_paths() -> list[str]:
    """``/queries/NAME?...`` for every stored query, with its example's parameters."""
    paths = []
    for stored in list_queries():
        args = shlex.split(stored.example or "")
        values = {"format": "json"}
        for flag, value in itertools.pairwise(args):
            if flag == "--param":
                name, _, text = value.partition("=")
                values[name] = text
        paths.append(f"/queries/{stored.name}?{urlencode(values)}")
    return paths


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_server(store: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = "from scmgraph.serve import serve_command; serve_command()"
    command = [sys.executable, "-c", code, "--port", str(port), "--store", str(store)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/queries", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 30 s")


def client(
    url: str,
    paths: list[str],
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
        path = paths[i % len(paths)]
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except OSError:
            status = 0
        with lock:
            results.append((path.split("?")[0], status, time.monotonic() - started))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (loopback only); default: start one")
    parser.add_argument("--store", type=Path, default=Path("data/graph/store"))
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    args = parser.parse_args()

    process = None
    if args.url:
        if not is_loopback(args.url):
            raise SystemExit(f"{args.url}: load runs target loopback addresses only")
        url = args.url.rstrip("/")
    else:
        process, url = start_server(args.store, args.workers)
    paths = example_paths()
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    budget = threading.Semaphore(args.max_requests)
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        threading.Thread(target=client, args=(url, paths, n * 3, deadline, budget, results, lock))
        for n in range(args.clients)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    elapsed = time.monotonic() - started
    latencies = [seconds for _, status, seconds in results if status == 200]
    errors = Counter(status for _, status, _ in results if status != 200)
    print(f"server: {url} ({args.workers} workers); {args.clients} clients for {elapsed:.1f} s")
    print(f"stored queries: {len(paths)}")
    print(f"requests: {len(results)} ({len(results) / elapsed:.1f}/s)")
    print(f"errors: {sum(errors.values())} {dict(errors) if errors else ''}")
    if latencies:
        print(
            f"latency ms: p50 {1000 * statistics.median(latencies):.1f}  "
            f"p90 {1000 * percentile(latencies, 90):.1f}  "
            f"p99 {1000 * percentile(latencies, 99):.1f}  max {1000 * max(latencies):.1f}"
        )
    by_query: dict[str, list[float]] = defaultdict(list)
    for name, status, seconds in results:
        if status == 200:
            by_query[name].append(seconds)
    slowest = sorted(by_query.items(), key=lambda item: -statistics.median(item[1]))[:5]
    for name, values in slowest:
        print(f"  {name}: p50 {1000 * statistics.median(values):.1f} ms ({len(values)} requests)")


if __name__ == "__main__":
    main()
