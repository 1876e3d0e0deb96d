"""The parts of a build that span communiqués, and the files a build publishes.

The cross-document graphs (threads and entities in the links graph, the build's
provenance, the registries, the ontology) are made from the units' small
summaries; the communiqués' own graphs stay in the cache and are streamed into
the published files (``scmgraph.build.assemble``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import URIRef

from scmgraph.atomic import stage, stage_stream
from scmgraph.build.assemble import (
    GraphPart,
    memory_part,
    unit_part,
    write_jsonld,
    write_nquads,
    write_trig,
    write_turtle,
    write_union,
)
from scmgraph.build.folder import DESCRIPTION_FILE, OUTPUTS
from scmgraph.build.inputs import Progress, build_info, quiet
from scmgraph.build.thread_parts import PairSummary, thread_parts
from scmgraph.build.units import UnitCache, UnitContext, UnitSummary
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.convert import _ontology_graph
from scmgraph.rdf.describe import DCAT, SPDX, VOID, describe_stats
from scmgraph.rdf.serialize import jsonld_context
from scmgraph.rdf.sink import TripleSet, canonical_lines
from scmgraph.rdf.terms import (
    LINKS_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
    communique_graph_iri,
    registry_graph_iri,
)
from scmgraph.rdf.validate import ValidationResult

Lines = dict[URIRef, list[bytes]]  # named graph -> its sorted N-Triples lines


def cross_document_graphs(
    units: list[UnitSummary], context: UnitContext, cache: UnitCache, progress: Progress = quiet
) -> tuple[Lines, list[PairSummary], BuildInfo]:
    """Links, provenance, registries and ontology, from the units' summaries.

    The thread links come in one cached part per pair of communiqués; the rest
    of the links graph (entities, who held which post) is made whole.
    """
    from scmgraph.rdf.links import links_graph, provenance_graph

    registry = context.registry
    facts = [u.facts for u in units]
    progress("linking threads")
    pairs = thread_parts(units, context, cache)
    progress("converting to RDF")
    info = build_info(facts, registry)
    graphs = {registry_graph_iri(name): g for name, g in context.registry_graphs().items()}
    graphs[LINKS_GRAPH] = links_graph(facts, registry, info, (), sink=TripleSet())
    graphs[PROVENANCE_GRAPH] = provenance_graph(info)
    graphs[ONTOLOGY_GRAPH] = _ontology_graph()
    lines = {iri: canonical_lines(g) for iri, g in graphs.items() if len(g)}
    return lines, pairs, info


def validate_build(
    units: list[UnitSummary | PairSummary],
    graphs: Lines,
    context: UnitContext,
    cache: UnitCache,
    keep: set[str],
) -> ValidationResult:
    """Each unit was validated on its own; add the shared graphs and the ontology.

    The registries and the ontology go with every graph validated; the links and
    provenance graphs are validated together. The ontology's verdict depends on
    the environment only, the shared graphs' on their triples: both are cached
    (their keys added to ``keep``).
    """
    validator = context.validator
    key = f"ontology-{context.env[:32]}"
    keep.add(key)
    cached = cache.load(key)
    if not isinstance(cached, tuple):
        cached = validator.check_ontology()
        cache.save(key, cached)
    conforms, violations = cached[0], list(cached[1])
    shared = b"".join(b"".join(graphs.get(iri, [])) for iri in (LINKS_GRAPH, PROVENANCE_GRAPH))
    key = f"shared-{hashlib.sha256(shared + context.env.encode()).hexdigest()[:32]}"
    verdict = cache.load(key)
    if not isinstance(verdict, tuple):
        verdict = validator.check_lines(shared)
        cache.save(key, verdict)
    keep.add(key)
    ok, found = verdict
    conforms = conforms and ok
    violations.extend(found)
    for unit in units:
        conforms = conforms and unit.conforms
        violations.extend(unit.violations)
    return ValidationResult(conforms, tuple(sorted(set(violations))))


def stage_outputs(
    units: list[UnitSummary],
    graphs: Lines,
    pairs: list[PairSummary],
    info: BuildInfo,
    cache: UnitCache,
    out_dir: Path,
) -> tuple[dict[Path, Path], int, str]:
    """Write every published file beside its place; (staged files, quads, N-Quads SHA-256)."""
    parts: list[GraphPart] = [
        unit_part(cache, u, str(communique_graph_iri(u.slug)), info.digest) for u in units
    ]
    parts += [memory_part(str(iri), lines) for iri, lines in graphs.items()]
    parts += [unit_part(cache, p, str(LINKS_GRAPH), info.digest) for p in pairs if p.triples]
    staged: dict[Path, Path] = {}
    try:
        nq = _stage(staged, out_dir / "scmgraph.nq", lambda h: write_nquads(parts, h))
        _stage(staged, out_dir / "scmgraph.trig", lambda h: write_trig(nq, h))
        context = jsonld_context()
        _stage(staged, out_dir / "scmgraph.jsonld", lambda h: write_jsonld(nq, h, context))
        fd, union_name = tempfile.mkstemp(prefix=".scmgraph.ttl.", suffix=".union.tmp", dir=out_dir)
        union = Path(union_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                stats = write_union(parts, handle)
            _stage(staged, out_dir / "scmgraph.ttl", lambda h: write_turtle(union, h))
        finally:
            union.unlink(missing_ok=True)
        files = {path.name: _size_and_digest(tmp) for path, tmp in staged.items()}
        void = describe_stats(stats, info, files=files)
        prefixes = {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "spdx": str(SPDX)}
        data = ox.serialize(
            ox.parse(b"".join(canonical_lines(void)), format=ox.RdfFormat.N_TRIPLES),
            format=ox.RdfFormat.TURTLE,
            prefixes=prefixes,
        )
        staged[out_dir / DESCRIPTION_FILE] = stage(out_dir / DESCRIPTION_FILE, data)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    quads = sum(p.count for p in parts)
    # Published (renamed in) in this order: TriG first, the description last.
    ordered = {out_dir / name: staged[out_dir / name] for name in (*OUTPUTS, DESCRIPTION_FILE)}
    return ordered, quads, files["scmgraph.nq"][1]


def _stage(staged: dict[Path, Path], path: Path, write: Callable[[BinaryIO], object]) -> Path:
    staged[path] = stage_stream(path, write)
    return staged[path]


def _size_and_digest(path: Path) -> tuple[int, str]:
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return path.stat().st_size, digest
