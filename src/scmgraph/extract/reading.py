"""Read communiqué files one by one, so that one bad file never hides another.

``scmgraph statements`` writes the view of every file it can read and names the
others; ``scmgraph build`` stays all-or-nothing but names every bad file in one run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scmgraph.errors import InputError, InputErrors
from scmgraph.extract.document import extract
from scmgraph.model import Facts
from scmgraph.read.reader import read_document
from scmgraph.read.sources import FolderRecords
from scmgraph.registry.load import Registry

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def read_each(
    paths: list[Path], registry: Registry, progress: Progress = _quiet, warn: Progress = _quiet
) -> tuple[list[Facts], list[InputError]]:
    """The facts of every readable file, and the error of every file that is not."""
    all_facts: list[Facts] = []
    errors: list[InputError] = []
    records = FolderRecords()  # each folder's provenance file, read once
    for path in paths:
        progress(f"reading {path.name}")
        try:
            facts = extract(read_document(path, records.of(path)), registry)
        except InputError as error:
            errors.append(error)
            continue
        for warning in facts.warnings:
            warn(warning)
        all_facts.append(facts)
    return all_facts, errors


def raise_together(errors: list[InputError]) -> None:
    """Raise nothing, the one error, or all of them as one InputErrors."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(tuple(errors))
