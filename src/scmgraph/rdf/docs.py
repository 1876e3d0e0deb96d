"""Publish the ontology: HTML documentation and its serialisations, per release.

Writes ``release/<version>/scmgraph.{ttl,owl,nt,jsonld,html}`` and the same files
under ``release/latest/``, the layout a w3id.org redirect can point at
(``/scmgraph/ontology`` -> ``latest``, ``/scmgraph/ontology/0.1.0`` -> ``0.1.0``).
The HTML is generated here from the ontology and the SHACL shapes (pyLODE 3.4
fails to import from its wheel) through the Jinja2 template ``rdf/templates/ontology.html``
(autoescaped), self-contained: no scripts, fonts or styles fetched from elsewhere.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, VANN

from scmgraph.atomic import write_atomic
from scmgraph.rdf.terms import ONTOLOGY_IRI, PREFIXES, default_ontology_path, default_shapes_dir

SERIALISATIONS = ("ttl", "owl", "nt", "jsonld", "html")


@dataclass(frozen=True)
class Link:
    """A term as the page links it: to its section (scm terms) or to its IRI."""

    href: str
    text: str


@dataclass(frozen=True)
class Term:
    """A class or property of the ontology, with the rows of its table."""

    local: str
    label: str
    curie: str
    iri: str
    definition: str
    rows: list[tuple[str, list[Link]]]


@dataclass(frozen=True)
class Constraint:
    path: Link | None  # None for a sequence path
    rules: list[tuple[str, list[Link]]]
    message: str


@dataclass(frozen=True)
class Shape:
    anchor: str
    curie: str
    comment: str
    targets: list[tuple[str, list[Link]]]
    constraints: list[Constraint]


class _Writer:
    """Reads what the page shows of terms: scm terms link to their anchor, others to their IRI."""

    def __init__(self, ontology: Graph) -> None:
        self.g = ontology
        self.ns = str(PREFIXES["scm"])
        self.prefixes = {**PREFIXES, "sh": str(SH), "scmsh": "https://w3id.org/scmgraph/shapes#"}

    def curie(self, iri: object) -> str:
        text = str(iri)
        for prefix, namespace in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace) :]}"
        return text

    def link(self, iri: object) -> Link:
        text = str(iri)
        if isinstance(iri, URIRef) and text.startswith(self.ns) and len(text) > len(self.ns):
            return Link("#" + text[len(self.ns) :], self.curie(text))
        if isinstance(iri, URIRef):
            return Link(text, self.curie(text))
        return Link("", text)

    def links(self, values: Iterable[object]) -> list[Link]:
        return [self.link(v) for v in sorted(values, key=str)]

    def value(self, subject: URIRef, predicate: URIRef) -> str:
        found = sorted(
            self.g.objects(subject, predicate),
            key=lambda v: (getattr(v, "language", None) != "en", v),
        )
        return str(found[0]) if found else ""

    def terms(self, kind: URIRef) -> list[URIRef]:
        found = (t for t in self.g.subjects(RDF.type, kind) if str(t).startswith(self.ns))
        return sorted((t for t in found if isinstance(t, URIRef)), key=str)

    def term(self, term: URIRef, rows: list[tuple[str, list[Link]]]) -> Term:
        local = str(term)[len(self.ns) :]
        label = self.value(term, RDFS.label) or local
        definition = self.value(term, SKOS.definition)
        return Term(local, label, self.curie(term), str(term), definition, rows)

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


def _shapes(shapes: Graph, w: _Writer) -> list[Shape]:
    """Every node shape with its targets and its property constraints."""
    found = []
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    checks = (SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH.hasValue)
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        aims = [(w.curie(t), w.links(shapes.objects(shape, t))) for t in targets]
        constraints = []
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            path = shapes.value(prop, SH.path)
            rules = [
                (w.curie(c), w.links(shapes.objects(prop, c)))
                for c in checks
                if (prop, c, None) in shapes
            ]
            message = str(shapes.value(prop, SH.message) or "")
            link = w.link(path) if isinstance(path, URIRef) else None
            constraints.append(Constraint(link, rules, message))
        found.append(
            Shape(
                anchor="shape-" + w.curie(shape).split(":")[-1],
                curie=w.curie(shape),
                comment=str(shapes.value(shape, RDFS.comment) or ""),
                targets=[(name, links) for name, links in aims if links],
                constraints=constraints,
            )
        )
    return found


@functools.cache
def _environment() -> Environment:
    """The documentation's templates (``rdf/templates``), autoescaped."""
    return Environment(
        loader=PackageLoader("scmgraph.rdf", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def ontology_html(ontology: Graph, shapes: Graph, version: str) -> str:
    """The documentation page: metadata, classes, properties, shapes, namespaces."""
    w = _Writer(ontology)
    o = ONTOLOGY_IRI
    classes = [w.cls(t) for t in w.terms(OWL.Class)]
    objects = [w.prop(t) for t in w.terms(OWL.ObjectProperty)]
    datatypes = [w.prop(t) for t in w.terms(OWL.DatatypeProperty)]
    return (
        _environment()
        .get_template("ontology.html")
        .render(
            title=w.value(o, DCTERMS.title) or "scmgraph ontology",
            description=w.value(o, DCTERMS.description),
            version=version,
            iri=str(o),
            version_iri=str(ontology.value(o, OWL.versionIRI) or ""),
            licenses=w.links(ontology.objects(o, DCTERMS.license)),
            creator=w.value(o, DCTERMS.creator),
            created=w.value(o, DCTERMS.created),
            prefix=w.value(o, VANN.preferredNamespacePrefix),
            namespace=w.value(o, VANN.preferredNamespaceUri),
            reuses=w.links(ontology.objects(o, RDFS.seeAlso)),
            serialisations=SERIALISATIONS,
            classes=classes,
            objects=objects,
            datatypes=datatypes,
            shapes=_shapes(shapes, w),
            namespaces=sorted((p, str(n)) for p, n in PREFIXES.items()),
        )
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
