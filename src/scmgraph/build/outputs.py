"""The parts of a build that span communiqués, and the files a build publishes.

The cross-document graphs (threads and entities in the links graph, the build's
provenance, the registries, the ontology) are made from the units' small
summaries; the communiqués' own graphs stay in the cache and are streamed into
the published files (``scmgraph.build.assemble``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import URIRef

from scmgraph.atomic import stage, stage_stream, sync
from scmgraph.build.assemble import (
    GraphPart,
    distinct_objects,
    every_block,
    memory_part,
    union_inputs,
    union_stats,
    unit_part,
    write_jsonld,
    write_nquads,
    write_trig,
)
from scmgraph.build.copying import Extents, Previous, growing_digest
from scmgraph.build.folder import DESCRIPTION_FILE, OUTPUTS
from scmgraph.build.inputs import Progress, build_info, quiet
from scmgraph.build.thread_parts import PairSummary, series_pairs
from scmgraph.build.turtle import stage_turtle
from scmgraph.build.turtle_blocks import Tally
from scmgraph.build.units import UnitCache, UnitContext, UnitSummary, ontology_verdict
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.describe import DCAT, SPDX, VOID, describe_stats
from scmgraph.rdf.serialize import jsonld_context
from scmgraph.rdf.sink import TripleSet, canonical_lines
from scmgraph.rdf.terms import (
    LINKS_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
    communique_graph_iri,
)
from scmgraph.rdf.validate import ValidationResult, Violation, short

Lines = dict[URIRef, list[bytes]]  # named graph -> its sorted N-Triples lines


def cross_document_graphs(
    units: list[UnitSummary],
    pairs: list[PairSummary],
    context: UnitContext,
    cache: UnitCache,
    progress: Progress = quiet,
) -> tuple[Lines, BuildInfo, set[str]]:
    """Links, provenance, registries and ontology, from the units' summaries.

    The thread links come in one cached part per pair of communiqués
    (``thread_parts``); the rest of the links graph (entities, who held which post)
    and the provenance graph are made whole, and cached under the keys of all
    units; the registries and the ontology under the environment's
    (``UnitContext.env_graphs``). Also returns the cache keys used.
    """
    from scmgraph.rdf.links import links_graph, provenance_graph

    registry = context.registry
    facts = [u.facts for u in units]
    progress("converting to RDF")
    info = build_info(facts, registry)
    fixed_key, fixed = context.env_key, context.env_graphs()
    names = json.dumps([context.env, [u.key for u in units]]).encode("utf-8")
    cross_key = f"cross-{hashlib.sha256(names).hexdigest()[:32]}"
    cross = cache.load(cross_key)
    if not isinstance(cross, dict):
        graphs = {
            LINKS_GRAPH: links_graph(facts, registry, info, (), sink=TripleSet()),
            PROVENANCE_GRAPH: provenance_graph(info, _linked_pairs(units, pairs), sink=TripleSet()),
        }
        cross = {str(iri): canonical_lines(g) for iri, g in graphs.items() if len(g)}
        cache.save(cross_key, cross)
    lines = {URIRef(iri): found for iri, found in {**fixed, **cross}.items()}
    return lines, info, {fixed_key, cross_key}


def _linked_pairs(units: list[UnitSummary], pairs: list[PairSummary]) -> list[tuple[str, str]]:
    """The file names of each pair that has thread links, whose build they name."""
    from scmgraph.rdf.links import file_names

    files = file_names([u.facts for u in units])
    return [
        (files[previous.name], files[current.name])
        for (previous, current), part in zip(series_pairs(units), pairs, strict=True)
        if part.triples
    ]


def validate_build(
    units: list[UnitSummary | PairSummary],
    graphs: Lines,
    context: UnitContext,
    cache: UnitCache,
    keep: set[str],
    build: bytes,
) -> ValidationResult:
    """Each unit was validated on its own; add the shared graphs and the ontology.

    The registries and the ontology go with every graph validated; the links and
    the provenance graphs are validated each on its own, as the communiqués' are.
    The ontology's verdict depends on the environment only, each shared graph's on
    its triples: all are cached (their keys added to ``keep``). ``build``: the whole
    build's IRI (N-Triples), which the links graph names (``neutral_verdict``).
    """
    key, cached = ontology_verdict(context, cache)
    keep.add(key)
    conforms, violations = cached[0], list(cached[1])
    for iri in (LINKS_GRAPH, PROVENANCE_GRAPH):
        if lines := graphs.get(iri):
            ok, found = neutral_verdict(b"".join(lines), build, context, cache, keep)
            conforms = conforms and ok
            violations.extend(found)
    for unit in units:
        conforms = conforms and unit.conforms
        violations.extend(unit.violations)
    return ValidationResult(conforms, tuple(sorted(set(violations))))


def neutral_verdict(
    ntriples: bytes, build: bytes, context: UnitContext, cache: UnitCache, keep: set[str]
) -> tuple[bool, list[Violation]]:
    """The shapes' verdict on a graph that names the whole ``build`` (cached).

    That IRI changes with every input, so the graph is validated with a fixed IRI
    of the same form in its place and the results renamed back: the shapes name
    neither, so they judge both alike, and a rebuild whose links to entities and
    posts are otherwise unchanged finds their verdict in the cache.
    """
    stand_in = _stand_in(build)
    neutral = ntriples.replace(build, stand_in)
    key = f"shared-{hashlib.sha256(neutral + context.env.encode()).hexdigest()[:32]}"
    verdict = cache.load(key)
    if not isinstance(verdict, tuple):
        verdict = context.validator.check_lines(neutral)
        cache.save(key, verdict)
    keep.add(key)
    ok, found = verdict
    old, new = (short(URIRef(term.decode()[1:-1])) for term in (stand_in, build))
    return ok, [_renamed(v, old, new) for v in found]


def _stand_in(build: bytes) -> bytes:
    """An IRI of the same form as ``build`` (N-Triples), its last segment all zeros."""
    head, _, digest = build[1:-1].rpartition(b"/")
    return b"<" + head + b"/" + b"0" * len(digest) + b">"


def _renamed(violation: Violation, old: str, new: str) -> Violation:
    return replace(
        violation,
        focus=violation.focus.replace(old, new),
        value=violation.value.replace(old, new),
        message=violation.message.replace(old, new),
    )


def graph_parts(
    units: list[UnitSummary],
    graphs: Lines,
    pairs: list[PairSummary],
    info: BuildInfo,
    cache: UnitCache,
    env: str,
) -> list[GraphPart]:
    """Every named graph of the build, or part of one, in the order they are written.
    The links graph's own part keeps its blocks in ``cache`` under the environment
    ``env`` (the pairs' parts come with theirs)."""
    parts: list[GraphPart] = [unit_part(cache, u, str(communique_graph_iri(u.slug))) for u in units]
    parts += [
        memory_part(str(iri), lines, (cache, env, info.term) if iri == LINKS_GRAPH else None)
        for iri, lines in graphs.items()
    ]
    parts += [unit_part(cache, p, str(LINKS_GRAPH)) for p in pairs if p.triples]
    return parts


def fingerprint(parts: list[GraphPart], context: UnitContext, info: BuildInfo) -> str:
    """Names every byte a build publishes: the graphs, the code and data, the writers."""
    payload = [
        context.env,
        ox.__version__,
        info.digest,
        sorted((p.iri, p.identity) for p in parts),
    ]
    return hashlib.sha256(json.dumps(payload).encode("utf-8")).hexdigest()


TurtleStaged = Future[tuple[Path, int, str, Tally, set[str]]]  # what stage_turtle returns


def start_turtle(
    parts: list[GraphPart],
    out_dir: Path,
    cache: UnitCache,
    pool: Executor,
    kept: tuple[str | None, str] | None = None,
    build: bytes = b"",
) -> TurtleStaged:
    """Begin staging the Turtle file on ``pool`` (the build's worker processes, idle by
    now, or a thread). It is mostly Python work, the longest of the files: a build
    starts it before it validates, so that the worker does not wait meanwhile.
    ``kept``: the cache keys of the blocks of shared subjects, the previous build's
    (if any) and this one's (``turtle_shared``); ``build``: the whole build's IRI
    (N-Triples)."""
    cached, others = union_inputs(parts)
    return pool.submit(stage_turtle, out_dir / "scmgraph.ttl", cached, others, cache, kept, build)


def discard_turtle(turtle_written: TurtleStaged) -> None:
    """Wait for the Turtle file being staged elsewhere, and remove it (the build failed)."""
    with contextlib.suppress(Exception):  # its own error, if any, is not the build's
        turtle_written.result()[0].unlink(missing_ok=True)


def stage_outputs(
    parts: list[GraphPart],
    info: BuildInfo,
    out_dir: Path,
    turtle_written: TurtleStaged,
    keep: set[str],
    nquads_staged: Callable[[Path, Callable[[], str], Extents], object] | None = None,
    previous: dict[str, Previous] | None = None,
) -> tuple[dict[Path, Path], int, str, dict[str, Extents]]:
    """Write every published file beside its place: (staged files, quads, the N-Quads
    file's checksum, where each graph is in the N-Quads, TriG and JSON-LD files, by
    file name).

    ``turtle_written``: the Turtle file, being staged (``start_turtle``); it is
    removed if the others fail. ``nquads_staged`` hears of the N-Quads file (staged
    path, what gives its checksum, computed beside the writing, and extents) as soon
    as it is written, before the others. The cache keys of the Turtle file's merged
    blocks are added to ``keep``. ``previous``: published files (by name) and their
    extents, whose unchanged graphs are copied. The checksum of each file is in the
    description written last.
    """
    staged: dict[Path, Path] = {}
    digests: dict[Path, tuple[int, str]] = {}
    hashing: dict[Path, Future[tuple[int, str]]] = {}
    extents: dict[str, Extents] = {}
    previous = previous or {}
    turtle = out_dir / "scmgraph.ttl"

    def add(name: str, write: Callable[[BinaryIO, Previous | None], Extents]) -> None:
        path = out_dir / name
        found: list[Extents] = []
        written = threading.Event()

        def opened(tmp: Path) -> None:
            hashing[path] = hasher.submit(growing_digest, tmp, written)

        try:
            staged[path] = stage_stream(
                path,
                lambda h: found.append(write(h, previous.get(name))),
                synced=False,
                opened=opened,
            )
        finally:
            written.set()
        extents[name] = found[0]
        syncing.append(disk.submit(sync, staged[path]))

    syncing: list[Future[None]] = []
    try:
        # The Turtle file is mostly Python (merging the subjects' blocks) and the others
        # mostly kernel copies and hashing, which leave the interpreter free: the Turtle
        # file is written beside them (by another process if there is one), and the
        # distinct objects are counted by a thread. Each file is hashed as it grows (not
        # read again once written) and flushed to disk beside the writing.
        with (
            ThreadPoolExecutor(max_workers=1) as side,
            ThreadPoolExecutor(max_workers=1) as hasher,
            ThreadPoolExecutor(max_workers=2) as disk,
        ):
            counted = side.submit(distinct_objects, parts)
            nquads = out_dir / "scmgraph.nq"
            add("scmgraph.nq", lambda h, was: write_nquads(parts, h, was))
            if nquads_staged is not None:
                digest = hashing[nquads]
                nquads_staged(staged[nquads], lambda: digest.result()[1], extents[nquads.name])
            blocks = every_block(parts)
            add("scmgraph.trig", lambda h, was: write_trig(blocks, h, was))
            context = jsonld_context()
            add("scmgraph.jsonld", lambda h, was: write_jsonld(blocks, h, context, was))
            objects = counted.result()
            tmp, size, checksum, tally, merged = turtle_written.result()
            staged[turtle], digests[turtle] = tmp, (size, checksum)
            syncing.append(disk.submit(sync, tmp))  # beside the description
            digests.update((path, done.result()) for path, done in hashing.items())
            keep |= merged
            files = {path.name: digests[path] for path in staged}
            void = describe_stats(union_stats(parts, tally, objects), info, files=files)
            prefixes = {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "spdx": str(SPDX)}
            data = ox.serialize(
                ox.parse(b"".join(canonical_lines(void)), format=ox.RdfFormat.N_TRIPLES),
                format=ox.RdfFormat.TURTLE,
                prefixes=prefixes,
            )
            staged[out_dir / DESCRIPTION_FILE] = stage(out_dir / DESCRIPTION_FILE, data)
            for done in syncing:
                done.result()
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        if turtle not in staged:
            discard_turtle(turtle_written)
        raise
    quads = sum(p.count for p in parts)
    # Published (renamed in) in this order: TriG first, the description last.
    ordered = {out_dir / name: staged[out_dir / name] for name in (*OUTPUTS, DESCRIPTION_FILE)}
    return ordered, quads, files["scmgraph.nq"][1], extents
