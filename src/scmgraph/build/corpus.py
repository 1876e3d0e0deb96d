"""Build the graph: read the corpus, extract, convert, validate, then publish.

Publishing is all-or-nothing. Every output is first written next to its final
place and moved in with ``os.replace``; the embedded store is built in a fresh
folder and switched to through a symlink, so a reader never sees half a file
and a failed or killed build leaves the previous output intact. Once everything
is on disk, the renames that publish it are written down in a journal
(``.publish``) and then carried out: a build killed among them leaves every file
whole (some new, some old) and the journal, and the next build finishes the
publishing before it reads anything. A file replaced keeps a second name until
it is removed (the command leaves that to a process of its own), so that the
renames are quick. The next build also removes what killed builds left behind
(staged and replaced files, half-loaded stores, stores nothing links to).
A lock file refuses a second build running at the same time.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scmgraph.atomic import write_atomic
from scmgraph.build.folder import (
    CACHE_DIR,
    DESCRIPTION_FILE,
    JOURNAL,
    OUTPUTS,
    STAGED,
    STORE_LINK,
)
from scmgraph.build.inputs import Progress, quiet
from scmgraph.errors import BuildError
from scmgraph.read.reader import find_communiques
from scmgraph.registry.load import Registry, load_registry

if TYPE_CHECKING:
    from scmgraph.build.copying import Extents
    from scmgraph.build.thread_parts import PairSummary
    from scmgraph.build.units import UnitCache, UnitContext, UnitSummary


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: tuple[Path, ...]
    store: Path
    triples: int
    documents: int
    statements: int


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[int]:
    """Hold an exclusive lock on the output folder for the duration of a build.

    Yields the lock's file descriptor, which forked workers must close: a flock
    belongs to the open file, so a worker outliving a killed build would hold it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir / ".lock"
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildError(
                f"{out_dir}: another scmgraph build is running (lock {lock_path} is held)"
            ) from exc
        try:
            yield handle.fileno()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def switch_store(target: Path, out_dir: Path) -> Path:
    """Point the ``store`` link at ``target`` in one rename, then drop older stores."""
    link = out_dir / STORE_LINK
    tmp_link = out_dir / f".{STORE_LINK}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    tmp_link.symlink_to(target.name)
    os.replace(tmp_link, link)
    for old in out_dir.glob("store-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    return link


Remover = Callable[[list[Path]], None]


def remove_now(paths: list[Path]) -> None:
    """Remove files before going on (a library's caller may go on using the folder)."""
    for path in paths:
        path.unlink(missing_ok=True)


def remove_in_background(paths: list[Path]) -> None:
    """Remove files in a process that outlives this one (``rm``, detached).

    The kernel frees a large file's blocks when its last name goes, some 60 ms
    per 200 MB on ext4: a command that has published its build need not wait for
    that. Whatever is left if the remover is killed, the next build removes
    (``remove_leftovers``); without ``sh`` and ``rm`` the files are removed here.
    """
    if not paths:
        return
    command = ["sh", "-c", 'rm -f -- "$@" &', "sh", *map(str, paths)]
    try:  # the shell exits once rm is started: only rm outlives this process
        quiet = subprocess.DEVNULL
        subprocess.run(command, stdin=quiet, stdout=quiet, stderr=quiet, check=True)
    except (OSError, subprocess.CalledProcessError):
        remove_now(paths)


def publish(
    staged: dict[Path, Path], target: Path, out_dir: Path, remove: Remover = remove_now
) -> Path:
    """Move the staged files in and switch the store, writing down the plan first;
    ``remove`` removes the files replaced."""
    plan = {"files": [[path.name, tmp.name] for path, tmp in staged.items()], "store": target.name}
    write_atomic(out_dir / JOURNAL, json.dumps(plan).encode("utf-8"))
    finish_publishing(out_dir, remove)
    return out_dir / STORE_LINK


def finish_publishing(out_dir: Path, remove: Remover = remove_now) -> bool:
    """Carry out the renames of a journal left in ``out_dir``, then drop the journal.

    Renames already done are skipped, so this also finishes a build killed
    while publishing. False when there is no journal. Each file replaced is
    given a second name first (``retire``), so that its rename is quick; those
    names go to ``remove`` once the journal is dropped.
    """
    journal = out_dir / JOURNAL
    try:
        plan = json.loads(journal.read_bytes())
        moves = [(str(name), str(tmp)) for name, tmp in plan["files"]]
        store = str(plan["store"])
    except FileNotFoundError:
        return False
    except (ValueError, KeyError, TypeError):  # not written by a build: nothing to finish
        journal.unlink()
        return False
    retired: list[Path] = []
    for name, tmp in moves:
        if "/" not in name + tmp and (out_dir / tmp).is_file():
            retired.extend(retire(out_dir / name))
            os.replace(out_dir / tmp, out_dir / name)
    if "/" not in store and store.startswith("store-") and (out_dir / store).is_dir():
        switch_store(out_dir / store, out_dir)
    journal.unlink()
    remove(retired)
    return True


def retire(path: Path) -> list[Path]:
    """A second name for a published file about to be replaced (a staged file's name,
    so that the next build removes it if it is left): the rename over the file then
    drops a name, not the file, whose blocks are freed when that name is removed."""
    second = path.with_name(f".{path.name}.{uuid.uuid4().hex}.retired.tmp")
    try:
        os.link(path, second)
    except OSError:  # nothing published under that name, or no hard links here
        return []
    return [second]


def drop_staged_store(loading: list[Future[Path]]) -> None:
    """Remove the store a build staged, once loaded, unless it is one already named."""
    for staging in loading:
        with contextlib.suppress(Exception):  # the loader's own error is not the build's
            path = staging.result()
            if path.name.startswith(".store-"):
                shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(out_dir: Path) -> None:
    """Remove what killed builds left: staged files, half-loaded stores, unlinked stores.

    Only called with the build lock held, so no other build is writing them.
    """
    link = out_dir / STORE_LINK
    current = os.readlink(link) if link.is_symlink() else None
    for path in out_dir.iterdir():
        name = path.name
        if STAGED.fullmatch(name) and (path.is_symlink() or path.is_file()):
            path.unlink(missing_ok=True)
        elif path.is_symlink() or not path.is_dir():
            continue
        elif name.startswith(".store-") or (name.startswith("store-") and name != current):
            shutil.rmtree(path, ignore_errors=True)


def build(
    corpus: Path,
    out_dir: Path,
    *,
    registry: Registry | None = None,
    progress: Progress = quiet,
    warn: Progress = quiet,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    computed: Progress = quiet,
    remove: Remover = remove_now,
) -> BuildResult:
    """Build, validate and publish the graph of every communiqué in ``corpus``.

    Each communiqué is a unit computed on ``jobs`` processes (default: one per
    core, at most one per unit to compute; ``scmgraph.build.pool``), as are the
    thread links of each pair, and cached in ``cache_dir`` (default ``OUT/cache``);
    ``computed`` hears the name of every file not taken from the cache;
    ``remove`` removes the published files this build replaced (a command that
    exits next: ``remove_in_background``).
    """
    from scmgraph.build.pipeline import collect_units
    from scmgraph.build.pool import Verdicts, Workers
    from scmgraph.build.thread_parts import thread_parts
    from scmgraph.build.units import UnitCache, UnitContext, env_digest

    registry = registry or load_registry()
    paths = find_communiques(corpus)
    with build_lock(out_dir) as lock:
        finish_publishing(out_dir)  # a build killed while publishing
        remove_leftovers(out_dir)
        cache = UnitCache(Path(cache_dir) if cache_dir else out_dir / CACHE_DIR)
        context = UnitContext(registry, env_digest(registry), inherited=(lock,), cache=cache)
        # The units, then the pairs' thread links, then the Turtle file are computed on
        # the workers (one forked for the Turtle file alone if none was started).
        with Workers(context, jobs) as workers:
            verdicts = Verdicts(cache)
            units = collect_units(
                paths,
                context,
                cache,
                workers,
                progress=progress,
                warn=warn,
                computed=computed,
                verdicts=verdicts,
            )
            progress("linking threads")
            pairs = thread_parts(units, context, cache, workers)
            verdicts.written()  # a lone unit's files, made on its worker meanwhile
            triples, parts = publish_units(
                units,
                pairs,
                context,
                cache,
                out_dir,
                progress,
                lambda: workers.pool_for(1, 1, beside=True, units=False),  # the Turtle file
                verdicts.settle,
                remove,
            )
        # from here on the build is published: what follows only tidies the cache
        cache.prune({u.key for u in units} | parts)
    return BuildResult(
        out_dir=out_dir,
        files=tuple(out_dir / name for name in (*OUTPUTS, DESCRIPTION_FILE)),
        store=out_dir / STORE_LINK,
        triples=triples,
        documents=len(units),
        statements=sum(u.statements for u in units),
    )


def publish_units(
    units: list[UnitSummary],
    pairs: list[PairSummary],
    context: UnitContext,
    cache: UnitCache,
    out_dir: Path,
    progress: Progress = quiet,
    turtle_pool: Callable[[], Executor | None] | None = None,
    settle: Callable[[list[UnitSummary]], list[UnitSummary]] | None = None,
    remove: Remover = remove_now,
) -> tuple[int, set[str]]:
    """Add the cross-document graphs to the units and pairs, validate, write and publish.

    Nothing is written when the published build has the same fingerprint and its
    files are those written with it. Returns the number of quads and the cache
    keys used besides the units'. ``turtle_pool``: gives the build's worker
    processes, idle by then, if it has them or starts one (``start_turtle``: the
    Turtle file is then written beside this process's work, not on a thread that
    shares its interpreter); ``settle``: gives the units their verdicts, if some
    were handed on before them (``Verdicts``).
    """
    from scmgraph.build.outputs import (
        cross_document_graphs,
        fingerprint,
        graph_parts,
        stage_outputs,
        start_turtle,
        validate_build,
    )
    from scmgraph.build.store import Manifest, file_stat, name_store, previous_store, stage_store

    graphs, info, keep = cross_document_graphs(units, pairs, context, cache, progress)
    keep |= {p.key for p in pairs}
    parts = graph_parts(units, graphs, pairs, info, cache, context.env)
    keep |= {key for part in parts for key in part.kept}
    stamp = fingerprint(parts, context, info)
    previous = previous_store(out_dir, STORE_LINK, "scmgraph.nq")
    published = (*OUTPUTS, DESCRIPTION_FILE)
    merged_key = f"turtle-{stamp[:32]}"  # the Turtle file's merged blocks, by build
    keep.add(merged_key)
    same = (
        previous[1]
        if previous
        and previous[1].fingerprint == stamp
        and previous[1].files_match(out_dir, published)
        else None
    )  # the published build, if this one has nothing to change
    loading: list[Future[Path]] = []
    checked_keys: set[str] = set()  # the cache keys of the verdicts, once reached

    def check() -> None:
        """Raise if the build fails its shapes (units, shared graphs, ontology)."""
        checked = settle(units) if settle else units
        result = validate_build([*checked, *pairs], graphs, context, cache, checked_keys, info.term)
        if not result.conforms:
            message = "the built graph does not pass SHACL validation:\n" + result.render()
            raise BuildError(message)

    # The store loads as the files are written; the Turtle file is begun before the
    # build is validated (on an idle worker, or a thread). The verdict is reached
    # beside the writing (the engine leaves the interpreter free); a build that fails
    # it drops what it staged before it publishes anything.
    with (
        ThreadPoolExecutor(max_workers=1) as loader,
        ThreadPoolExecutor(max_workers=1) as side,
        ThreadPoolExecutor(max_workers=1) as checker,
    ):
        shared = (  # the blocks of the subjects many graphs share, kept from the previous build
            f"blocks-{previous[1].fingerprint[:32]}" if previous else None,
            f"blocks-{stamp[:32]}",
        )
        turtle = (
            None
            if same
            else start_turtle(
                parts, out_dir, cache, (turtle_pool and turtle_pool()) or side, shared, info.term
            )
        )
        progress("validating")
        verdict = checker.submit(check)
        if same is not None:
            verdict.result()
            progress("nothing changed")
            kept = cache.load(merged_key)
            return same.quads, keep | checked_keys | (kept if isinstance(kept, set) else set())
        progress("writing files")

        def load(nquads: Path, digest: Callable[[], str], extents: Extents) -> None:
            progress("loading the store")
            published_nquads = out_dir / "scmgraph.nq"
            args = (nquads, digest, out_dir, extents, previous, published_nquads)
            loading.append(loader.submit(stage_store, *args))

        staged: dict[Path, Path] = {}
        merged: set[str] = set()
        try:
            published_files = previous[1].published(out_dir, "scmgraph.nq") if previous else {}
            staged, quads, digest, extents = stage_outputs(
                parts, info, out_dir, turtle, merged, load, published_files
            )
            files = {path.name: file_stat(tmp) for path, tmp in staged.items()}
            nquads_extents = extents.pop("scmgraph.nq")
            manifest = Manifest(stamp, quads, nquads_extents, files, extents)  # type: ignore[arg-type]
            verdict.result()
            target = name_store(loading[0].result(), digest, out_dir, manifest)
        except BaseException:
            for tmp in staged.values():
                tmp.unlink(missing_ok=True)
            if verdict.exception() is not None:  # nothing of a failed build stays staged
                drop_staged_store(loading)
            raise  # a half-loaded store is removed by the next build (remove_leftovers)
    cache.save(merged_key, merged)
    keep |= merged | checked_keys
    # Everything is on disk; publishing is now a handful of renames.
    publish(staged, target, out_dir, remove)
    return quads, keep
