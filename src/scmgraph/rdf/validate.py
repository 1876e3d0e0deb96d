"""Check a built graph against the SHACL shapes before anyone queries it.

pyshacl copies whatever it validates into memory and slows down with size, so a
dataset is validated one communiqué at a time (each with the registry graphs its
statements point into), then the shared graphs once, and the ontology against its
own shapes. Inference is off; the ontology is given as ``ont_graph`` so that
``sh:class`` follows its subclass axioms.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from scmgraph import namespaces as ns
from scmgraph.errors import InputError
from scmgraph.rdf.terms import (
    GRAPH,
    ONTOLOGY_GRAPH,
    default_ontology_path,
    default_shapes_dir,
)
from scmgraph.registry.load import Registry

DATA_SHAPES = "scmgraph-shapes.ttl"
ONTOLOGY_SHAPES = "ontology-shapes.ttl"
_FORMATS = {".trig": "trig", ".nq": "nquads", ".nquads": "nquads", ".ttl": "turtle", ".nt": "nt"}


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, with terms shortened to prefixed names for reading."""

    focus: str
    path: str
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    shape: str
    value: str = ""


@dataclass(frozen=True)
class ValidationResult:
    """Whether the graph conforms, and every result found (sorted, without repeats)."""

    conforms: bool
    violations: tuple[Violation, ...]

    def render(self) -> str:
        """A report for people: a summary line, then ``focus  path  message`` lines."""
        if self.conforms and not self.violations:
            return "SHACL validation: conforms"
        lines = [f"SHACL validation: {len(self.violations)} result(s)"]
        for v in self.violations:
            value = f" (value {v.value})" if v.value else ""
            severity = "" if v.severity == "Violation" else f"[{v.severity}] "
            lines.append(f"{severity}{v.focus}  {v.path}  {v.message}{value}  ({v.shape})")
        return "\n".join(lines)


def short(term: Node | None) -> str:
    """``id:communique/scm-52/p3`` rather than the full IRI."""
    return "" if term is None else ns.curie(str(term), ns.SHAPE_PREFIXES)


class _Held(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _rdflib_log_held() -> Iterator[_Held]:
    """Hold what rdflib logs while a file is parsed (a warning per odd IRI, quoting the
    input), so that a file that cannot be parsed gives one error line and nothing else."""
    logger = logging.getLogger("rdflib")
    held, propagate = _Held(), logger.propagate
    logger.addHandler(held)
    logger.propagate = False
    try:
        yield held
    finally:
        logger.removeHandler(held)
        logger.propagate = propagate


def load_dataset(path: Path) -> Dataset:
    """Read a built graph file (TriG, N-Quads, Turtle, N-Triples) into a Dataset.

    Only these syntaxes, chosen by the file's suffix: never RDF/XML (whose DTDs
    can name external entities) nor JSON-LD (whose contexts can be fetched).
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, f"unknown graph format (expected one of {', '.join(_FORMATS)})")
    if not path.is_file():
        raise InputError(path, "no such file")
    dataset = Dataset()
    with _rdflib_log_held() as held:
        try:
            if fmt in ("trig", "nquads"):
                dataset.parse(path, format=fmt)
            else:
                dataset.default_graph.parse(path, format=fmt)
        except Exception as exc:  # rdflib raises many parser-specific types
            problem = f"cannot parse as {fmt} ({str(exc).splitlines()[0]})"
            raise InputError(path, problem) from exc
    for record in held.records:  # the file was read: pass its warnings on
        logging.getLogger(record.name).handle(record)
    return dataset


def _parse(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise InputError(path, "no such file") from exc


def _union(graphs: Iterable[Graph]) -> Graph:
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    return union


def _path_text(shapes: Graph, shape: Node | None, path: Node | None) -> str:
    """A result path as text; sequence paths live in the shapes graph as RDF lists."""
    if isinstance(path, URIRef):
        return short(path)
    declared = shapes.value(shape, SH.path) if shape is not None else None
    if isinstance(declared, URIRef):
        return short(declared)
    if declared is not None and shapes.value(declared, RDF.first) is not None:
        return "/".join(short(step) for step in Collection(shapes, declared))
    return "-"


def _run(
    data: Graph, shapes: Graph, ontology: Graph, *, advanced: bool = False, details: bool = True
) -> tuple[bool, list[Violation]]:
    """pyshacl's verdict and results; ``details``: also the results nested in others
    (why a value fails an ``sh:node``), which other engines leave out."""
    from pyshacl import validate as shacl_validate  # slow to import; builds use pyshacl-turbo

    conforms, report, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=advanced,
        inplace=True,  # ``data`` is always a throw-away union built here
        allow_warnings=True,
    )
    return bool(conforms), report_violations(report, shapes, details=details)


def report_violations(report: Graph, shapes: Graph, *, details: bool = True) -> list[Violation]:
    """The results of a SHACL validation report graph (pyshacl's, or another engine's
    in the same vocabulary) against ``shapes``; ``details`` as for ``_run``."""
    found = []
    results = (
        report.subjects(RDF.type, SH.ValidationResult)
        if details
        else report.objects(None, SH.result)
    )
    for result in results:
        shape = report.value(result, SH.sourceShape)
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        found.append(
            Violation(
                focus=short(focus),
                path=_path_text(shapes, shape, report.value(result, SH.resultPath)),
                message=str(report.value(result, SH.resultMessage) or ""),
                severity=short(report.value(result, SH.resultSeverity)).removeprefix("sh:")
                or "Violation",
                shape=short(shape) if isinstance(shape, URIRef) else "(anonymous shape)",
                value="" if value == focus else short(value),
            )
        )
    return found


def _ontology(data: Graph, ontology_path: Path | None) -> Graph:
    if ontology_path is not None:
        return _parse(Path(ontology_path))
    if isinstance(data, Dataset):
        named = data.graph(ONTOLOGY_GRAPH)
        if len(named):
            return named
    return _parse(default_ontology_path())


def validate(
    dataset_or_graph: Graph,
    *,
    shapes_dir: Path | None = None,
    ontology_path: Path | None = None,
) -> ValidationResult:
    """Validate a dataset (or one graph) against the data and ontology shapes.

    The ontology is ``ontology_path`` if given, else the dataset's ontology graph,
    else ``ontology/scmgraph.ttl``; it is checked against the ontology shapes too.
    """
    shapes_dir = Path(shapes_dir) if shapes_dir else default_shapes_dir()
    data_shapes = _parse(shapes_dir / DATA_SHAPES)
    ontology_shapes = _parse(shapes_dir / ONTOLOGY_SHAPES)
    ontology = _ontology(dataset_or_graph, ontology_path)

    runs: list[Graph] = []
    if isinstance(dataset_or_graph, Dataset):
        graphs = [g for g in dataset_or_graph.graphs() if len(g)]
        prefix = str(GRAPH["communique/"])
        communiques = [g for g in graphs if str(g.identifier).startswith(prefix)]
        shared = [g for g in graphs if g not in communiques and g.identifier != ONTOLOGY_GRAPH]
        registries = [g for g in shared if str(g.identifier).startswith(str(GRAPH["registry/"]))]
        runs = [_union([g, *registries]) for g in communiques]
        if shared:
            runs.append(_union(shared))
    else:
        runs = [_union([dataset_or_graph])]

    # SPARQL targets (SHACL-AF) pick out the scm: terms of the ontology.
    conforms, violations = _run(_union([ontology]), ontology_shapes, Graph(), advanced=True)
    for data in runs:
        ok, found = _run(data, data_shapes, ontology)
        conforms = conforms and ok
        violations.extend(found)
    return ValidationResult(conforms, tuple(sorted(set(violations))))


class UnitValidator:
    """Validates graphs of one build one at a time, the shapes and registries read once.

    A communiqué's graph is checked with the registry graphs its statements point
    into; the graphs that span communiqués (links, provenance, registries) are
    checked together; the ontology against its own shapes.
    """

    def __init__(self, registry: Registry, shapes_dir: Path | None = None) -> None:
        from scmgraph.rdf.registry import registry_graphs

        shapes_dir = Path(shapes_dir) if shapes_dir else default_shapes_dir()
        self.data_shapes = _parse(shapes_dir / DATA_SHAPES)
        self.ontology_shapes = _parse(shapes_dir / ONTOLOGY_SHAPES)
        self.ontology = _parse(default_ontology_path())
        self.registries = list(registry_graphs(registry).values())

    def check(self, graph: Graph, *, details: bool = True) -> tuple[bool, list[Violation]]:
        """One graph (a communiqué's, or the shared ones), with the registry graphs."""
        data = _union([graph, *self.registries])
        return _run(data, self.data_shapes, self.ontology, details=details)

    def check_ontology(
        self, ontology: Graph | None = None, *, details: bool = True
    ) -> tuple[bool, list[Violation]]:
        """The ontology (default the project's) against its shapes (SPARQL targets pick
        out its scm: terms)."""
        data = _union([self.ontology if ontology is None else ontology])
        return _run(data, self.ontology_shapes, Graph(), advanced=True, details=details)
