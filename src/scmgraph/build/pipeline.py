"""The pipeline from communiqué files to an RDF dataset, shared by ``build`` and
``statements``: the statements view is always derived from the graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset

from scmgraph.build.inputs import Progress, build_info, collect_inputs, quiet, read_corpus
from scmgraph.errors import InputError
from scmgraph.extract.reading import raise_together, read_each
from scmgraph.model import Facts
from scmgraph.registry.load import Registry, load_registry

if TYPE_CHECKING:
    from scmgraph.build.pool import Verdicts, Workers
    from scmgraph.build.units import UnitCache, UnitContext, UnitSummary


def dataset_for_files(
    paths: list[Path], registry: Registry, progress: Progress = quiet, warn: Progress = quiet
) -> tuple[Dataset, list[Facts]]:
    """Read, extract and convert communiqué files into one dataset."""
    all_facts = read_corpus(paths, registry, progress, warn)
    return dataset_for_facts(all_facts, registry, progress), all_facts


def dataset_for_facts(
    all_facts: list[Facts], registry: Registry, progress: Progress = quiet
) -> Dataset:
    """Link threads between the communiqués read and convert them into one dataset."""
    from scmgraph.extract.threads import link_series
    from scmgraph.rdf.convert import build_dataset

    progress("linking threads")
    threads = link_series(all_facts)
    progress("converting to RDF")
    info = build_info(all_facts, registry)
    return build_dataset(all_facts, registry, info, threads=threads)


def statements_for_files(
    inputs: list[Path],
    out_dir: Path,
    *,
    registry: Registry | None = None,
    warn: Progress = quiet,
    failed: Callable[[InputError], None] | None = None,
) -> list[Path]:
    """The statements view of each readable input, written to ``out_dir/<stem>.json``.

    Each file stands on its own: one that cannot be read is handed to ``failed``
    while the others are still written. Without ``failed``, the errors of all bad
    files are raised together once the readable ones are written.
    """
    from scmgraph.views.statements import write_views

    registry = registry or load_registry()
    paths: list[Path] = []
    errors: list[InputError] = []
    for item in inputs:
        try:
            paths.extend(collect_inputs([item]))
        except InputError as error:
            errors.append(error)
    all_facts, unreadable = read_each(paths, registry, warn=warn)
    errors.extend(unreadable)
    written = write_views(dataset_for_facts(all_facts, registry), out_dir) if all_facts else []
    if failed is None:
        raise_together(errors)
    for error in errors:
        failed(error)
    return written


def collect_units(
    paths: list[Path],
    context: UnitContext,
    cache: UnitCache,
    workers: Workers,
    *,
    progress: Progress = quiet,
    warn: Progress = quiet,
    computed: Progress = quiet,
    verdicts: Verdicts | None = None,
) -> list[UnitSummary]:
    """The unit of every file, from the cache or computed (``computed`` hears of each).

    Two files reporting one meeting keep their own slugs: their units are redone
    with the slug the corpus gives them (and cached under it). With ``verdicts``,
    a unit may come before its verdict (``Verdicts.settle`` gives it).
    """
    from scmgraph.build.pool import Task, start_units
    from scmgraph.build.units import unit_key
    from scmgraph.rdf.terms import communique_slugs
    from scmgraph.read.sources import FolderRecords

    records = FolderRecords()  # where each file was taken from (the corpus's sources.yaml)

    def started(path: Path) -> None:
        progress(f"reading {path.name}")
        computed(path.name)

    def resolve(tasks: list[tuple[Path, str | None]]) -> list[UnitSummary]:
        keyed: list[Task] = []
        for path, slug in tasks:
            origin = records.origin(path)
            keyed.append((path, slug, unit_key(path, context.env, slug, origin), origin))
        missing = [task for task in keyed if not cache.has(task[2])]
        computing = start_units(missing, context, cache, workers, started, verdicts)
        # the cached summaries are read while the missing units are computed
        cached = {task[2] for task in keyed} - {task[2] for task in missing}
        found = {key: cache.get(key) for key in cached}
        for summary in computing():
            found[summary.key] = summary
        unreadable = [task for task in keyed if found.get(task[2]) is None]
        for summary in start_units(unreadable, context, cache, workers, started)():
            found[summary.key] = summary
        return [found[task[2]] for task in keyed]  # type: ignore[misc]

    units = resolve([(path, None) for path in paths])
    slugs = communique_slugs([u.facts for u in units])
    redo = [i for i, u in enumerate(units) if slugs[u.name] != u.slug]
    again = resolve([(paths[i], slugs[units[i].name]) for i in redo])
    for i, unit in zip(redo, again, strict=True):
        units[i] = unit
    for unit in units:
        for warning in unit.warnings:
            warn(warning)
    return units
