"""A build killed at any moment leaves a published graph that is whole, old or new.

``scmgraph build`` runs as a real process and gets SIGKILL: after fixed
fractions of its measured run time, when it prints a progress line (progress
shows on a terminal only, so it writes to a pseudo-terminal here), when its
staged files appear, and, through a small wrapper that kills the process from
inside ``os.replace`` or ``shutil.rmtree``, between the renames that publish it.
After every kill the published files are byte for byte those of the previous
build or of the new one, the trig file passes ``scmgraph validate``, the store
opens and holds what the files hold; a build killed between its renames has
left its journal, and the next build finishes the publishing first. Then a
normal build runs over the leftovers and leaves nothing stale behind.

The kills use a communiqué cut to three paragraphs (the previous build) and four
(the new one), so that a build takes seconds; one kill runs on the full corpus.
Besides matching the builds byte for byte, every whole output is checked on its
own terms: the checksums void.ttl gives match the files, and the store holds as
many quads and statements as scmgraph.nq.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import blake3
import pyoxigraph as ox
import pytest

from scmgraph.build.corpus import build, remove_in_background
from scmgraph.build.folder import STAGED

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
SOURCE = CORPUS / "052_scm_2020.txt"
PUBLISHED = ("scmgraph.trig", "scmgraph.nq", "scmgraph.ttl", "scmgraph.jsonld", "void.ttl")
SCM = "https://w3id.org/scmgraph/ontology#"
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
CHECKSUM = ox.NamedNode("http://spdx.org/rdf/terms#checksum")
CHECKSUM_VALUE = ox.NamedNode("http://spdx.org/rdf/terms#checksumValue")
STATEMENTS = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{SCM}Statement> }}"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
FRACTIONS = (0.1, 0.3, 0.5, 0.7, 0.9, 0.95)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# Runs `scmgraph build` and kills itself the moment it is about to rename a staged
# file onto NAME ("replace"), or once it has deleted half of an old store ("rmtree").
KILL_INSIDE = """
import os, shutil, signal, sys
from pathlib import Path

point, name, corpus, out = sys.argv[1:5]
real_replace, real_rmtree = os.replace, shutil.rmtree


def replace(src, dst, *args, **kwargs):
    if point == "replace" and Path(dst).name == name:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *args, **kwargs)


def rmtree(path, *args, **kwargs):
    if point == "rmtree" and Path(path).name.startswith("store-"):
        files = sorted(Path(path).iterdir())
        for victim in files[: len(files) // 2]:
            victim.unlink()
        os.kill(os.getpid(), signal.SIGKILL)
    return real_rmtree(path, *args, **kwargs)


os.replace, shutil.rmtree = replace, rmtree
from scmgraph.cli.main import main

main(["build", "-q", "--corpus", corpus, "--out", out])
"""


def scmgraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "scmgraph.cli.main", *args]


def checksum(path: Path) -> str:
    """A published file's checksum, as void.ttl gives it (BLAKE3)."""
    return blake3.blake3(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """What a published output holds: file digests, the store link and its counts."""

    digests: tuple[tuple[str, str], ...]
    store: str
    quads: int
    statements: int


def files_of(out: Path) -> tuple[tuple[str, str], ...]:
    return tuple((name, checksum(out / name)) for name in PUBLISHED)


def snapshot(out: Path) -> Snapshot:
    store = ox.Store.read_only(str((out / "store").resolve()))
    rows = store.query(STATEMENTS, use_default_graph_as_union=True)
    statements = int(next(iter(rows))["n"].value)
    quads = len(store)
    del store
    return Snapshot(files_of(out), os.readlink(out / "store"), quads, statements)


def counts_in_files(out: Path) -> tuple[int, int]:
    """Quads and statements as the published N-Quads file says."""
    lines = (out / "scmgraph.nq").read_text(encoding="utf-8").splitlines()
    statement = f" {RDF_TYPE} <{SCM}Statement> "
    subjects = {line.split(" ", 1)[0] for line in lines if statement in line}
    return len(lines), len(subjects)


def described_checksums(out: Path) -> dict[str, str]:
    """File name -> checksum, as the published void.ttl describes the distributions."""
    triples = list(ox.parse(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE))
    title = {t.subject: t.object.value for t in triples if t.predicate == TITLE}
    value = {t.subject: t.object.value for t in triples if t.predicate == CHECKSUM_VALUE}
    return {title[t.subject]: value[t.object] for t in triples if t.predicate == CHECKSUM}


def assert_consistent(out: Path) -> Snapshot:
    """The published files and store belong together: checksums and counts agree."""
    described = described_checksums(out)
    assert sorted(described) == sorted(set(PUBLISHED) - {"void.ttl"})
    for name, digest in described.items():
        assert checksum(out / name) == digest, f"void.ttl describes another {name}"
    state = snapshot(out)
    assert (state.quads, state.statements) == counts_in_files(out)
    return state


@dataclass(frozen=True)
class World:
    root: Path
    old_corpus: Path
    new_corpus: Path
    previous: Path  # a complete build of old_corpus, copied before each kill
    old: Snapshot
    new: Snapshot
    seconds: float  # how long a normal build of new_corpus takes


VALIDATED: dict[str, int] = {}  # checksum of a trig file -> exit status of `scmgraph validate`


def validate_status(trig: Path) -> int:
    """The exit status of `scmgraph validate` on ``trig`` (run once per distinct content)."""
    digest = checksum(trig)
    if digest not in VALIDATED:
        VALIDATED[digest] = subprocess.run(
            scmgraph("validate", str(trig)), capture_output=True, check=False
        ).returncode
    return VALIDATED[digest]


def cut(lines: list[str], paragraphs: int) -> str:
    """The communiqué's header and its first ``paragraphs`` numbered paragraphs."""
    end = next(i for i, line in enumerate(lines) if line.startswith(f"{paragraphs + 1}. "))
    return "\n".join(lines[:end]) + "\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("crash")
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    corpora = {}
    for name, paragraphs in (("old", 3), ("new", 4)):
        corpus = root / f"{name}-corpus"
        corpus.mkdir()
        (corpus / SOURCE.name).write_text(cut(lines, paragraphs), encoding="utf-8")
        corpora[name] = corpus
    seconds = {}
    for name, corpus in corpora.items():
        started = time.monotonic()
        command = scmgraph("build", "-q", "--corpus", str(corpus), "--out", str(root / name))
        subprocess.run(command, check=True)
        seconds[name] = time.monotonic() - started
        assert validate_status(root / name / "scmgraph.trig") == 0
    old, new = assert_consistent(root / "old"), assert_consistent(root / "new")
    assert all(a[1] != b[1] for a, b in zip(old.digests, new.digests, strict=True))
    assert old.store != new.store and 0 < old.statements < new.statements
    return World(
        root, corpora["old"], corpora["new"], root / "old", old, new, seconds=seconds["new"]
    )


def previous_output(world: World, tmp_path: Path) -> Path:
    out = tmp_path / "graph"
    shutil.copytree(world.previous, out, symlinks=True)
    return out


def check_after_kill(out: Path, world: World) -> str:
    """Assert the output is whole; 'old', 'new', or 'publishing' (journal left, files whole)."""
    digests = dict(files_of(out))
    old, new = dict(world.old.digests), dict(world.new.digests)
    for name in PUBLISHED:
        assert digests[name] in (old[name], new[name]), f"{name} is neither old nor new"
    assert validate_status(out / "scmgraph.trig") == 0
    state = snapshot(out)
    assert state.store in (world.old.store, world.new.store)
    for reference in (world.old, world.new):
        if state.store == reference.store:
            assert (state.quads, state.statements) == (reference.quads, reference.statements)
    if (out / ".publish").exists():
        return "publishing"
    assert state in (world.old, world.new), "files and store are from different builds"
    assert_consistent(out)
    return "old" if state == world.old else "new"


def retired_gone(out: Path, timeout: float = 60) -> None:
    """Wait until the files a command replaced are removed (by a process of their own)."""
    deadline = time.monotonic() + timeout
    while any(out.glob(".*.retired.tmp")):
        assert time.monotonic() < deadline, "the replaced files were not removed"
        time.sleep(0.01)


def leftovers(out: Path, keep: str) -> list[str]:
    retired_gone(out)
    return sorted(
        p.name
        for p in out.iterdir()
        if (p.name.startswith(".") and p.name != ".lock")
        or (p.name.startswith("store-") and p.name != keep)
    )


def check_recovers(out: Path, world: World) -> None:
    """A normal build over what the kill left behind succeeds and leaves nothing stale."""
    build(world.old_corpus, out)
    assert snapshot(out) == world.old
    assert leftovers(out, world.old.store) == []


def kill(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL ``process``; True if it was still running (a real kill)."""
    process.kill()
    process.wait(timeout=30)
    assert process.returncode in (-signal.SIGKILL, 0)
    return process.returncode == -signal.SIGKILL


def start_build(corpus: Path, out: Path, **options: object) -> subprocess.Popen[bytes]:
    command = scmgraph("build", "--corpus", str(corpus), "--out", str(out))
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, **options)


def start_on_terminal(corpus: Path, out: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A build whose stderr is a pseudo-terminal, so that it prints progress lines."""
    master, slave = pty.openpty()
    try:
        process = start_build(corpus, out, stderr=slave)
    finally:
        os.close(slave)
    return process, master


def wait_for_line(master: int, phrase: str, timeout: float = 120) -> str:
    """Read the terminal until ``phrase`` shows; the text read so far."""
    seen = b""
    deadline = time.monotonic() + timeout
    while phrase not in ANSI.sub("", seen.decode("utf-8", "replace")):
        assert time.monotonic() < deadline, f"no {phrase!r} in {seen!r}"
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:  # the build has exited and closed the terminal
                pytest.fail(f"the build ended before printing {phrase!r}: {seen!r}")
    return ANSI.sub("", seen.decode("utf-8", "replace"))


# --- kills from outside -------------------------------------------------------------------


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_kill_after_a_fraction_of_the_run_time(
    world: World, tmp_path: Path, fraction: float
) -> None:
    out = previous_output(world, tmp_path)
    process = start_build(world.new_corpus, out, stderr=subprocess.DEVNULL)
    time.sleep(fraction * world.seconds)
    killed = kill(process)
    state = check_after_kill(out, world)
    print(f"killed at {fraction:.0%} of {world.seconds:.1f} s: {state} (running: {killed})")
    if not killed:  # the build finished before the kill: it published everything
        assert state == "new"
    check_recovers(out, world)


# Seconds of work follow the first three lines; the store loads in a fraction of one,
# so a kill at "loading the store" may land anywhere up to the end of publishing.
ANY = ("old", "publishing", "new")


@pytest.mark.parametrize(
    ("phrase", "states"),
    [
        pytest.param(phrase, states, id=phrase.split()[0])
        for phrase, states in (
            ("reading 052_scm_2020.txt", ("old",)),
            ("validating", ("old",)),
            ("writing files", ("old",)),
            ("loading the store", ANY),
        )
    ],
)
def test_kill_at_a_progress_line(
    world: World, tmp_path: Path, phrase: str, states: tuple[str, ...]
) -> None:
    out = previous_output(world, tmp_path)
    process, master = start_on_terminal(world.new_corpus, out)
    try:
        wait_for_line(master, phrase)
        killed = kill(process)
    finally:
        os.close(master)
    assert killed or states == ANY
    assert check_after_kill(out, world) in states
    check_recovers(out, world)


@pytest.mark.parametrize("pattern", [".scmgraph.trig.*.tmp", ".store-*"])
def test_kill_when_staged_output_appears(world: World, tmp_path: Path, pattern: str) -> None:
    out = previous_output(world, tmp_path)
    process = start_build(world.new_corpus, out, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not any(out.glob(pattern)):
        assert process.poll() is None, f"the build ended before {pattern} appeared"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    kill(process)
    assert check_after_kill(out, world) in ANY
    check_recovers(out, world)


# --- kills from inside, between the renames that publish a build -------------------------


@pytest.mark.parametrize(
    ("point", "name", "files_before"),
    [
        ("replace", "scmgraph.trig", "old"),  # everything staged, nothing renamed yet
        ("replace", "scmgraph.nq", "mixed"),  # the trig file is new, the others old
        ("replace", "store", "new"),  # every file new, the store link still old
    ],
)
def test_kill_between_the_renames_is_finished_by_the_next_build(
    world: World, tmp_path: Path, point: str, name: str, files_before: str
) -> None:
    out = previous_output(world, tmp_path)
    command = [sys.executable, "-c", KILL_INSIDE, point, name, str(world.new_corpus), str(out)]
    assert subprocess.run(command, check=False).returncode == -signal.SIGKILL
    digests = dict(files_of(out))
    old, new = dict(world.old.digests), dict(world.new.digests)
    if files_before == "mixed":
        assert digests["scmgraph.trig"] == new["scmgraph.trig"]
        assert digests["scmgraph.nq"] == old["scmgraph.nq"]
    else:
        assert digests == (old if files_before == "old" else new)
    assert os.readlink(out / "store") == world.old.store
    assert check_after_kill(out, world) == "publishing"
    # The next build finishes the publishing before it reads anything, even when
    # it then fails on a bad corpus: the output is the killed build, complete.
    refused_bad_build(out, tmp_path)
    assert check_after_kill(out, world) == "new"
    assert leftovers(out, world.new.store) == []
    check_recovers(out, world)


def refused_bad_build(out: Path, tmp_path: Path) -> None:
    """A build of a corpus with an unreadable file: it fails after finishing any publishing."""
    bad = tmp_path / "bad-corpus"
    bad.mkdir(exist_ok=True)
    (bad / "054_broken.txt").write_bytes(b"1. The caf\xe9 broken")
    result = subprocess.run(
        scmgraph("build", "--corpus", str(bad), "--out", str(out)), capture_output=True, text=True
    )
    assert result.returncode == 2 and "not valid UTF-8" in result.stderr


def test_kill_on_the_full_corpus_before_it_publishes(world: World, tmp_path: Path) -> None:
    out = previous_output(world, tmp_path)
    command = [sys.executable, "-c", KILL_INSIDE, "replace", "scmgraph.trig", str(CORPUS), str(out)]
    assert subprocess.run(command, check=False).returncode == -signal.SIGKILL
    assert any(out.glob(".scmgraph.trig.*.tmp"))
    assert check_after_kill(out, world) == "publishing"
    assert snapshot(out) == world.old
    refused_bad_build(out, tmp_path)  # finishes publishing the killed full build
    full = assert_consistent(out)
    assert full.statements == 214 and leftovers(out, full.store) == []
    check_recovers(out, world)


def test_kill_while_old_stores_are_removed(world: World, tmp_path: Path) -> None:
    out = previous_output(world, tmp_path)
    command = [sys.executable, "-c", KILL_INSIDE, "rmtree", "", str(world.new_corpus), str(out)]
    assert subprocess.run(command, check=False).returncode == -signal.SIGKILL
    # Files and store are new; the journal goes once the old stores are gone.
    assert check_after_kill(out, world) == "publishing"
    assert snapshot(out) == world.new
    assert (out / world.old.store).is_dir()  # half deleted
    # Building the old corpus again must not reuse the half-deleted store of that name.
    check_recovers(out, world)


# --- the files a build replaces ----------------------------------------------------------


def test_each_replaced_file_keeps_a_second_name_until_its_remover_takes_it(
    world: World, tmp_path: Path
) -> None:
    """The renames that publish a build drop a name, not the old file: the old files go
    to the build's remover under names that the next build would remove if left."""
    out = previous_output(world, tmp_path)
    handed: list[list[Path]] = []
    build(world.new_corpus, out, remove=handed.append)
    assert len(handed) == 1
    retired = {path.name[1:].rsplit(".", 3)[0]: path for path in handed[0]}
    assert sorted(retired) == sorted(PUBLISHED)
    for name, path in retired.items():
        assert path.parent == out and STAGED.fullmatch(path.name)
        assert checksum(path) == dict(world.old.digests)[name]  # the old file, whole
    assert snapshot(out) == world.new
    check_recovers(out, world)  # the next build removes what no remover took
    assert not any(path.exists() for path in handed[0])


def test_the_command_leaves_the_replaced_files_to_a_remover_that_outlives_it(
    world: World, tmp_path: Path
) -> None:
    out = previous_output(world, tmp_path)
    command = scmgraph("build", "-q", "--corpus", str(world.new_corpus), "--out", str(out))
    subprocess.run(command, check=True)
    # The remover does not hold the build's lock: the next build starts at once.
    command = scmgraph("build", "-q", "--corpus", str(world.old_corpus), "--out", str(out))
    assert subprocess.run(command, capture_output=True, text=True).stderr == ""
    assert snapshot(out) == world.old
    assert leftovers(out, world.old.store) == []  # the removers are done


def test_a_background_removal_removes_every_file_it_is_given(tmp_path: Path) -> None:
    files = [tmp_path / name for name in ("a b.tmp", "-f", "ü.tmp")]
    for path in files:
        path.write_bytes(b"x" * 1000)
    kept = tmp_path / "kept"
    kept.write_bytes(b"y")
    remove_in_background([*files, tmp_path / "never-there"])
    deadline = time.monotonic() + 60
    while any(path.exists() for path in files):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]


# --- two builds at once -------------------------------------------------------------------


def test_a_concurrent_build_is_refused_while_the_first_completes(
    world: World, tmp_path: Path
) -> None:
    out = previous_output(world, tmp_path)
    first, master = start_on_terminal(world.new_corpus, out)
    try:
        wait_for_line(master, "reading 052_scm_2020.txt")  # the first build holds the lock
        first.send_signal(signal.SIGSTOP)
        try:
            command = scmgraph("build", "--corpus", str(world.old_corpus), "--out", str(out))
            second = subprocess.run(command, capture_output=True, text=True, timeout=120)
        finally:
            first.send_signal(signal.SIGCONT)
        assert second.returncode == 1
        assert second.stdout == ""
        assert second.stderr == (
            f"error: {out}: another scmgraph build is running (lock {out / '.lock'} is held)\n"
        )
        while True:  # keep reading the terminal so that the first build never blocks on it
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    os.read(master, 4096)
                except OSError:
                    break
            if first.poll() is not None:
                break
        assert first.wait(timeout=120) == 0
    finally:
        os.close(master)
    assert snapshot(out) == world.new
    assert leftovers(out, world.new.store) == []


# --- the build's worker processes ---------------------------------------------------------


def state_and_parent(stat: Path) -> tuple[str, int] | None:
    """A process's state letter and parent pid, from its /proc stat file (None once gone)."""
    try:
        state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
    except (OSError, ValueError):
        return None
    return state, int(parent)


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        seen = state_and_parent(stat)
        if seen is not None and seen[1] == pid and seen[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    seen = state_and_parent(Path(f"/proc/{pid}/stat"))
    return seen is not None and seen[0] != "Z"


def test_a_killed_build_leaves_no_worker_running(tmp_path: Path) -> None:
    """Its workers die with it: none goes on computing or writing into the output folder."""
    command = scmgraph(
        "build", "-q", "--jobs", "2", "--corpus", str(CORPUS), "--out", str(tmp_path)
    )
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(workers := children(process.pid)) < 2:  # one per communiqué, with --jobs 2
        assert process.poll() is None, "the build ended before its workers started"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert kill(process)
    deadline = time.monotonic() + 30
    while alive := [pid for pid in workers if running(pid)]:
        assert time.monotonic() < deadline, f"workers {alive} outlive the killed build"
        time.sleep(0.05)


def test_a_worker_forked_as_its_build_died_leaves_at_once() -> None:
    """A worker whose build died before the worker asked to die with it finds its parent
    gone, and leaves; one whose build lives goes on."""
    from scmgraph.build.pool import _die_with_parent

    codes = []
    for parent in (os.getpid(), os.getpid() + 1):  # its own parent, then another process
        pid = os.fork()
        if pid == 0:  # the worker
            _die_with_parent(parent)
            os._exit(0)
        codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    assert codes == [0, 1]
