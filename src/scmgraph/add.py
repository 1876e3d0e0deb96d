"""Add communiqués to a corpus from the web or from files, then rebuild the graph.

Each source is taken as published (``scmgraph.fetch``), read and extracted like
any corpus file, and must report a meeting of a reported series with its
ordinal and date: those name the file as the corpus is named,
``NNN_<series>_<year>.<ext>``. Its origin goes into the corpus's provenance file
(``scmgraph.sources``), which the build turns into PROV-O. Adding is all or
nothing: every source is checked before anything is written, and a build that
fails puts the corpus back as it was. A source whose bytes are already in the
corpus changes nothing; other bytes for a meeting already present are refused
unless replacing is asked for.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scmgraph.atomic import write_atomic
from scmgraph.cli import (
    errors_reported,
    load_registry_from,
    progress_printer,
    registry_option,
    warn,
)
from scmgraph.fetch import Fetched, Received, is_url, take
from scmgraph.model import Facts, InputError, Origin
from scmgraph.reader import MEDIA_TYPES
from scmgraph.reading import raise_together
from scmgraph.registry import Registry, load_registry, slugify
from scmgraph.resources import DEFAULT_CORPUS, DEFAULT_OUT
from scmgraph.sources import dump_sources, load_sources, sources_path

if TYPE_CHECKING:
    from scmgraph.build import BuildResult

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Added:
    """What became of one source: ``added``, ``replaced`` or ``unchanged``."""

    source: str  # as given
    name: str  # its file in the corpus
    meeting: str  # "SCM 56, 2024-10-30"
    status: str
    replaced: tuple[str, ...] = ()  # files of the same meeting it replaced


@dataclass
class Plan:
    """The files to write and remove in the corpus, checked and not yet done."""

    corpus: Path
    results: list[Added] = field(default_factory=list)
    writes: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes
    removals: set[str] = field(default_factory=set)
    origins: dict[str, Origin] = field(default_factory=dict)

    @property
    def changes(self) -> bool:
        return bool(self.writes or self.removals)

    def apply(self) -> Callable[[], None]:
        """Write the files, then the provenance file; return what puts everything back."""
        records = {n: o for n, o in load_sources(self.corpus).items() if n not in self.removals}
        records.update(self.origins)
        targets = [*sorted(self.removals | set(self.writes)), sources_path(self.corpus).name]
        before = {name: _read_or_none(self.corpus / name) for name in targets}

        def undo() -> None:
            for name, data in before.items():
                if data is None:
                    (self.corpus / name).unlink(missing_ok=True)
                else:
                    write_atomic(self.corpus / name, data)

        self.corpus.mkdir(parents=True, exist_ok=True)
        try:
            for name, data in sorted(self.writes.items()):
                write_atomic(self.corpus / name, data)
            for name in sorted(self.removals - set(self.writes)):
                (self.corpus / name).unlink()
            write_atomic(sources_path(self.corpus), dump_sources(records))
        except BaseException:
            undo()
            raise
        return undo


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def plan_additions(
    sources: list[str],
    corpus: Path,
    *,
    replacing: bool = False,
    registry: Registry | None = None,
    received: Callable[[str], Received | None] | None = None,
    taken: Callable[[Fetched], None] | None = None,
) -> Plan:
    """Take and check every source; raise the errors of all bad ones, having written nothing.

    ``received(source)`` may give a callback that hears how much of a page arrived;
    ``taken`` hears of every source taken whole. The warnings of what is read come
    from the build, which reads the stored files again.
    """
    registry = registry or load_registry()
    plan = Plan(Path(corpus))
    errors: list[InputError] = []
    meetings: dict[str, str] = {}  # stem of a file planned -> the source it comes from
    for source in sources:
        try:
            fetched = take(source, received(source) if received else None)
            if taken is not None:
                taken(fetched)
            facts = read_fetched(source, fetched, registry)
            _plan_one(plan, source, fetched, facts, registry, replacing, meetings)
        except InputError as error:
            errors.append(error)
    raise_together(errors)
    return plan


def read_fetched(source: str, fetched: Fetched, registry: Registry) -> Facts:
    """Read and extract the fetched bytes as a corpus file would be; errors name ``source``."""
    from scmgraph.extract import extract
    from scmgraph.reader import read_document

    with tempfile.TemporaryDirectory(prefix="scmgraph-add-") as folder:
        path = Path(folder) / f"page{fetched.extension}"
        path.write_bytes(fetched.data)
        try:
            facts = extract(read_document(path), registry)
        except InputError as error:
            raise InputError(source, f"not a communiqué: {error.problem}") from error
    return facts


def _plan_one(
    plan: Plan,
    source: str,
    fetched: Fetched,
    facts: Facts,
    registry: Registry,
    replacing: bool,
    meetings: dict[str, str],
) -> None:
    meeting = facts.meeting
    reported = [s.acronym for s in registry.series if s.reported]
    if meeting.series not in reported or meeting.ordinal is None or meeting.date is None:
        wanted = " or ".join(reported) or "reported"
        raise InputError(
            source,
            f"not a communiqué: paragraph 1 reports no {wanted} meeting with its ordinal and date",
        )
    stem = f"{meeting.ordinal:03d}_{slugify(meeting.series).replace('-', '_')}"
    name = f"{stem}_{meeting.date.year}{fetched.extension}"
    label = f"{meeting.series} {meeting.ordinal}, {meeting.date.isoformat()}"
    if stem in meetings:
        raise InputError(source, f"reports the same meeting ({label}) as {meetings[stem]}")
    meetings[stem] = source
    present = _meeting_files(plan.corpus, stem)
    same = [n for n in present if (plan.corpus / n).read_bytes() == fetched.data]
    if same:
        plan.results.append(Added(source, same[0], label, "unchanged"))
        return
    if present and not replacing:
        raise InputError(
            source,
            f"{label} is already in the corpus as {', '.join(present)}, with other "
            "content (give --replace to replace it)",
        )
    digest = hashlib.sha256(fetched.data).hexdigest()
    plan.writes[name] = fetched.data
    plan.removals.update(present)
    plan.origins[name] = Origin(fetched.source, fetched.retrieved, digest, fetched.content_type)
    status = "replaced" if present else "added"
    plan.results.append(Added(source, name, label, status, tuple(present)))


def _meeting_files(corpus: Path, stem: str) -> list[str]:
    """The corpus files named for the meeting ``stem`` (``056_scm``), any year or format."""
    if not corpus.is_dir():
        return []
    return sorted(
        p.name
        for p in corpus.iterdir()
        if p.name.startswith(f"{stem}_") and p.suffix.lower() in MEDIA_TYPES and p.is_file()
    )


def add(
    sources: list[str],
    corpus: Path,
    out: Path,
    *,
    replacing: bool = False,
    registry: Registry | None = None,
    received: Callable[[str], Received | None] | None = None,
    taken: Callable[[Fetched], None] | None = None,
    progress: Progress = _quiet,
    warn: Progress = _quiet,
    jobs: int | None = None,
) -> tuple[list[Added], BuildResult | None]:
    """Store the sources in ``corpus`` and rebuild ``out`` from the unit cache.

    Nothing stored and a graph already built: no build (None). A failed build puts
    the corpus back as it was before raising.
    """
    from scmgraph.build import GRAPH_FILE, build

    registry = registry or load_registry()
    plan = plan_additions(
        sources,
        corpus,
        replacing=replacing,
        registry=registry,
        received=received,
        taken=taken,
    )
    if not plan.changes and (Path(out) / GRAPH_FILE).is_file():
        return plan.results, None
    undo = plan.apply()
    try:
        result = build(corpus, out, registry=registry, progress=progress, warn=warn, jobs=jobs)
    except BaseException:
        undo()
        raise
    return plan.results, result


# --- the command ---------------------------------------------------------------------


class _Meter:
    """The progress line of each download on stderr: live on a terminal, else once done."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.live = sys.stderr.isatty()
        self.started = time.monotonic()

    def received(self, source: str) -> Received | None:
        self.started = time.monotonic()
        if self.quiet or not self.live or not is_url(source):
            return None

        def show(size: int, total: int | None) -> None:
            of = f" of {total:,}" if total else ""
            click.echo(f"\rfetching {source}: {size:,}{of} bytes", err=True, nl=False)

        return show

    def taken(self, fetched: Fetched) -> None:
        if self.quiet:
            return
        seconds = time.monotonic() - self.started
        line = (
            f"took {fetched.source}: {len(fetched.data):,} bytes, {fetched.content_type}, "
            f"{seconds:.1f} s"
        )
        click.echo(f"\r{line}\033[K" if self.live else line, err=True)


@click.command("add")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--corpus",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_CORPUS,
    show_default=True,
    help="Folder of communiqués to add to.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output folder of the graph to rebuild.",
)
@click.option(
    "--replace",
    "replacing",
    is_flag=True,
    help="Replace a meeting's file already in the corpus when the source's bytes differ.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that read communiqués at once [default: one per core].",
)
@registry_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def add_command(
    sources: tuple[str, ...],
    corpus: Path,
    out: Path,
    replacing: bool,
    jobs: int | None,
    registry: Path | None,
    quiet: bool,
) -> None:
    """Add communiqués from http(s) URLs or files to the corpus, then rebuild the graph.

    Each is stored as published, named from its meeting (NNN_<series>_<year>.<ext>),
    with its origin recorded in the corpus's sources.yaml. All or nothing.
    """
    meter = _Meter(quiet)
    with errors_reported():
        results, built = add(
            list(sources),
            corpus,
            out,
            replacing=replacing,
            registry=load_registry_from(registry),
            received=meter.received,
            taken=meter.taken,
            progress=progress_printer(quiet),
            warn=warn,
            jobs=jobs,
        )
    if quiet:
        return
    for item in results:
        if item.status == "unchanged":
            click.echo(f"unchanged: {item.name} ({item.meeting}) already holds {item.source}")
        else:
            instead = f" (instead of {', '.join(item.replaced)})" if item.replaced else ""
            click.echo(f"{item.status} {item.name} ({item.meeting}) from {item.source}{instead}")
    if built is None:
        click.echo(f"nothing to do: the corpus and {out} are left as they were")
    else:
        click.echo(
            f"built {built.documents} communiqués, {built.statements} statements, "
            f"{built.triples} triples -> {built.out_dir}"
        )
