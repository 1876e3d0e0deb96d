"""Publish the ontology: HTML documentation and its serialisations, per release.

Writes ``release/<version>/scmgraph.{ttl,owl,nt,jsonld,html}`` and the same files
under ``release/latest/``, the layout a w3id.org redirect can point at
(``/scmgraph/ontology`` -> ``latest``, ``/scmgraph/ontology/0.1.0`` -> ``0.1.0``).
The HTML is generated here from the ontology and the SHACL shapes (pyLODE 3.4
fails to import from its wheel), self-contained: no scripts, fonts or styles
fetched from elsewhere.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, VANN

from scmgraph.atomic import write_atomic
from scmgraph.rdf.terms import ONTOLOGY_IRI, PREFIXES, default_ontology_path, default_shapes_dir

SERIALISATIONS = ("ttl", "owl", "nt", "jsonld", "html")
_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}h1,h2,h3{line-height:1.2}h2{border-bottom:2px solid #ddd;
padding-bottom:.2rem;margin-top:2.5rem}section.term{border:1px solid #e3e3e3;border-radius:6px;
padding:.4rem 1rem;margin:1rem 0}code{background:#f4f4f4;padding:0 .2rem}table{border-collapse:
collapse;width:100%}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;
vertical-align:top}th{background:#f7f7f7;width:12rem}nav li{display:inline;margin-right:.6rem}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


class _Writer:
    """Renders terms as links: scm terms to their anchor, others to their IRI."""

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

    def link(self, iri: object) -> str:
        text = str(iri)
        if isinstance(iri, URIRef) and text.startswith(self.ns) and len(text) > len(self.ns):
            return f'<a href="#{_e(text[len(self.ns) :])}"><code>{_e(self.curie(text))}</code></a>'
        if isinstance(iri, URIRef):
            return f'<a href="{_e(text)}"><code>{_e(self.curie(text))}</code></a>'
        return _e(text)

    def links(self, values: Iterable[object]) -> str:
        return ", ".join(self.link(v) for v in sorted(values, key=str)) or "—"

    def value(self, subject: URIRef, predicate: URIRef) -> str:
        found = sorted(
            self.g.objects(subject, predicate),
            key=lambda v: (getattr(v, "language", None) != "en", v),
        )
        return str(found[0]) if found else ""

    def terms(self, kind: URIRef) -> list[URIRef]:
        found = (t for t in self.g.subjects(RDF.type, kind) if str(t).startswith(self.ns))
        return sorted((t for t in found if isinstance(t, URIRef)), key=str)

    def term(self, term: URIRef, rows: list[tuple[str, str]]) -> str:
        local = str(term)[len(self.ns) :]
        label = self.value(term, RDFS.label) or local
        body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
        return (
            f'<section class="term" id="{_e(local)}"><h3>{_e(label)} '
            f"<small><code>{_e(self.curie(term))}</code></small></h3>"
            f"<p>{_e(self.value(term, SKOS.definition))}</p>"
            f"<table><tr><th>IRI</th><td><code>{_e(term)}</code></td></tr>{body}</table></section>"
        )

    def cls(self, term: URIRef) -> str:
        return self.term(
            term,
            [
                ("subclass of", self.links(self.g.objects(term, RDFS.subClassOf))),
                ("superclass of", self.links(self.g.subjects(RDFS.subClassOf, term))),
                ("in domain of", self.links(self.g.subjects(RDFS.domain, term))),
                ("in range of", self.links(self.g.subjects(RDFS.range, term))),
            ],
        )

    def prop(self, term: URIRef) -> str:
        return self.term(
            term,
            [
                ("domain", self.links(self.g.objects(term, RDFS.domain))),
                ("range", self.links(self.g.objects(term, RDFS.range))),
                ("subproperty of", self.links(self.g.objects(term, RDFS.subPropertyOf))),
            ],
        )


def _shapes_html(shapes: Graph, w: _Writer) -> str:
    """Every node shape with its targets and its property constraints."""
    parts = []
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    checks = (SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH.hasValue)
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        aim = [f"{w.curie(t)} {w.links(shapes.objects(shape, t))}" for t in targets]
        aim = [a for a in aim if not a.endswith("—")]
        rows = []
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            path = shapes.value(prop, SH.path)
            path_text = w.link(path) if isinstance(path, URIRef) else "(sequence path)"
            rule = "; ".join(
                f"{w.curie(c)} {w.links(shapes.objects(prop, c))}"
                for c in checks
                if (prop, c, None) in shapes
            )
            message = _e(shapes.value(prop, SH.message) or "")
            rows.append(f"<tr><td>{path_text}</td><td>{rule}</td><td>{message}</td></tr>")
        comment = _e(shapes.value(shape, RDFS.comment) or "")
        parts.append(
            f'<section class="term" id="shape-{_e(w.curie(shape).split(":")[-1])}">'
            f"<h3><code>{_e(w.curie(shape))}</code></h3><p>{comment}</p>"
            f"<p>Targets: {'; '.join(aim) or 'used from other shapes'}</p>"
            + (
                "<table><tr><th>path</th><th>constraints</th><th>message</th></tr>"
                + "".join(rows)
                + "</table>"
                if rows
                else ""
            )
            + "</section>"
        )
    return "".join(parts)


def ontology_html(ontology: Graph, shapes: Graph, version: str) -> str:
    """The documentation page: metadata, classes, properties, shapes, namespaces."""
    w = _Writer(ontology)
    o = ONTOLOGY_IRI
    title = w.value(o, DCTERMS.title) or "scmgraph ontology"
    meta = [
        ("IRI", f"<code>{_e(o)}</code>"),
        ("version IRI", f"<code>{_e(ontology.value(o, OWL.versionIRI) or '')}</code>"),
        ("version", _e(version)),
        ("license", w.links(ontology.objects(o, DCTERMS.license))),
        ("creator", _e(w.value(o, DCTERMS.creator))),
        ("created", _e(w.value(o, DCTERMS.created))),
        ("preferred prefix", f"<code>{_e(w.value(o, VANN.preferredNamespacePrefix))}</code>"),
        ("namespace", f"<code>{_e(w.value(o, VANN.preferredNamespaceUri))}</code>"),
        ("reuses", w.links(ontology.objects(o, RDFS.seeAlso))),
        ("serialisations", " · ".join(f'<a href="scmgraph.{x}">{x}</a>' for x in SERIALISATIONS)),
    ]
    classes = w.terms(OWL.Class)
    objects, datatypes = w.terms(OWL.ObjectProperty), w.terms(OWL.DatatypeProperty)
    index = " ".join(
        f'<li><a href="#{_e(str(t)[len(w.ns) :])}">{_e(str(t)[len(w.ns) :])}</a></li>'
        for t in classes + objects + datatypes
    )
    namespaces = "".join(
        f"<tr><td><code>{_e(p)}</code></td><td><code>{_e(n)}</code></td></tr>"
        for p, n in sorted(PREFIXES.items())
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} {_e(version)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1><p>{_e(w.value(o, DCTERMS.description))}</p><table>"
        + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in meta)
        + f"</table><nav><h2>Index</h2><ul>{index}</ul></nav>"
        f'<h2 id="classes">Classes ({len(classes)})</h2>'
        + "".join(w.cls(t) for t in classes)
        + f'<h2 id="object-properties">Object properties ({len(objects)})</h2>'
        + "".join(w.prop(t) for t in objects)
        + f'<h2 id="datatype-properties">Datatype properties ({len(datatypes)})</h2>'
        + "".join(w.prop(t) for t in datatypes)
        + '<h2 id="shapes">SHACL shapes</h2><p>The constraints every built graph passes.</p>'
        + _shapes_html(shapes, w)
        + f'<h2 id="namespaces">Namespaces</h2><table>{namespaces}</table></body></html>\n'
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
