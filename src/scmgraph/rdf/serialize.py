"""Serialise the built dataset into the published files, byte for byte the same
for the same input.

rdflib orders subjects, predicates and objects within a graph; the order of
named graphs follows insertion, so the dataset is copied graph by graph in
sorted order first. N-Quads lines are sorted outright.
"""

from __future__ import annotations

import json

from rdflib import Dataset, Graph, URIRef

from scmgraph.namespaces import prefixes
from scmgraph.registry.files import default_data_dir

PREFIXES = prefixes(
    "scm",
    "id",
    "prov",
    "org",
    "skos",
    "dcterms",
    "time",
    "nif",
    "itsrdf",
    "foaf",
    "owl",
    "rdfs",
    "xsd",
)


def ordered_copy(dataset: Dataset) -> Dataset:
    """A copy of ``dataset`` whose named graphs are inserted in sorted IRI order."""
    from scmgraph.rdf.convert import ReproducibleDataset

    ordered = ReproducibleDataset()
    for prefix, namespace in PREFIXES.items():
        ordered.bind(prefix, namespace, override=True, replace=True)
    graphs = sorted(
        (g for g in dataset.graphs() if len(g) and isinstance(g.identifier, URIRef)),
        key=lambda g: str(g.identifier),
    )
    for graph in graphs:
        target = ordered.graph(graph.identifier)
        for triple in sorted(graph):
            target.add(triple)
    return ordered


def union_graph(dataset: Dataset) -> Graph:
    """All triples of all named graphs in one graph (Turtle has no named graphs)."""
    union = Graph()
    for prefix, namespace in PREFIXES.items():
        union.bind(prefix, namespace, override=True, replace=True)
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    return union


def jsonld_context() -> dict:
    """The JSON-LD context shipped in data/, embedded so readers need no network."""
    path = default_data_dir() / "context.jsonld"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    return dict(PREFIXES)


def serialize_all(dataset: Dataset) -> dict[str, bytes]:
    """Every published serialisation of the dataset, by file name."""
    ordered = ordered_copy(dataset)
    nquads = ordered.serialize(format="nquads", encoding="utf-8")
    lines = sorted(set(nquads.decode("utf-8").splitlines()))
    canonical = "\n".join(line for line in lines if line) + "\n"
    return {
        "scmgraph.trig": ordered.serialize(format="trig", encoding="utf-8"),
        "scmgraph.nq": canonical.encode("utf-8"),
        "scmgraph.ttl": union_graph(ordered).serialize(format="turtle", encoding="utf-8"),
        "scmgraph.jsonld": to_jsonld(ordered).encode("utf-8"),
    }


def to_jsonld(dataset: Dataset) -> str:
    """Compacted JSON-LD, one @graph entry per named graph, with the context embedded.

    JSON-LD arrays that are not @list are unordered sets, so every array is sorted
    (nodes by @id, values by their JSON text): the output depends on the data
    only. The context travels inside the document, so no reader needs the network.
    """
    raw = dataset.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    return json.dumps(_sorted(json.loads(raw)), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _sorted(value: object) -> object:
    if isinstance(value, dict):
        return {k: (v if k == "@list" else _sorted(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        return sorted(
            items,
            key=lambda v: (
                str(v.get("@id", "")) if isinstance(v, dict) else "",
                json.dumps(v, sort_keys=True, ensure_ascii=False),
            ),
        )
    return value
