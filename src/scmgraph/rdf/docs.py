"""Publish the ontology: HTML documentation and its serialisations, per release.

Writes ``release/<version>/scmgraph.{ttl,owl,nt,jsonld,html}`` and the same files
under ``release/latest/``, the layout a w3id.org redirect can point at
(``/scmgraph/ontology`` -> ``latest``, ``/scmgraph/ontology/0.1.0`` -> ``0.1.0``).
The HTML page is the template ``templates/ontology.html`` (Jinja2, autoescaped)
filled with the ontology's terms and the SHACL shapes read here (pyLODE 3.4
fails to import from its wheel); it is self-contained: no scripts, fonts or
styles fetched from elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, VANN

from scmgraph import namespaces as ns
from scmgraph.atomic import write_atomic
from scmgraph.rdf.terms import ONTOLOGY_IRI, PREFIXES, default_ontology_path, default_shapes_dir

SERIALISATIONS = ("ttl", "owl", "nt", "jsonld", "html")


@dataclass(frozen=True)
class Link:
    """A term as the page shows it: its CURIE, linked to its anchor or to its IRI."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class Term:
    local: str
    label: str
    curie: str
    iri: str
    definition: str
    rows: tuple[tuple[str, tuple[Link, ...]], ...]


@dataclass(frozen=True)
class Constraint:
    path: Link | None
    rules: tuple[tuple[str, tuple[Link, ...]], ...]
    message: str


@dataclass(frozen=True)
class Shape:
    anchor: str
    curie: str
    comment: str
    targets: tuple[tuple[str, tuple[Link, ...]], ...]
    constraints: tuple[Constraint, ...]


class _Reader:
    """Reads the ontology's terms as page data: scm terms link to their anchor."""

    def __init__(self, ontology: Graph) -> None:
        self.g = ontology
        self.ns = str(PREFIXES["scm"])
        self.prefixes = ns.SHAPE_PREFIXES

    def curie(self, iri: object) -> str:
        return ns.curie(str(iri), self.prefixes)

    def link(self, iri: object) -> Link:
        text = str(iri)
        if isinstance(iri, URIRef) and text.startswith(self.ns) and len(text) > len(self.ns):
            return Link(self.curie(text), "#" + text[len(self.ns) :])
        if isinstance(iri, URIRef):
            return Link(self.curie(text), text)
        return Link(text)

    def links(self, values: Iterable[object]) -> tuple[Link, ...]:
        return tuple(self.link(v) for v in sorted(values, key=str))

    def value(self, subject: URIRef, predicate: URIRef) -> str:
        found = sorted(
            self.g.objects(subject, predicate),
            key=lambda v: (getattr(v, "language", None) != "en", v),
        )
        return str(found[0]) if found else ""

    def terms(self, kind: URIRef) -> list[URIRef]:
        found = (t for t in self.g.subjects(RDF.type, kind) if str(t).startswith(self.ns))
        return sorted((t for t in found if isinstance(t, URIRef)), key=str)

    def term(self, term: URIRef, rows: list[tuple[str, tuple[Link, ...]]]) -> Term:
        local = str(term)[len(self.ns) :]
        label = self.value(term, RDFS.label) or local
        definition = self.value(term, SKOS.definition)
        return Term(local, label, self.curie(term), str(term), definition, tuple(rows))

    def cls(self, term: URIRef) -> Term:
        return self.term(
            term,
            [
                ("subclass of", self.links(self.g.objects(term, RDFS.subClassOf))),
                ("superclass of", self.links(self.g.subjects(RDFS.subClassOf, term))),
                ("in domain of", self.links(self.g.subjects(RDFS.domain, term))),
                ("in range of", self.links(self.g.subjects(RDFS.range, term))),
            ],
        )

    def prop(self, term: URIRef) -> Term:
        return self.term(
            term,
            [
                ("domain", self.links(self.g.objects(term, RDFS.domain))),
                ("range", self.links(self.g.objects(term, RDFS.range))),
                ("subproperty of", self.links(self.g.objects(term, RDFS.subPropertyOf))),
            ],
        )


def _shapes(shapes: Graph, r: _Reader) -> list[Shape]:
    """Every node shape with its targets and its property constraints."""
    found = []
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    checks = (SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH.hasValue)
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        aims = [(r.curie(t), r.links(shapes.objects(shape, t))) for t in targets]
        constraints = []
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            path = shapes.value(prop, SH.path)
            rules = [(r.curie(c), r.links(shapes.objects(prop, c))) for c in checks]
            constraints.append(
                Constraint(
                    r.link(path) if isinstance(path, URIRef) else None,
                    tuple((name, links) for name, links in rules if links),
                    str(shapes.value(prop, SH.message) or ""),
                )
            )
        found.append(
            Shape(
                anchor="shape-" + r.curie(shape).split(":")[-1],
                curie=r.curie(shape),
                comment=str(shapes.value(shape, RDFS.comment) or ""),
                targets=tuple((name, links) for name, links in aims if links),
                constraints=tuple(constraints),
            )
        )
    return found


def ontology_html(ontology: Graph, shapes: Graph, version: str) -> str:
    """The documentation page: metadata, classes, properties, shapes, namespaces."""
    r = _Reader(ontology)
    o = ONTOLOGY_IRI
    environment = Environment(
        loader=PackageLoader("scmgraph.rdf", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("ontology.html").render(
        title=r.value(o, DCTERMS.title) or "scmgraph ontology",
        description=r.value(o, DCTERMS.description),
        version=version,
        iri=str(o),
        version_iri=str(ontology.value(o, OWL.versionIRI) or ""),
        licenses=r.links(ontology.objects(o, DCTERMS.license)),
        creator=r.value(o, DCTERMS.creator),
        created=r.value(o, DCTERMS.created),
        prefix=r.value(o, VANN.preferredNamespacePrefix),
        namespace=r.value(o, VANN.preferredNamespaceUri),
        reuses=r.links(ontology.objects(o, RDFS.seeAlso)),
        serialisations=SERIALISATIONS,
        classes=[r.cls(t) for t in r.terms(OWL.Class)],
        object_properties=[r.prop(t) for t in r.terms(OWL.ObjectProperty)],
        datatype_properties=[r.prop(t) for t in r.terms(OWL.DatatypeProperty)],
        annotation_properties=[r.prop(t) for t in r.terms(OWL.AnnotationProperty)],
        shapes=_shapes(shapes, r),
        namespaces=sorted(PREFIXES.items()),
    )


def _canonical(value: object) -> object:
    """JSON-LD arrays are sets: sort them so the file depends on the data only."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def serialisations(ontology: Graph, source: bytes, shapes: Graph, version: str) -> dict[str, bytes]:
    """``scmgraph.<ext>`` -> bytes for every published form of the ontology."""
    from scmgraph.rdf.serialize import jsonld_context

    lines = sorted(set(ontology.serialize(format="nt", encoding="utf-8").decode().splitlines()))
    raw = ontology.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    jsonld = json.dumps(_canonical(json.loads(raw)), indent=1, ensure_ascii=False, sort_keys=True)
    return {
        "scmgraph.ttl": source,
        "scmgraph.owl": ontology.serialize(format="pretty-xml", encoding="utf-8"),
        "scmgraph.nt": ("\n".join(line for line in lines if line) + "\n").encode("utf-8"),
        "scmgraph.jsonld": (jsonld + "\n").encode("utf-8"),
        "scmgraph.html": ontology_html(ontology, shapes, version).encode("utf-8"),
    }


def write_docs(
    out_dir: Path, *, ontology_path: Path | None = None, shapes_dir: Path | None = None
) -> list[Path]:
    """Write release/<version>/ and release/latest/ under ``out_dir``; return the paths."""
    path = ontology_path or default_ontology_path()
    source = Path(path).read_bytes()
    ontology = Graph().parse(data=source, format="turtle")
    for prefix, namespace in PREFIXES.items():
        ontology.bind(prefix, namespace, override=True, replace=True)
    shapes = Graph()
    for shape_file in sorted(Path(shapes_dir or default_shapes_dir()).glob("*.ttl")):
        shapes.parse(shape_file, format="turtle")
    version = str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo) or "0.0.0")
    files = serialisations(ontology, source, shapes, version)
    written = []
    for release in (version, "latest"):
        for name, data in files.items():
            target = Path(out_dir) / "release" / release / name
            write_atomic(target, data)
            written.append(target)
    return written
