"""The pipeline from communiqué files to an RDF dataset, shared by ``build`` and
``statements``: the statements view is always derived from the graph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset

from scmgraph import __version__
from scmgraph.build import Progress, _quiet, collect_inputs, read_corpus
from scmgraph.model import Facts
from scmgraph.registry import Registry, load_registry

if TYPE_CHECKING:
    from scmgraph.to_rdf import BuildInfo


def dataset_for_files(
    paths: list[Path], registry: Registry, progress: Progress = _quiet, warn: Progress = _quiet
) -> tuple[Dataset, list[Facts]]:
    """Read, extract and convert communiqué files into one dataset."""
    from scmgraph.threads import link_series
    from scmgraph.to_rdf import build_dataset

    all_facts = read_corpus(paths, registry, progress, warn)
    progress("linking threads")
    threads = link_series(all_facts)
    progress("converting to RDF")
    info = build_info(all_facts, registry)
    return build_dataset(all_facts, registry, info, threads=threads), all_facts


def build_info(all_facts: list[Facts], registry: Registry) -> BuildInfo:
    """What a build over ``all_facts`` read: tool version, input and registry checksums."""
    from scmgraph.to_rdf import BuildInfo

    return BuildInfo.from_inputs(__version__, [f.document.source for f in all_facts], registry)


def statements_for_files(
    inputs: list[Path], out_dir: Path, *, registry: Registry | None = None, warn: Progress = _quiet
) -> list[Path]:
    """The statements view of each input, written to ``out_dir/<stem>.json``."""
    from scmgraph.view import write_views

    registry = registry or load_registry()
    dataset, _ = dataset_for_files(collect_inputs(inputs), registry, warn=warn)
    return write_views(dataset, out_dir)
