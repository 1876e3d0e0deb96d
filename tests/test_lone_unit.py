"""A rebuild after one file changed: its lone unit is computed on a worker beside the
build, handed on before its verdict, and validated there while the build goes on.
Units computed on several workers are handed on before their verdicts too, which the
workers reach last.

With one core there is no worker, and the unit is computed and validated in-process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scmgraph.build.pool import Verdicts, Workers, _start_method, start_units
from scmgraph.build.units import _UNIT_FILES as UNIT_FILES
from scmgraph.build.units import UnitCache, UnitContext, compute_unit, env_digest
from scmgraph.rdf.shacl_turbo import TurboValidator
from scmgraph.rdf.validate import DATA_SHAPES
from scmgraph.registry.load import load_registry

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
SHAPES = ROOT / "shapes"
SCM = "https://w3id.org/scmgraph/ontology#"
CORES = os.cpu_count() or 1


@pytest.fixture
def context(tmp_path: Path) -> UnitContext:
    registry = load_registry()
    cache = UnitCache(tmp_path / "cache")
    return UnitContext(registry, env_digest(registry), inherited=(), cache=cache)


@pytest.fixture
def cache(context: UnitContext) -> UnitCache:
    assert context.cache is not None
    return context.cache


def _strict_validator(context: UnitContext, tmp_path: Path) -> TurboValidator:
    """Stricter shapes than the project's: every statement must have a property no graph
    has. The validator travels with the context, to a worker however started."""
    strict = tmp_path / "shapes"
    shutil.copytree(SHAPES, strict)
    (strict / DATA_SHAPES).write_text(
        (SHAPES / DATA_SHAPES).read_text(encoding="utf-8")
        + f"""
<urn:test:strict> a <http://www.w3.org/ns/shacl#NodeShape> ;
  <http://www.w3.org/ns/shacl#targetClass> <{SCM}Statement> ;
  <http://www.w3.org/ns/shacl#property> [
    <http://www.w3.org/ns/shacl#path> <urn:test:absent> ;
    <http://www.w3.org/ns/shacl#minCount> 1 ] .
""",
        encoding="utf-8",
    )
    lines = {line for graph in context.env_graphs().values() for line in graph}
    return TurboValidator(context.registry, shapes_dir=strict, context=b"".join(sorted(lines)))


def test_a_lone_unit_computed_on_a_worker_is_validated_and_cached_as_in_process(
    context: UnitContext, cache: UnitCache
) -> None:
    # Without ``verdicts`` its graph is validated by the build's own validator.
    path = sorted(CORPUS.glob("*.txt"))[0]
    with Workers(context, None) as workers:
        found = list(start_units([(path, None, "lone", None)], context, cache, workers, print)())
        assert (workers.started() is not None) == (CORES > 1)
    expected, files = compute_unit(path, "lone", context, None)
    assert expected.conforms and expected.violations == ()
    assert found == [expected]
    assert cache.get("lone") == expected
    assert cache.path("lone", "nt").read_bytes() == files["nt"]


def test_a_lone_unit_handed_on_before_its_verdict_is_cached_only_once_settled(
    context: UnitContext, cache: UnitCache
) -> None:
    path = sorted(CORPUS.glob("*.txt"))[1]
    verdicts = Verdicts(cache)
    with Workers(context, None) as workers:
        found = list(
            start_units([(path, None, "lone", None)], context, cache, workers, print, verdicts)()
        )
        expected, files = compute_unit(path, "lone", context, None)
        assert [u.facts for u in found] == [expected.facts]
        assert cache.path("lone", "nt").read_bytes() == files["nt"]
        if CORES > 1:  # on the worker: the files are there, the summary is not yet
            assert not found[0].conforms
            assert not cache.has("lone")
        # The files made of its triples alone come from its worker, once written.
        verdicts.written()
        assert set(files) == {*UNIT_FILES}
        for suffix, data in files.items():
            written = cache.path("lone", suffix).read_bytes()
            if suffix == "subjects":  # a pickle: its bytes depend on shared objects
                assert pickle.loads(written) == pickle.loads(data)
            else:
                assert written == data, suffix
        assert verdicts.settle(found) == [expected]
    assert expected.conforms
    assert cache.get("lone") == expected


def test_a_lone_unit_that_fails_the_shapes_on_its_worker_is_settled_with_its_violations(
    context: UnitContext, cache: UnitCache, tmp_path: Path
) -> None:
    context._validator = _strict_validator(context, tmp_path)
    path = sorted(CORPUS.glob("*.txt"))[0]
    verdicts = Verdicts(cache)
    with Workers(context, None) as workers:
        found = list(
            start_units([(path, None, "lone", None)], context, cache, workers, print, verdicts)()
        )
        settled = verdicts.settle(found)
    expected, _ = compute_unit(path, "lone", context, None)
    assert not expected.conforms
    assert {v.path for v in expected.violations} == {"urn:test:absent"}
    assert settled == [expected]
    assert cache.get("lone") == expected


@pytest.mark.skipif(CORES < 2, reason="no worker on one core")
@pytest.mark.parametrize("strict", [False, True])
def test_units_on_several_workers_are_validated_last_and_cached_once_settled(
    context: UnitContext, cache: UnitCache, tmp_path: Path, strict: bool
) -> None:
    if strict:
        context._validator = _strict_validator(context, tmp_path)
    paths = sorted(CORPUS.glob("*.txt"))
    tasks = [(path, None, f"unit{n}", None) for n, path in enumerate(paths)]
    verdicts = Verdicts(cache)
    with Workers(context, 2) as workers:
        found = list(start_units(tasks, context, cache, workers, print, verdicts)())
        assert workers.size() == 2
        # Computed and cached, but not validated: no summary vouches for the files yet.
        assert [u.conforms for u in found] == [False, False]
        assert not any(cache.has(u.key) for u in found)
        computed = [compute_unit(p, key, context, None) for p, _, key, _ in tasks]
        expected = [summary for summary, _ in computed]
        assert [u.facts for u in found] == [u.facts for u in expected]
        for unit, (_, files) in zip(found, computed, strict=True):
            assert cache.path(unit.key, "nt").read_bytes() == files["nt"]
        settled = verdicts.settle(found)
    assert settled == expected
    assert [u.conforms for u in settled] == [not strict, not strict]
    if strict:
        assert {v.path for u in settled for v in u.violations} == {"urn:test:absent"}
    assert [cache.get(u.key) for u in found] == expected


@pytest.mark.skipif(CORES < 2, reason="no worker on one core")
def test_a_forked_pool_keeps_this_process_s_objects_from_the_collector_while_it_lives(
    context: UnitContext,
) -> None:
    # A collection writes to every object it visits, which would copy the pages a
    # forked worker shares with this process; a library caller's collector is left
    # as it was once the pool is gone.
    before = gc.get_freeze_count()
    with Workers(context, None) as workers:
        pool = workers.pool_for(2, 1)
        assert pool is not None
        if _start_method() == "fork":
            assert gc.get_freeze_count() > before
        assert pool.submit(os.getpid).result() != os.getpid()
    assert gc.get_freeze_count() == before


_ONE_FILE_WORKER = """
import os, sys
from pathlib import Path
import scmgraph.extract.document as document
from scmgraph.build.pool import Workers, _start_method
from scmgraph.build.units import UnitCache, UnitContext, env_digest
from scmgraph.registry.load import load_registry

def refuse(*args):
    raise SystemExit("extraction patterns made for a worker that writes a file")

document.prepare = refuse
registry = load_registry()
cache = UnitCache(Path(sys.argv[1]))
context = UnitContext(registry, env_digest(registry), inherited=(), cache=cache)
method = _start_method()
with Workers(context, None) as workers:
    pool = workers.pool_for(1, 1, beside=True, units=False)
    print(method, "thread" if pool is None else pool.submit(os.getpid).result() != os.getpid())
"""


def test_a_worker_for_one_file_is_forked_without_the_extraction_patterns(tmp_path: Path) -> None:
    """A build with no unit to compute starts a worker for its Turtle file: forked from a
    fresh command (single-threaded), with nothing made for units first."""
    done = subprocess.run(
        [sys.executable, "-c", _ONE_FILE_WORKER, str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        check=True,
    )
    method, where = done.stdout.split()
    expected = "True" if method == "fork" and CORES > 1 else "thread"
    assert where == expected, done.stdout
    if "fork" in multiprocessing.get_all_start_methods() and CORES > 1:
        assert method == "fork"


def test_a_worker_for_one_file_is_not_started_from_a_fresh_interpreter(
    context: UnitContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where this process cannot fork (other threads run), one file is written here:
    a worker started afresh would import and prepare more than the file costs."""
    monkeypatch.setattr("scmgraph.build.pool._start_method", lambda: "forkserver")
    with Workers(context, None) as workers:
        assert workers.pool_for(1, 1, beside=True, units=False) is None
        assert workers.started() is None
