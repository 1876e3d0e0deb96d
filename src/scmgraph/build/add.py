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
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scmgraph.atomic import write_atomic
from scmgraph.build.inputs import Progress, quiet
from scmgraph.errors import InputError
from scmgraph.extract.reading import raise_together
from scmgraph.model import Facts, Origin
from scmgraph.read.fetch import Fetched, Received, take
from scmgraph.read.reader import MEDIA_TYPES
from scmgraph.read.sources import dump_sources, load_sources, sources_path
from scmgraph.registry.load import Registry, load_registry
from scmgraph.registry.posts import slugify

if TYPE_CHECKING:
    from scmgraph.build.corpus import BuildResult


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
    from scmgraph.extract.document import extract
    from scmgraph.read.reader import read_document

    with tempfile.TemporaryDirectory(prefix="scmgraph-add-") as folder:
        path = Path(folder) / f"page{fetched.extension}"
        path.write_bytes(fetched.data)
        try:
            facts = extract(read_document(path), registry)
        except InputError as error:
            raise InputError(source, f"cannot be read as a communiqué: {error.problem}") from error
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
    progress: Progress = quiet,
    warn: Progress = quiet,
    computed: Progress = quiet,
    jobs: int | None = None,
) -> tuple[list[Added], BuildResult | None]:
    """Store the sources in ``corpus`` and rebuild ``out`` from the unit cache.

    Nothing stored and a graph already built: no build (None). ``computed`` hears
    the name of every communiqué the build did not take from the cache. A failed
    build puts the corpus back as it was before raising.
    """
    from scmgraph.build.corpus import build
    from scmgraph.build.folder import GRAPH_FILE

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
        result = build(
            corpus,
            out,
            registry=registry,
            progress=progress,
            warn=warn,
            jobs=jobs,
            computed=computed,
        )
    except BaseException:
        undo()
        raise
    return plan.results, result
