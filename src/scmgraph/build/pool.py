"""The processes a build computes on: its units, then its pairs' thread links, then
(``scmgraph.build.outputs``) its Turtle file.

One pool serves both stages, so a cold build starts its workers once: each
worker inherits (or, when not forked, receives) the build's ``UnitContext`` and
keeps it for every task it is given. A pool is only started when the tasks
repay the start of its workers (or, for a single unit or the Turtle file of a
build that computed none, when this process has other work meanwhile); otherwise
they are computed in this process.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import gc
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from types import TracebackType
from typing import Any

from scmgraph.build.units import (
    UnitCache,
    UnitContext,
    UnitSummary,
    check_unit,
    compute_unit,
    unit_blocks,
    warm_parent,
)
from scmgraph.errors import InputError
from scmgraph.extract.reading import raise_together
from scmgraph.model import Origin

_PR_SET_PDEATHSIG = 1  # prctl(2)
_WORKER: list[UnitContext] = []  # the context of a pool worker, set once when it starts

# Units a pool worker must have at least, or they are computed in-process: a forked
# worker inherits the validator's context and costs a start of some 0.5 s (its
# validator's engine, the extraction patterns and gazetteer), less than a unit.
UNITS_PER_WORKER = 1
# A file, the slug to use (None: its own), its key, the record of where it was taken from.
Task = tuple[Path, str | None, str, Origin | None]


def _init_worker(context: UnitContext, parent: int | None = None) -> None:
    for fd in context.inherited:
        with contextlib.suppress(OSError):
            os.close(fd)
    _die_with_parent(parent)
    _WORKER.append(context)


def _die_with_parent(parent: int | None = None) -> None:
    """Have the kernel kill this worker when the process that started it dies (Linux):
    a build that is killed must not leave a worker writing into its output folder.

    A build killed between forking a worker and the worker's asking has no death to
    signal any more: the worker, forked by ``parent``, sees it gone and leaves."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def worker_context() -> UnitContext:
    """The build's context, in a pool worker."""
    return _WORKER[0]


class Workers:
    """A build's process pool, started by the first stage whose tasks repay it.

    ``jobs`` is the number of processes (None: one per core, but no more than
    the tasks of the stage that starts the pool can keep busy).
    """

    def __init__(self, context: UnitContext, jobs: int | None) -> None:
        self.context = context
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0
        self._frozen = False  # this process's objects kept from its collector (fork)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def started(self) -> Executor | None:
        """The pool, if a stage started it."""
        return self._pool

    def size(self) -> int:
        """How many processes the pool has (none before it is started)."""
        return self._size if self._pool is not None else 0

    def pool_for(
        self, tasks: int, per_worker: int, *, beside: bool = False, units: bool = True
    ) -> Executor | None:
        """The pool, started if need be: None when ``tasks`` are better done here
        (one job, too few tasks for two workers to repay their start, or, once the
        pool runs, fewer than one worker's share: this process has the validator
        warm, which a worker that computed a lone unit unvalidated lacks).

        ``beside``: this process has work of its own to do meanwhile, so that a single
        task is worth one worker, if there is another core. ``units``: the tasks
        compute units, whose extraction patterns a forked worker inherits; without,
        they write a file, which only a forked worker repays."""
        if not tasks:
            return None
        if self._pool is not None:
            return self._pool if tasks >= per_worker else None
        cores = os.cpu_count() or 1
        jobs = self.jobs if self.jobs is not None else min(cores, tasks // per_worker)
        if beside and tasks == 1 and cores > 1 and self.jobs is None:
            jobs = 1  # one worker beside this process
        elif jobs <= 1 or tasks <= 1:
            return None
        context = self.context
        method = _start_method()
        if not units and method != "fork":
            return None  # a worker for one file repays a fork, not a fresh interpreter
        # What every task needs is made here, once: forked workers inherit it. The
        # gazetteer and extraction patterns first (a lone unit's worker would make
        # them on the build's critical path), then, for several workers, the
        # validator's compiled shapes (this process needs them too, and each compiling
        # costs some 0.03 s; a single worker's unit is validated after its facts are
        # back, while this process makes its own). Workers started otherwise get the
        # validator's context, registries and ontology as N-Triples, with the
        # context, and make their own engine and patterns.
        if method == "fork" and units:
            from scmgraph.extract.document import prepare

            prepare(context.registry)
        if jobs > 1:
            context.validator.prepare()
        mp = get_context(method)
        if method == "forkserver":
            mp.set_forkserver_preload(
                ["scmgraph.build.pool", "scmgraph.extract.document", "scmgraph.rdf.shacl_turbo"]
            )
        if method != "fork":  # nothing is inherited, and the context travels pickled
            context = copy.copy(context)  # with what it made (not ``replace``, which drops it)
            context.inherited = ()
        self._size = min(jobs, tasks)
        if method == "fork":
            # What the workers inherit is left out of every garbage collection while
            # they run: a collection writes to each object it visits, so that a
            # worker's would copy the pages it shares with this process, and this
            # process's would copy them for the workers (a page fault each).
            gc.freeze()
            self._frozen = True
        self._pool = ProcessPoolExecutor(
            max_workers=self._size,
            mp_context=mp,
            initializer=_init_worker,
            # a forked worker's parent is this process (a forkserver's is the server)
            initargs=(context, os.getpid() if method == "fork" else None),
        )
        return self._pool


def _work(
    path: Path, slug: str | None, key: str, origin: Origin | None, cache_folder: Path
) -> UnitSummary:
    summary, files = compute_unit(path, key, worker_context(), slug, origin)
    UnitCache(cache_folder).put(summary, files)
    return summary


def _unvouched(
    path: Path, slug: str | None, key: str, origin: Origin | None, cache_folder: Path
) -> UnitSummary:
    """A unit computed and cached, all but its summary, which vouches for its files
    once its verdict is reached (``Verdicts``)."""
    summary, files = compute_unit(path, key, worker_context(), slug, origin, check=False)
    UnitCache(cache_folder).put_files(summary.key, files)
    return summary


def _cached_verdict(summary: UnitSummary, cache_folder: Path) -> UnitSummary:
    ntriples = UnitCache(cache_folder).path(summary.key, "nt").read_bytes()
    return check_unit(summary, ntriples, worker_context())


def _unchecked(
    path: Path, slug: str | None, key: str, origin: Origin | None, blocks: bool
) -> tuple[UnitSummary, dict[str, bytes]]:
    return compute_unit(path, key, worker_context(), slug, origin, check=False, blocks=blocks)


def _blocks(summary: UnitSummary, ntriples: bytes, cache_folder: Path) -> None:
    lines = ntriples.splitlines(keepends=True)  # as ``canonical_lines`` made them
    UnitCache(cache_folder).put_files(summary.key, unit_blocks(summary.slug, lines))


def _verdict(summary: UnitSummary, ntriples: bytes) -> UnitSummary:
    return check_unit(summary, ntriples, worker_context())


class Verdicts:
    """Units handed on before their verdict, which a worker reaches meanwhile.

    A lone unit (a rebuild after one file changed) is passed on to the thread
    links and the cross-document graphs as soon as its facts and triples are
    back; the worker that computed it then makes the rest of its files and
    validates its graph, beside them. Its triples and facts are in the cache at
    once, the rest once made (``written``); its summary, which vouches for them,
    only with its verdict.

    Units computed on several workers are validated last (``deferred``): their
    verdicts are not wanted before the files are written, while the workers,
    their units and thread links done, would otherwise wait for the build's own
    process (writing the files, loading the store).
    """

    def __init__(self, cache: UnitCache) -> None:
        self.cache = cache
        self._pending: dict[str, Future[UnitSummary]] = {}
        self._writing: list[Future[None]] = []
        self._deferred: list[tuple[UnitSummary, Executor]] = []

    def wait_for(self, key: str, verdict: Future[UnitSummary], files: Future[None]) -> None:
        self._pending[key] = verdict
        self._writing.append(files)

    def defer(self, summary: UnitSummary, pool: Executor) -> None:
        """Validate ``summary``'s graph (cached) on ``pool`` once ``settle`` is called."""
        self._deferred.append((summary, pool))

    def _start_deferred(self) -> None:
        for summary, pool in self._deferred:
            self._pending[summary.key] = pool.submit(_cached_verdict, summary, self.cache.folder)
        self._deferred.clear()

    def written(self) -> None:
        """Wait until the files of every unit handed on are in the cache."""
        for files in self._writing:
            files.result()
        self._writing.clear()

    def settle(self, units: list[UnitSummary]) -> list[UnitSummary]:
        """``units`` with every verdict reached, each summary then cached."""
        self._start_deferred()
        self.written()
        settled = []
        for unit in units:
            verdict = self._pending.pop(unit.key, None)
            if verdict is not None:
                unit = verdict.result()
                self.cache.save(unit.key, unit)
            settled.append(unit)
        return settled


def start_units(
    tasks: list[Task],
    context: UnitContext,
    cache: UnitCache,
    workers: Workers,
    started: Callable[[Path], None],
    verdicts: Verdicts | None = None,
) -> Callable[[], Iterator[UnitSummary]]:
    """Start computing ``tasks`` (on the workers' pool, if it is worth it) and return
    what yields their summaries, in order, each cached once computed.

    On a pool the tasks are under way when this returns, so the caller can do
    other work; while it waits for them this process makes what it needs
    afterwards (``warm_parent``). A file that cannot be read does not stop the
    others: once all are done, the errors of every bad file are raised together.
    With ``verdicts``, units are yielded before their verdicts (``Verdicts``).
    """
    pool = workers.pool_for(len(tasks), UNITS_PER_WORKER, beside=True)
    if pool is None:
        return lambda: _in_process(tasks, context, cache, started)
    # A lone unit's facts are wanted before its verdict: it is validated in a second
    # task, beside this process's next steps, or here if nothing waits for them.
    here = len(tasks) == 1
    futures = []
    for path, slug, key, origin in tasks:
        started(path)
        if here:  # with ``verdicts``, the rest of its files are made after its triples
            futures.append(pool.submit(_unchecked, path, slug, key, origin, verdicts is None))
        elif verdicts is not None:
            futures.append(pool.submit(_unvouched, path, slug, key, origin, cache.folder))
        else:
            futures.append(pool.submit(_work, path, slug, key, origin, cache.folder))

    def finished(future: Future[Any]) -> UnitSummary:
        if not here:
            summary = future.result()
            if verdicts is not None:
                verdicts.defer(summary, pool)
            return summary
        summary, files = future.result()
        if verdicts is None:
            summary = check_unit(summary, files["nt"], context)
            cache.put(summary, files)
            return summary
        cache.put_files(summary.key, files)
        written = pool.submit(_blocks, summary, files["nt"], cache.folder)
        verdicts.wait_for(summary.key, pool.submit(_verdict, summary, files["nt"]), written)
        return summary

    def results() -> Iterator[UnitSummary]:
        errors: list[InputError] = []
        warm_parent(context, cache)  # while the workers compute
        try:
            for future in futures:
                try:
                    yield finished(future)
                except InputError as error:
                    errors.append(error)
            raise_together(errors)
        except BaseException:
            for future in futures:
                future.cancel()
            raise

    return results


def _in_process(
    tasks: list[Task], context: UnitContext, cache: UnitCache, started: Callable[[Path], None]
) -> Iterator[UnitSummary]:
    errors: list[InputError] = []
    for path, slug, key, origin in tasks:
        started(path)
        try:
            summary, files = compute_unit(path, key, context, slug, origin)
        except InputError as error:
            errors.append(error)
            continue
        cache.put(summary, files)
        yield summary
    raise_together(errors)


def _start_method() -> str:
    """How to start workers: forked when this process runs a single thread (they start
    at once, every module loaded); else from a fork server, since forking a process
    with other threads (a store's, a library's) can copy a lock some thread holds."""
    try:
        single = len(os.listdir("/proc/self/task")) == 1
    except OSError:
        single = False
    methods = get_all_start_methods()
    if single and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"
