"""Exports for visualisation tools and other knowledge bases.

Networks (GraphML, GEXF, Cytoscape.js JSON, DOT, a PNG picture) are projections of
the graph (``scmgraph.views.network``); tidy CSV tables give one row per observation;
RDF formats give the whole graph or, when filtered, the selected statements with
what they point to. Every file is written atomically and byte-for-byte the same
for the same graph: nodes and edges sorted, no dates, a fixed layout seed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from scmgraph.atomic import write_atomic
from scmgraph.rdf.describe import quads
from scmgraph.rdf.store import load_store
from scmgraph.rdf.terms import SCM
from scmgraph.resources import DEFAULT_OUT
from scmgraph.views.network import Corpus, Filters, node_key, read_corpus
from scmgraph.views.picture import draw_entities
from scmgraph.views.projections import project

NETWORK_FORMATS = ("graphml", "gexf", "cytoscape", "dot", "png")
RDF_FORMATS = ("jsonld", "ttl", "nt", "trig")
FORMATS = (*NETWORK_FORMATS, "csv", *RDF_FORMATS)
EXTENSIONS = MappingProxyType({"cytoscape": "cyjs"})
DEFAULT_GRAPH = DEFAULT_OUT / "scmgraph.trig"
# Predicates that describe a node a selected statement points to (no text, no offsets).
_DESCRIPTIVE = frozenset(
    str(p)
    for p in (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.notation, SCM.acronym, SCM.partyCode)
) | frozenset(
    str(p) for p in (DCTERMS.title, DCTERMS.date, SCM.ordinal, SCM.reportsMeeting, SCM.series)
)
_PARTS = frozenset(
    str(p) for p in (SCM.sentence, SCM.verbPhrase, SCM.topicAssignment, SCM.deadline)
)
_POINTERS = frozenset(
    str(p)
    for p in (SCM.mentions, SCM.speaker, SCM.actor, SCM.speechActClass, SCM.verb, DCTERMS.subject)
)


def export(
    dataset_or_store: Graph | ox.Store,
    fmt: str,
    out: Path,
    *,
    projection: str = "entities",
    meeting: int | None = None,
    topic: str | None = None,
    entity: str | None = None,
    since: int | None = None,
    until: int | None = None,
    top: int = 30,
) -> list[Path]:
    """Write ``fmt`` to ``out`` (a folder for csv, else a file or an existing folder).

    Raises LookupError when a topic or entity filter names nothing in the graph.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt == "png":
        projection = "entities"
    store = load_store(dataset_or_store)
    filters = Filters(meeting, topic, entity, since, until)
    corpus = read_corpus(store, filters)
    out = Path(out)
    if fmt == "csv":
        return _write_tables(corpus, out)
    if out.is_dir():
        name = "scmgraph" if fmt in RDF_FORMATS else f"scmgraph-{projection}"
        out = out / f"{name}.{EXTENSIONS.get(fmt, fmt)}"
    if fmt in RDF_FORMATS:
        data = rdf_bytes(_dataset(dataset_or_store, corpus if filters.active else None), fmt)
    elif fmt == "png":
        data = draw_entities(project(corpus, "entities"), top=top, title=_title(filters))
    else:
        data = network_bytes(project(corpus, projection), fmt)
    write_atomic(out, data)
    return [out]


def _title(f: Filters) -> str:
    parts = [f"meeting {f.meeting}" if f.meeting is not None else ""]
    parts += [f"topic {f.topic}" if f.topic else "", f"entity {f.entity}" if f.entity else ""]
    if f.since is not None or f.until is not None:
        parts.append(f"{f.since or '…'}–{f.until or '…'}")
    return ", ".join(p for p in parts if p)


# --- networks --------------------------------------------------------------------------


def network_bytes(graph: nx.Graph, fmt: str) -> bytes:
    """A projection as GraphML, GEXF 1.2draft, Cytoscape.js JSON or DOT."""
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(graph, buffer, edge_id_from_attribute="id")
        return buffer.getvalue()
    if fmt == "gexf":
        return _gexf(graph)
    if fmt == "cytoscape":
        return (json.dumps(cytoscape(graph), indent=1, ensure_ascii=False) + "\n").encode()
    if fmt == "dot":
        return dot(graph).encode("utf-8")
    raise ValueError(f"{fmt!r} is not a network format")


def _gexf(graph: nx.Graph) -> bytes:
    """networkx's GEXF without what the schema rejects (graph/@name) or varies (the date)."""
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(version="1.2draft")
    writer.add_graph(graph)
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
        for creator in meta.findall("creator"):
            creator.text = "scmgraph"
        description = f"scmgraph {graph.graph.get('projection', '')} network"
        meta.append(meta.makeelement("description", {}))
        meta[-1].text = description
    element = writer.xml.find("graph")
    if element is not None:
        element.attrib.pop("name", None)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def cytoscape(graph: nx.Graph) -> dict[str, Any]:
    """Cytoscape.js elements JSON: ``{elements: {nodes: [{data}], edges: [{data}]}}``."""
    nodes = [
        {"data": {"id": n, "name": str(d.get("label", n)), **d}} for n, d in graph.nodes(data=True)
    ]
    edges = [
        {"data": {**d, "id": d["id"], "source": u, "target": v}}
        for u, v, d in graph.edges(data=True)
    ]
    return {
        "format_version": "1.0",
        "generated_by": "scmgraph",
        "target_cytoscapejs_version": "~3",
        "data": {
            "name": f"scmgraph-{graph.graph.get('projection', 'network')}",
            "directed": graph.is_directed(),
        },
        "elements": {"nodes": nodes, "edges": edges},
    }


def _dot_id(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def dot(graph: nx.Graph) -> str:
    """Graphviz DOT; every attribute quoted, edge pen width growing with weight."""
    kind, arrow = ("digraph", "->") if graph.is_directed() else ("graph", "--")
    lines = [
        f"{kind} {_dot_id('scmgraph-' + str(graph.graph.get('projection', 'network')))} {{",
        '  graph [overlap="false", splines="true", outputorder="edgesfirst"];',
        '  node [shape="box", style="rounded,filled", fillcolor="#eef3f8", fontname="Helvetica"];',
    ]
    for node, data in graph.nodes(data=True):
        attrs = ", ".join(f"{k}={_dot_id(v)}" for k, v in data.items())
        lines.append(f"  {_dot_id(node)} [{attrs}];")
    for u, v, data in graph.edges(data=True):
        extra = {"penwidth": min(8, int(data.get("weight", 1)))} if "weight" in data else {}
        attrs = ", ".join(f"{k}={_dot_id(v)}" for k, v in {**data, **extra}.items())
        lines.append(f"  {_dot_id(u)} {arrow} {_dot_id(v)} [{attrs}];")
    return "\n".join([*lines, "}"]) + "\n"


# --- tables ----------------------------------------------------------------------------

TABLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "statements.csv": (
            "statement",
            "communique",
            "meeting",
            "year",
            "date",
            "paragraph",
            "sentence",
            "clause",
            "verb",
            "class",
            "text",
        ),
        "mentions.csv": ("statement", "entity", "label", "type", "meeting", "year"),
        "entities.csv": (
            "entity",
            "key",
            "label",
            "type",
            "acronym",
            "statements",
            "first_year",
            "last_year",
        ),
        "actors.csv": ("statement", "agent", "label", "role"),
        "topics.csv": ("statement", "topic", "notation"),
        "threads.csv": (
            "link",
            "previous",
            "current",
            "kind",
            "similarity",
            "label",
            "previous_meeting",
            "current_meeting",
        ),
    }
)


def tables(corpus: Corpus) -> dict[str, list[tuple[Any, ...]]]:
    """Tidy tables, one row per observation, sorted; keys are TABLES' file names."""
    sts = corpus.statements
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
    seen: dict[str, list[int | None]] = {}
    for st in sts.values():
        rows["statements.csv"].append(
            (
                st.iri,
                st.communique,
                st.meeting,
                st.year,
                st.date,
                st.paragraph,
                st.sentence,
                st.clause,
                st.verb,
                corpus.node(st.verb_class).label if st.verb_class else "",
                st.text,
            )
        )
        for e in sorted(st.mentions):
            node = corpus.node(e)
            rows["mentions.csv"].append((st.iri, e, node.label, node.type, st.meeting, st.year))
            seen.setdefault(e, []).append(st.year)
        for role, agents in (("actor", st.actors), ("speaker", st.speakers)):
            rows["actors.csv"] += [(st.iri, a, corpus.node(a).label, role) for a in sorted(agents)]
        rows["topics.csv"] += [(st.iri, t, n) for t, n in sorted(st.topics.items())]
    for e, years in sorted(seen.items()):
        node, known = corpus.node(e), [y for y in years if y is not None]
        first, last = (min(known), max(known)) if known else (None, None)
        rows["entities.csv"].append(
            (e, node_key(e), node.label, node.type, node.acronym, len(years), first, last)
        )
    for t in corpus.threads:
        meetings = (sts[t.previous].meeting, sts[t.current].meeting)
        rows["threads.csv"].append(
            (t.iri, t.previous, t.current, t.kind, t.similarity, t.label, *meetings)
        )
    return rows


def _write_tables(corpus: Corpus, folder: Path) -> list[Path]:
    written = []
    for name, rows in tables(corpus).items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(TABLES[name])
        writer.writerows(tuple("" if v is None else v for v in row) for row in rows)
        write_atomic(folder / name, buffer.getvalue().encode("utf-8"))
        written.append(folder / name)
    return written


# --- RDF -------------------------------------------------------------------------------


def _subset(source: Graph | ox.Store, corpus: Corpus) -> Iterable[tuple[Any, ...]]:
    """The quads of the selected statements, their parts, and labels of what they name."""
    whole, described = set(), set()
    for st in corpus.statements.values():
        whole.add(URIRef(st.iri))
        described.add(URIRef(st.communique))
        for _, p, o, _ in quads(source, URIRef(st.iri)):
            if str(p) in _PARTS:
                whole.add(o)
            elif str(p) in _POINTERS:
                described.add(o)
    for c in list(described):
        described |= {o for _, p, o, _ in quads(source, c) if p == SCM.reportsMeeting}
    whole |= {URIRef(link.iri) for link in corpus.threads}
    for subject in sorted(whole):
        yield from quads(source, subject)
    for subject in sorted(described - whole):
        yield from (q for q in quads(source, subject) if str(q[1]) in _DESCRIPTIVE)


def _dataset(source: Graph | ox.Store, corpus: Corpus | None) -> Dataset:
    """The whole graph (``corpus`` None) or the filtered subset, graphs in IRI order."""
    from scmgraph.rdf.convert import ReproducibleDataset
    from scmgraph.rdf.serialize import PREFIXES

    by_graph: dict[Any, set[tuple[Any, Any, Any]]] = {}
    for s, p, o, g in quads(source) if corpus is None else _subset(source, corpus):
        by_graph.setdefault(g, set()).add((s, p, o))
    dataset = ReproducibleDataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    for name in sorted(by_graph, key=lambda g: "" if g is None else str(g)):
        target = dataset.default_graph if name is None else dataset.graph(name)
        for triple in sorted(by_graph[name]):
            target.add(triple)
    return dataset


def rdf_bytes(dataset: Dataset, fmt: str) -> bytes:
    """TriG, Turtle (all graphs merged), sorted N-Triples, or compacted JSON-LD."""
    from scmgraph.rdf.serialize import to_jsonld, union_graph

    if fmt == "trig":
        return dataset.serialize(format="trig", encoding="utf-8")
    if fmt == "jsonld":
        return to_jsonld(dataset).encode("utf-8")
    union = union_graph(dataset)
    if fmt == "ttl":
        return union.serialize(format="turtle", encoding="utf-8")
    if fmt == "nt":
        lines = sorted(set(union.serialize(format="nt", encoding="utf-8").decode().splitlines()))
        return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
    raise ValueError(f"{fmt!r} is not an RDF format")


# --- command line ------------------------------------------------------------------------
