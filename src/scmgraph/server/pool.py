"""``scmgraph serve``: a read-only SPARQL endpoint over the built store.

This module holds what does not need an HTTP library: the server's settings
(declared once, with their help text, so the command line, the service
description and the tests read the same list), a lexer that reads SPARQL text
without running it (to refuse updates and ``SERVICE`` before any engine sees
them), and the pool of worker processes that run queries.

Queries run in worker processes because a pyoxigraph query cannot be cancelled
from Python: a worker that overruns the time limit is killed and replaced while
the other workers go on answering. Each worker opens the store read-only and
reopens it when ``build`` has switched the store link to a new build.

The HTTP side is in ``serve_http`` (routes, protocol, content negotiation) and
``serve_pages`` (entity pages, service description, VoID); what a worker answers,
written by pyoxigraph's serialisers within the row limit, is in ``serve_results``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import select
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from scmgraph.sparql.results import Reply, Task

# --- settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One server setting: its name, default and the help text shown everywhere."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", "Address to bind; the default answers this machine only."),
    Setting("port", 7878, "Port to listen on (0: any free port)."),
    Setting("store", None, "The built on-disk store (default: data/graph/store)."),
    Setting("timeout", 5.0, "Seconds a query may run before its worker is killed (503)."),
    Setting("max_rows", 10_000, "Most result rows or triples returned; more are cut (header)."),
    Setting("max_body", 1_000_000, "Largest request body in bytes; larger gets 413."),
    Setting("workers", 2, "Worker processes running queries in parallel."),
    Setting("cors", False, "Send Access-Control-Allow-Origin: * (off unless asked)."),
    Setting("queries", None, "Folder of stored queries (default: queries/)."),
)


@dataclass(frozen=True)
class Settings:
    """The server's settings; defaults are the safe ones of ``SETTINGS``."""

    host: str = "127.0.0.1"
    port: int = 7878
    store: Path | None = None
    timeout: float = 5.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    workers: int = 2
    cors: bool = False
    queries: Path | None = None

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_rows < 1 or self.max_body < 1 or self.workers < 1:
            raise ValueError("timeout, max_rows, max_body and workers must be positive")

    def store_path(self) -> Path:
        from scmgraph.resources import DEFAULT_OUT

        return Path(self.store) if self.store else DEFAULT_OUT / "store"


# --- worker processes -------------------------------------------------------------------


class PoolError(Exception):
    """The pool could not answer: ``status`` is the HTTP status to report."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def worker_main(fd: int, store_path: str) -> None:
    """A worker process: answer tasks on socket ``fd`` until it closes.

    The store is reopened whenever the store link points to a new build.
    """
    import pyoxigraph as ox

    conn = Connection(fd)

    from scmgraph.sparql.results import execute

    store: ox.Store | None = None
    opened = ""
    while True:
        try:
            task = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            real = os.path.realpath(store_path)
            if store is None or real != opened:
                store = ox.Store.read_only(real)
                opened = real
            reply = execute(store, task)
        except SyntaxError as exc:
            reply = Reply(ok=False, error="syntax", message=f"SPARQL syntax error: {exc}")
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            reply = Reply(ok=False, error="query", message=str(exc))
        conn.send_bytes(_dumps(reply))


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    poller: select.poll = field(default_factory=select.poll)

    def __post_init__(self) -> None:
        self.poller.register(self.conn.fileno(), select.POLLIN)

    def answered(self, timeout: float) -> bool:
        """Whether an answer (or the end of the worker) came within ``timeout`` seconds.

        One poll object per worker: ``Connection.poll`` builds a selector a call.
        """
        return bool(self.poller.poll(timeout * 1000))


# Tasks and answers cross the socket as pickles of the default protocol's C pickler:
# ``Connection.send`` makes a pickler with a copied dispatch table every call.
def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class WorkerPool:
    """Worker processes that run queries, each killed and replaced when it overruns.

    ``run`` is called from many request threads at once. Each call queues its task
    and waits: at most ``timeout`` for a worker to take it (else 503), then until
    the worker answers or overruns. A worker is fed by its own thread, which takes
    the next task as soon as the answer to the last is in, so that a worker never
    waits for a request thread to be scheduled. A worker that does not answer
    within ``timeout`` is killed and a fresh one takes its place; the other
    workers go on answering.
    """

    def __init__(self, store_path: Path, *, workers: int = 2, timeout: float = 5.0) -> None:
        if not store_path.exists():
            raise FileNotFoundError(f"{store_path}: no built store here (run `scmgraph build`)")
        self.store_path = store_path
        self.timeout = timeout
        self._tasks: queue.SimpleQueue[tuple[Task, Future[Reply]] | None] = queue.SimpleQueue()
        self._closed = threading.Event()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._feeders = [
            threading.Thread(target=self._feed, args=(self._start(),), daemon=True)
            for _ in range(workers)
        ]
        for feeder in self._feeders:
            feeder.start()

    def _start(self) -> _Worker:
        """A fresh worker: a new interpreter (no fork of a threaded server, no re-run
        of the caller's main module) talking over a socket pair."""
        parent, child = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        code = (
            "import sys; from scmgraph.server.pool import worker_main; "
            "worker_main(int(sys.argv[1]), sys.argv[2])"
        )
        with child:
            process = subprocess.Popen(
                [sys.executable, "-c", code, str(child.fileno()), str(self.store_path)],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        worker = _Worker(process, Connection(parent.detach()))
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and close its socket, once: its feeder and ``close`` may both
        come to retire it (a feeder still ending its worker when ``close`` stops
        waiting for it), and two threads closing one socket fail."""
        with self._lock:
            if worker not in self._all:
                return
            self._all.discard(worker)
        worker.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=5)
        worker.conn.close()

    def _feed(self, worker: _Worker) -> None:
        """Give ``worker`` queued tasks one at a time until the pool closes."""
        while (item := self._tasks.get()) is not None:
            task, future = item
            if not future.set_running_or_notify_cancel():
                continue  # its request stopped waiting
            try:
                worker.conn.send_bytes(_dumps(task))
                if worker.answered(self.timeout):
                    future.set_result(pickle.loads(worker.conn.recv_bytes()))
                    continue
                failure = PoolError(
                    f"query cancelled: it ran past the time limit of {self.timeout:g} s", 503
                )
            except (EOFError, OSError):
                failure = PoolError("the query worker failed; try again", 500)
            future.set_exception(failure)
            self._retire(worker)
            if self._closed.is_set():
                return
            worker = self._start()
        with contextlib.suppress(OSError):
            worker.conn.send_bytes(_dumps(None))  # the pool closes: the worker ends after its task
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=2)
        self._retire(worker)

    def run(self, task: Task) -> Reply:
        """Run ``task`` in a worker; raises PoolError (503) when busy or too slow."""
        if self._closed.is_set():
            raise PoolError("the server is shutting down", 503)
        future: Future[Reply] = Future()
        self._tasks.put((task, future))
        try:
            try:
                return future.result(timeout=self.timeout)
            except FutureTimeout:
                if future.cancel():
                    raise PoolError("all query workers are busy; try again later", 503) from None
            return future.result()  # running: its feeder ends it within the time limit
        except CancelledError:
            raise PoolError("the server is shutting down", 503) from None

    def close(self) -> None:
        """Stop every worker; requests still waiting get a 503, those running may get a 500."""
        self._closed.set()
        with contextlib.suppress(queue.Empty):
            while True:
                if (item := self._tasks.get_nowait()) is not None:
                    item[1].cancel()
        for _ in self._feeders:
            self._tasks.put(None)
        deadline = time.monotonic() + 2
        for feeder in self._feeders:
            feeder.join(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._retire(worker)


# --- running the server -----------------------------------------------------------------
