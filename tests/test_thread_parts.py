"""The thread links of a build's pairs are validated several pairs at a time: the
verdicts are those of each pair checked alone."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from builds import Counting
from scmgraph.build.thread_parts import (
    PAIRS_PER_CHECK,
    check_batches,
    link_lines,
    series_pairs,
    verdicts,
)
from scmgraph.build.units import UnitCache, UnitContext, compute_unit, env_digest
from scmgraph.registry.load import load_registry

ROOT = Path(__file__).resolve().parents[1]
SCM = b"https://w3id.org/scmgraph/ontology#"


@pytest.fixture(scope="module")
def context() -> UnitContext:
    registry = load_registry()
    return UnitContext(registry, env_digest(registry))


def pair_lines(paths: list[Path], context: UnitContext, cache: UnitCache) -> list[bytes]:
    """The thread links of two consecutive communiqués, as N-Triples lines."""
    units = []
    for path in paths:
        summary, files = compute_unit(path, path.stem, context, None, check=False)
        cache.put(summary, files)
        units.append(summary)
    ((previous, current),) = series_pairs(units)
    names = {e.key: e.name for u in units for e in u.facts.entities}
    kinds = {e.key: e.type for u in units for e in u.facts.entities}
    count, lines = link_lines(("pair", previous, current, names, kinds), context, cache)
    assert count > 20 and lines
    return lines


@pytest.fixture(scope="module")
def pairs(context: UnitContext, tmp_path_factory: pytest.TempPathFactory) -> list[list[bytes]]:
    """Two pairs that share no communiqué: the given one and one of the devset."""
    cache = UnitCache(tmp_path_factory.mktemp("cache"))
    given = sorted((ROOT / "data" / "communiques").glob("*.txt"))
    devset = sorted((ROOT / "tests" / "fixtures" / "devset").glob("05[67]_*"))
    return [pair_lines(given, context, cache), pair_lines(devset, context, cache)]


def test_pairs_apart_that_conform_are_checked_once(context: UnitContext, pairs) -> None:
    counting = Counting(context.validator)
    assert verdicts([pairs[0], [], pairs[1]], counting) == [(True, ())] * 3  # type: ignore[arg-type]
    assert counting.checks == 1


def test_pairs_that_fail_together_are_checked_alone_for_their_own_violations(
    context: UnitContext, pairs
) -> None:
    kind = b"<" + SCM + b"threadKind>"
    broken = [line for line in pairs[1] if kind not in line]  # every link needs its kind
    alone = context.validator.check_lines(b"".join(broken))
    assert not alone[0] and alone[1]
    counting = Counting(context.validator)
    found = verdicts([pairs[0], broken], counting)  # type: ignore[arg-type]
    assert found == [(True, ()), (False, tuple(alone[1]))]
    assert {v.path for v in found[1][1]} == {"scm:threadKind"}
    assert counting.checks == 3  # together, then each alone


def test_pairs_that_share_a_node_are_checked_alone(context: UnitContext, pairs) -> None:
    # a statement of the second pair carried forward from a node the first describes
    node = pairs[0][0].split(b" ", 1)[0]
    subject = pairs[1][0].split(b" ", 1)[0]
    named = sorted([*pairs[1], subject + b" <" + SCM + b"carriesForward> " + node + b" .\n"])
    counting = Counting(context.validator)
    assert verdicts([pairs[0], named], counting) == [(True, ())] * 2  # type: ignore[arg-type]
    assert counting.checks == 2


def test_pairs_are_batched_evenly_and_apart_from_their_neighbours() -> None:
    for count, workers in [(19, 2), (199, 2), (2, 1), (9, 1), (3, 2), (8, 1)]:
        chain = list(range(100, 100 + count))  # indices of the pairs, in series order
        batches = check_batches(chain, workers)
        assert sorted(t for batch in batches for t in batch) == chain
        sizes = [len(batch) for batch in batches]
        assert max(sizes) <= PAIRS_PER_CHECK and max(sizes) - min(sizes) <= 1
        assert len(batches) % workers == 0 or len(batches) == count
        for batch in batches:  # no two neighbours in a batch
            assert all(b - a > 1 for a, b in itertools.pairwise(batch))
    assert check_batches(list(range(19)), 2) == [
        [0, 4, 8, 12, 16],
        [1, 5, 9, 13, 17],
        [2, 6, 10, 14, 18],
        [3, 7, 11, 15],
    ]
    assert check_batches([], 2) == [] and check_batches([7], 2) == [[7]]
