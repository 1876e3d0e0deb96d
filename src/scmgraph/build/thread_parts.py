"""Thread links of a build, one cached part per pair of consecutive communiqués.

``threads.link_series`` links each communiqué to the previous one of its series;
what it finds for one pair depends on the two communiqués only (and on the
names and types of the entities they mention), so each pair is linked,
converted and validated once and cached under a key of exactly that. The
shapes check a thread link by its own triples ("links check their ends by node
kind"), so a pair's part validates on its own. Like a unit's graph, a part names
the build of its own inputs (the two communiqués), so an unchanged pair's part is
the same in every build.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass
from pathlib import Path

from scmgraph.atomic import write_atomic
from scmgraph.build.blocks import graph_quads
from scmgraph.build.nodes import inner_blocks
from scmgraph.build.pool import Workers, worker_context
from scmgraph.build.turtle_blocks import subject_blocks
from scmgraph.build.units import UnitCache, UnitContext, UnitSummary, objects_of
from scmgraph.extract.threads import link
from scmgraph.rdf.links import _thread
from scmgraph.rdf.shacl_turbo import TurboValidator
from scmgraph.rdf.sink import TripleSet, canonical_lines
from scmgraph.rdf.terms import LINKS_GRAPH


@dataclass(frozen=True)
class PairSummary:
    """A cached pair: the links found and whether their triples pass the shapes."""

    key: str
    links: int
    triples: int
    conforms: bool
    violations: tuple


def series_pairs(units: list[UnitSummary]) -> list[tuple[UnitSummary, UnitSummary]]:
    """(previous, current) as ``link_series`` pairs them: same series, ordinal minus one."""
    by_meeting = {
        (u.facts.meeting.series, u.facts.meeting.ordinal): u
        for u in units
        if u.facts.meeting.ordinal is not None
    }
    pairs = []
    for (series, ordinal), unit in sorted(by_meeting.items(), key=lambda item: str(item[0])):
        previous = by_meeting.get((series, ordinal - 1))  # type: ignore[operator]
        if previous is not None:
            pairs.append((previous, unit))
    return pairs


# Pairs a pool worker must have at least before the pool is given them (a pair costs
# a tenth of a unit); fewer, as a rebuild's one or two, are computed here.
PAIRS_PER_WORKER = 10
# Pairs validated together at most (``verdicts``): one check costs some 6 ms whatever
# its size, for the registries and ontology it checks again, a pair's own 7 ms.
PAIRS_PER_CHECK = 8
# A pair to compute: its key, its two units, and its entities' names and types.
PairTask = tuple[str, UnitSummary, UnitSummary, dict[str, str], dict[str, str]]


def thread_parts(
    units: list[UnitSummary], context: UnitContext, cache: UnitCache, workers: Workers
) -> list[PairSummary]:
    """The thread-link part of every pair, from the cache or computed (on the
    workers' pool if it is worth it), in pairing order."""
    names = {e.key: e.name for u in units for e in u.facts.entities}
    ordered = sorted(units, key=lambda u: u.name)
    kinds = {e.key: e.type for u in ordered for e in u.facts.entities}
    parts: list[PairSummary | None] = []
    todo: list[tuple[int, PairTask]] = []
    for previous, current in series_pairs(units):
        own = sorted({e.key for u in (previous, current) for e in u.facts.entities})
        payload = [
            previous.key,
            current.key,
            previous.slug,
            current.slug,
            [(k, names.get(k), kinds.get(k)) for k in own],
        ]
        digest = hashlib.sha256(json.dumps(payload).encode("utf-8")).hexdigest()[:32]
        key = f"thread-{digest}"
        found = cache.load(key)
        if not isinstance(found, PairSummary) or not cache.path(key, "nt").is_file():
            their_names = {k: names[k] for k in own if k in names}
            their_kinds = {k: kinds[k] for k in own if k in kinds}
            todo.append((len(parts), (key, previous, current, their_names, their_kinds)))
            found = None
        parts.append(found)
    pool = workers.pool_for(len(todo), PAIRS_PER_WORKER)
    chain = sorted(range(len(todo)), key=lambda i: _place(todo[i][1]))
    groups = check_batches(chain, workers.size() if pool is not None else 1)
    batches = [[todo[i][1] for i in group] for group in groups]
    if pool is None:
        done = [_compute(batch, context, cache) for batch in batches]
    else:
        done = list(pool.map(_work, batches, [cache.folder] * len(batches)))
    for group, summaries in zip(groups, done, strict=True):
        for i, summary in zip(group, summaries, strict=True):
            parts[todo[i][0]] = summary
    return parts  # type: ignore[return-value]


def _place(task: PairTask) -> tuple[str, int]:
    """Where a pair is in its series."""
    meeting = task[2].facts.meeting
    return meeting.series or "", meeting.ordinal or 0


def check_batches(chain: list[int], workers: int) -> list[list[int]]:
    """The pairs (``chain``: their indices, in series order) in batches of at most
    ``PAIRS_PER_CHECK`` and as even as can be, as many as a multiple of ``workers`` (so
    that the workers end together). A batch takes every so many pairs of the chain:
    consecutive pairs share a communiqué, whose statements one pair's links describe
    and the next one's name, so they could not be validated together (``verdicts``)."""
    if len(chain) < 2:
        return [chain] if chain else []
    count = max(2, -(-len(chain) // PAIRS_PER_CHECK))
    count = min(len(chain), -(-count // workers) * workers)
    return [chain[first::count] for first in range(count)]


def _work(tasks: list[PairTask], cache_folder: Path) -> list[PairSummary]:
    return _compute(tasks, worker_context(), UnitCache(cache_folder))


def _compute(tasks: list[PairTask], context: UnitContext, cache: UnitCache) -> list[PairSummary]:
    """Link, convert, validate (together, ``verdicts``) and cache each pair."""
    found = [link_lines(task, context, cache) for task in tasks]
    checked = verdicts([lines for _, lines in found], context.validator)
    return [
        _cache(key, links, lines, verdict, cache)
        for (key, *_), (links, lines), verdict in zip(tasks, found, checked, strict=True)
    ]


def verdicts(parts: list[list[bytes]], validator: TurboValidator) -> list[tuple[bool, tuple]]:
    """The verdict (conforms, violations) of the shapes on each part's N-Triples lines.

    Parts none of whose nodes another part describes or names are checked together:
    the shapes then read each node's triples within its own part (and the registries
    and ontology), so the parts conform together exactly when each does alone. Only
    parts that fail together are checked one by one, to tell whose violations they are.
    """
    found: list[tuple[bool, tuple]] = [(True, ())] * len(parts)
    full = [i for i, lines in enumerate(parts) if lines]
    if len(full) > 1 and _apart([parts[i] for i in full]):
        conforms, violations = validator.check_lines(b"".join(b"".join(parts[i]) for i in full))
        if conforms and not violations:
            return found
    for i in full:
        conforms, violations = validator.check_lines(b"".join(parts[i]))
        found[i] = (conforms, tuple(violations))
    return found


def _apart(parts: list[list[bytes]]) -> bool:
    """Whether no node is described in one part and described or named in another."""
    owner: dict[bytes, int] = {}
    for i, lines in enumerate(parts):
        for line in lines:
            if owner.setdefault(line[: line.index(b" ")], i) != i:
                return False
    for i, lines in enumerate(parts):
        for line in lines:
            if owner.get(line.split(b" ", 2)[2][:-3], i) != i:
                return False
    return True


def link_lines(task: PairTask, context: UnitContext, cache: UnitCache) -> tuple[int, list[bytes]]:
    """The number of thread links of a pair and their N-Triples lines, sorted (the
    units' statements and paragraphs read from ``cache``)."""
    _, previous, current, names, kinds = task
    links = link(cache.facts(previous), cache.facts(current), context.lexicons, names)
    sink = TripleSet()
    slugs = {previous.name: previous.slug, current.name: current.slug}
    build = context.build_of(previous.facts.document.source, current.facts.document.source)
    for found in links:
        _thread(sink, found, slugs, kinds, build)  # type: ignore[arg-type]
    return len(links), canonical_lines(sink)


def _cache(
    key: str, links: int, lines: list[bytes], verdict: tuple[bool, tuple], cache: UnitCache
) -> PairSummary:
    """Write a pair's files and summary into the cache."""
    summary = PairSummary(key, links, len(lines), *verdict)
    cache.folder.mkdir(parents=True, exist_ok=True)
    write_atomic(cache.path(key, "nt"), b"".join(lines))
    write_atomic(cache.path(key, "objects"), b"".join(objects_of(lines)))
    quads = graph_quads(lines, str(LINKS_GRAPH)) if lines else []
    turtle, index = subject_blocks(lines, [quad.triple for quad in quads])
    write_atomic(cache.path(key, "ttl"), turtle)
    write_atomic(cache.path(key, "subjects"), pickle.dumps(index, protocol=5))
    if lines:
        trig, jsonld = inner_blocks(quads, str(LINKS_GRAPH))
        write_atomic(cache.path(key, "nodes.trig"), trig)
        write_atomic(cache.path(key, "nodes.jsonld"), jsonld)
    cache.save(key, summary)
    return summary
