"""Build the graph: read the corpus, extract, convert, validate, then publish.

Publishing is all-or-nothing. Every output is first written next to its final
place and moved in with ``os.replace``; the embedded store is built in a fresh
folder and switched to through a symlink, so a reader never sees half a file
and a failed or killed build leaves the previous output intact. Once everything
is on disk, the renames that publish it are written down in a journal
(``.publish``) and then carried out: a build killed among them leaves every file
whole (some new, some old) and the journal, and the next build finishes the
publishing before it reads anything. The next build also removes what killed
builds left behind (staged files, half-loaded stores, stores nothing links to).
A lock file refuses a second build running at the same time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scmgraph.model import Facts, InputError
from scmgraph.reader import find_communiques
from scmgraph.reading import raise_together, read_each
from scmgraph.registry import Registry, load_registry

GRAPH_FILE = "scmgraph.trig"
DESCRIPTION_FILE = "void.ttl"  # VoID + DCAT: what the graph holds, where it came from
STORE_LINK = "store"
JOURNAL = ".publish"  # the renames a build is publishing, written before the first one
# What ``stage`` and ``switch_store`` leave when killed: ".NAME.RANDOM.tmp", ".store.PID.tmp".
_STAGED = re.compile(r"\.(?:scmgraph\.(?:trig|nq|ttl|jsonld)|void\.ttl|\.publish|store)\..+\.tmp")


class BuildError(Exception):
    """The build cannot go on (validation failed, another build is running)."""


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: tuple[Path, ...]
    store: Path
    triples: int
    documents: int
    statements: int


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def read_corpus(
    paths: list[Path], registry: Registry, progress: Progress = _quiet, warn: Progress = _quiet
) -> list[Facts]:
    """Read and extract every communiqué; raises InputError naming every bad file.

    Input that is wrong but readable (a repeated paragraph number, a paragraph 1
    without a date) is read as well as it can be and reported through ``warn``.
    """
    all_facts, errors = read_each(paths, registry, progress, warn)
    raise_together(errors)
    return all_facts


def collect_inputs(inputs: list[Path]) -> list[Path]:
    """Expand folders into their communiqué files; keep files as given."""
    paths: list[Path] = []
    for item in inputs:
        if item.is_dir():
            paths.extend(find_communiques(item))
        elif item.exists():
            paths.append(item)
        else:
            raise InputError(item, "no such file or folder")
    return paths


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder for the duration of a build."""
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
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a hidden file beside ``path``, ready to be moved in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes the file private; publish it normally
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half."""
    os.replace(stage(path, data), path)


def prepare_store(nquads: bytes, out_dir: Path) -> Path:
    """Load the graph into a new on-disk pyoxigraph store named after its content."""
    import pyoxigraph

    digest = hashlib.sha256(nquads).hexdigest()[:16]
    target = out_dir / f"store-{digest}"
    if not target.exists():
        staging = Path(tempfile.mkdtemp(prefix=".store-", dir=out_dir))
        store = pyoxigraph.Store(str(staging))
        store.bulk_load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
        store.flush()
        del store
        os.replace(staging, target)
    return target


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


def publish(staged: dict[Path, Path], target: Path, out_dir: Path) -> Path:
    """Move the staged files in and switch the store, writing down the plan first."""
    plan = {"files": [[path.name, tmp.name] for path, tmp in staged.items()], "store": target.name}
    write_atomic(out_dir / JOURNAL, json.dumps(plan).encode("utf-8"))
    finish_publishing(out_dir)
    return out_dir / STORE_LINK


def finish_publishing(out_dir: Path) -> bool:
    """Carry out the renames of a journal left in ``out_dir``, then drop the journal.

    Renames already done are skipped, so this also finishes a build killed
    while publishing. False when there is no journal.
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
    for name, tmp in moves:
        if "/" not in name + tmp and (out_dir / tmp).is_file():
            os.replace(out_dir / tmp, out_dir / name)
    if "/" not in store and store.startswith("store-") and (out_dir / store).is_dir():
        switch_store(out_dir / store, out_dir)
    journal.unlink()
    return True


def remove_leftovers(out_dir: Path) -> None:
    """Remove what killed builds left: staged files, half-loaded stores, unlinked stores.

    Only called with the build lock held, so no other build is writing them.
    """
    link = out_dir / STORE_LINK
    current = os.readlink(link) if link.is_symlink() else None
    for path in out_dir.iterdir():
        name = path.name
        if _STAGED.fullmatch(name) and (path.is_symlink() or path.is_file()):
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
    progress: Progress = _quiet,
    warn: Progress = _quiet,
) -> BuildResult:
    """Build, validate and publish the graph of every communiqué in ``corpus``."""
    from scmgraph.describe import describe_dataset
    from scmgraph.pipeline import build_info, dataset_for_files
    from scmgraph.serialize import serialize_all
    from scmgraph.validate import validate

    registry = registry or load_registry()
    paths = find_communiques(corpus)
    with build_lock(out_dir):
        finish_publishing(out_dir)  # a build killed while publishing
        remove_leftovers(out_dir)
        dataset, all_facts = dataset_for_files(paths, registry, progress, warn)
        progress("validating")
        result = validate(dataset)
        if not result.conforms:
            raise BuildError("the built graph does not pass SHACL validation:\n" + result.render())
        progress("writing files")
        outputs = serialize_all(dataset)
        description = describe_dataset(dataset, build_info(all_facts, registry), files=outputs)
        outputs[DESCRIPTION_FILE] = description.serialize(format="turtle", encoding="utf-8")
        staged = {out_dir / name: stage(out_dir / name, data) for name, data in outputs.items()}
        try:
            progress("loading the store")
            target = prepare_store(outputs["scmgraph.nq"], out_dir)
        except BaseException:
            for tmp in staged.values():
                tmp.unlink(missing_ok=True)
            raise
        # Everything is on disk; publishing is now a handful of renames.
        store = publish(staged, target, out_dir)
        files = list(staged)
    return BuildResult(
        out_dir=out_dir,
        files=tuple(files),
        store=store,
        triples=len(dataset),
        documents=len(all_facts),
        statements=sum(len(f.statements) for f in all_facts),
    )
