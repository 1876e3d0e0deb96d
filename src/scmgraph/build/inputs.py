"""What a build reads: the communiqué files of its inputs, their facts, and what it read.

Shared by the published build (``scmgraph.build.corpus``), the in-memory pipeline
(``scmgraph.build.pipeline``) and the cross-document parts (``scmgraph.build.outputs``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scmgraph.errors import InputError
from scmgraph.extract.reading import raise_together, read_each
from scmgraph.model import Facts
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.read.reader import find_communiques
from scmgraph.registry.load import Registry
from scmgraph.version import __version__

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    return None


def read_corpus(
    paths: list[Path], registry: Registry, progress: Progress = quiet, warn: Progress = quiet
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


def build_info(all_facts: list[Facts], registry: Registry) -> BuildInfo:
    """What a build over ``all_facts`` read: tool version, input and registry checksums."""
    return BuildInfo.from_inputs(__version__, [f.document.source for f in all_facts], registry)
