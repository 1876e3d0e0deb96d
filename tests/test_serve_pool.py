"""The query workers of ``scmgraph serve``: real worker processes on a real on-disk store.

The time limit, with requests on the wire, is tested in test_serve.py; here, what
the pool does when it closes with requests in it, and when a worker dies.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from scmgraph.server.pool import PoolError, WorkerPool
from scmgraph.sparql.results import Reply, Task

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 triples: counting a four-way product of them takes minutes."""
    path = tmp_path_factory.mktemp("pool") / "store"
    store = ox.Store(str(path))
    p = ox.NamedNode("https://example.org/p")
    store.extend(
        ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), p, ox.Literal(str(i)))
        for i in range(300)
    )
    store.flush()
    del store
    return path


def count(reply: Reply) -> str:
    assert reply.ok and reply.table is not None
    return str(reply.table.rows[0][0].value)


def in_thread(pool: WorkerPool, text: str, outcome: dict[str, object]) -> threading.Thread:
    def run() -> None:
        try:
            outcome[text] = pool.run(Task(text=text))
        except PoolError as exc:
            outcome[text] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_closing_answers_queued_requests_and_stops_every_worker(store_path: Path) -> None:
    pool = WorkerPool(store_path, workers=1, timeout=60)
    assert count(pool.run(Task(text=COUNT))) == "300"
    processes = [worker.process for worker in pool._all]
    outcome: dict[str, object] = {}
    slow = in_thread(pool, SLOW, outcome)
    time.sleep(0.3)  # the one worker now runs the slow query
    queued = in_thread(pool, COUNT, outcome)
    time.sleep(0.3)
    started = time.monotonic()
    pool.close()
    slow.join(timeout=10)
    queued.join(timeout=10)
    assert time.monotonic() - started < 8
    waiting, running = outcome[COUNT], outcome[SLOW]
    assert isinstance(waiting, PoolError) and waiting.status == 503
    assert "shutting down" in str(waiting)
    assert isinstance(running, PoolError) and running.status == 500
    assert all(process.poll() is not None for process in processes)
    with pytest.raises(PoolError, match="shutting down"):
        pool.run(Task(text=COUNT))


def test_a_worker_that_dies_is_replaced(store_path: Path) -> None:
    pool = WorkerPool(store_path, workers=1, timeout=30)
    try:
        assert count(pool.run(Task(text=COUNT))) == "300"
        (worker,) = pool._all
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=10)
        answers = []
        for _ in range(3):
            try:
                answers.append(count(pool.run(Task(text=COUNT))))
            except PoolError as exc:
                answers.append(exc.status)
        # the task sent to the dead worker may fail (500); its replacement answers
        assert answers[1:] == ["300", "300"] and answers[0] in ("300", 500)
        (replacement,) = pool._all
        assert replacement.process.pid != worker.process.pid
    finally:
        pool.close()


def test_a_worker_is_retired_once_whoever_asks(store_path: Path) -> None:
    # Its feeder and ``close`` may both come to retire a worker, from two threads: one
    # of them kills it and closes its socket (two closing one socket fail).
    pool = WorkerPool(store_path, workers=1, timeout=30)
    try:
        (worker,) = pool._all
        kill, kills = worker.process.kill, []
        worker.process.kill = lambda: (kills.append(1), kill())  # type: ignore[method-assign]
        together = threading.Barrier(16)

        def retire() -> None:
            together.wait(timeout=10)
            pool._retire(worker)

        retiring = [threading.Thread(target=retire) for _ in range(16)]
        failures: list[BaseException | None] = []
        hook, threading.excepthook = threading.excepthook, lambda a: failures.append(a.exc_value)
        try:
            for thread in retiring:
                thread.start()
            for thread in retiring:
                thread.join(timeout=10)
        finally:
            threading.excepthook = hook
        assert failures == []
        assert len(kills) == 1
        assert worker.process.poll() is not None and worker.conn.closed
        assert worker not in pool._all
    finally:
        pool.close()
