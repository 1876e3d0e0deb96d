"""Network projections of the graph for visualisation tools (Gephi, Cytoscape, yEd).

Every projection is read from the graph with SPARQL, never from the text, so that
whatever the graph holds (built here, loaded from TriG, edited by hand) is what a
network shows. Node ids are short, stable keys derived from the IRIs
(``org:combined-forces-command``) because GraphML ids must be XML name tokens;
the full IRI travels in the ``iri`` attribute. Attribute values are plain
str/int/float, which is all GraphML, GEXF and JSON writers accept.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from scmgraph.rdf.terms import ENTITY_CLASSES, ID, PREFIXES
from scmgraph.views.statements import load_store

PROJECTIONS = ("entities", "speakers", "threads")
_TOKEN = re.compile(r"^[A-Za-z0-9._:-]+$")
_TYPE_RANK = {name: i for i, name in enumerate(("Party", *ENTITY_CLASSES))}
_CATEGORY = {
    "Person": "person",
    "State": "state",
    "Party": "state",
    "MilitaryCommand": "organisation",
    "GovernmentBody": "organisation",
    "ConsultativeBody": "organisation",
    "InternationalOrganization": "organisation",
    "Agreement": "document",
    "Plan": "document",
    "Exercise": "activity",
    "Meeting": "activity",
    "Initiative": "activity",
    "Capability": "capability",
    "Place": "place",
}

_STATEMENTS = """
SELECT DISTINCT ?st ?c ?series ?ordinal ?date ?paragraph ?sentence ?clause ?verb ?class ?text
WHERE {
  ?st a scm:Statement ; scm:sentence ?s ; scm:clauseIndex ?clause ; scm:verbLemma ?verb .
  OPTIONAL { ?st scm:speechActClass ?class }
  ?s nif:referenceContext ?c ; scm:sentenceNumber ?sentence ; nif:anchorOf ?text ;
     nif:superString/scm:paragraphNumber ?paragraph .
  OPTIONAL { ?c scm:reportsMeeting ?m .
    OPTIONAL { ?m scm:ordinal ?ordinal } OPTIONAL { ?m dcterms:date ?date }
    OPTIONAL { ?m scm:series/rdfs:label ?series } }
}"""
_LINKS = "SELECT DISTINCT ?st ?o WHERE {{ ?st a scm:Statement ; {path} ?o }}"
_TOPICS = """
SELECT DISTINCT ?st ?topic ?notation WHERE {
  ?st a scm:Statement ; dcterms:subject ?topic . OPTIONAL { ?topic skos:notation ?notation }
}"""
_NODES = """
SELECT DISTINCT ?e ?label ?type ?acronym ?notation WHERE {
  ?st scm:mentions|scm:speaker|scm:actor|scm:speechActClass ?e .
  OPTIONAL { ?e rdfs:label ?label } OPTIONAL { ?e a ?type }
  OPTIONAL { ?e scm:acronym ?acronym } OPTIONAL { ?e skos:notation ?notation }
}"""
_THREADS = """
SELECT DISTINCT ?link ?current ?previous ?kind ?similarity ?label WHERE {
  ?link a scm:ThreadLink ; scm:currentStatement ?current ; scm:previousStatement ?previous .
  OPTIONAL { ?link scm:threadKind ?kind } OPTIONAL { ?link scm:wordingSimilarity ?similarity }
  OPTIONAL { ?link rdfs:label ?label }
}"""


def node_key(iri: str) -> str:
    """``org:combined-forces-command`` for an IRI under id/: a valid XML name token."""
    if iri.startswith(str(ID)):
        rest = iri[len(str(ID)) :]
        key = rest.replace("/", ":")
        if ":" not in rest and _TOKEN.match(key):
            return key
    return "x" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass(frozen=True)
class Filters:
    """Which statements a projection shows; ``None`` leaves a facet open."""

    meeting: int | None = None
    topic: str | None = None
    entity: str | None = None
    since: int | None = None
    until: int | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.meeting, self.topic, self.entity, self.since)) or (
            self.until is not None
        )


@dataclass
class Statement:
    iri: str
    communique: str
    series: str
    meeting: int | None
    year: int | None
    date: str
    paragraph: int
    sentence: int
    clause: int
    verb: str
    verb_class: str
    text: str
    mentions: set[str] = field(default_factory=set)
    speakers: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)
    topics: dict[str, str] = field(default_factory=dict)  # IRI -> notation

    @property
    def order(self) -> tuple[int, str, int, int, int]:
        return (self.meeting or 0, self.communique, self.paragraph, self.sentence, self.clause)

    @property
    def label(self) -> str:
        where = f"{self.series} {self.meeting}" if self.meeting is not None else self.communique
        return f"{where.strip()} ¶{self.paragraph}.{self.sentence}.{self.clause} {self.verb}"


@dataclass(frozen=True)
class Node:
    iri: str
    label: str
    type: str
    acronym: str


@dataclass(frozen=True)
class ThreadLink:
    iri: str
    current: str
    previous: str
    kind: str
    similarity: float
    label: str


@dataclass
class Corpus:
    """What the projections need, read from the graph once, with filters applied."""

    statements: dict[str, Statement]
    nodes: dict[str, Node]
    threads: list[ThreadLink]

    def node(self, iri: str) -> Node:
        return self.nodes.get(iri) or Node(iri, _tail(iri), "NamedEntity", "")


def _rows(store: ox.Store, query: str) -> Iterable[dict[str, str | None]]:
    solutions = store.query(query, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        yield {n: (None if row[n] is None else row[n].value) for n in names}


def _best_type(types: set[str]) -> str:
    ranked = sorted((_TYPE_RANK[t], t) for t in types if t in _TYPE_RANK)
    return ranked[0][1] if ranked else "NamedEntity"


def _read_nodes(store: ox.Store) -> dict[str, Node]:
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _rows(store, _NODES):
        info = found[str(row["e"])]
        for key in ("label", "acronym", "notation"):
            if row[key]:
                info[key].add(str(row[key]))
        if row["type"]:
            info["type"].add(_tail(str(row["type"])))
    nodes = {}
    for iri, info in found.items():
        label = min(info["notation"] or info["label"] or {_tail(iri)})
        acronym = min(info["acronym"]) if info["acronym"] else ""
        nodes[iri] = Node(iri, label, _best_type(info["type"]), acronym)
    return nodes


def _matches(value: str, iri: str, node: Node | None) -> bool:
    wanted = value.casefold()
    names = {iri, _tail(iri), node_key(iri)}
    if node is not None:
        names |= {node.label, node.acronym}
    return wanted in {n.casefold() for n in names if n}


def read_corpus(source: Graph | ox.Store, filters: Filters = Filters()) -> Corpus:
    """Statements (with their mentions, speakers, actors, topics) that pass ``filters``.

    Raises LookupError when a topic or entity filter names nothing in the graph.
    """
    store = load_store(source)
    statements: dict[str, Statement] = {}
    for row in _rows(store, _STATEMENTS):
        iri = str(row["st"])
        date = row["date"] or ""
        statements.setdefault(
            iri,
            Statement(
                iri=iri,
                communique=str(row["c"]),
                series=row["series"] or "",
                meeting=int(row["ordinal"]) if row["ordinal"] else None,
                year=int(date[:4]) if date[:4].isdigit() else None,
                date=date,
                paragraph=int(str(row["paragraph"])),
                sentence=int(str(row["sentence"])),
                clause=int(str(row["clause"])),
                verb=str(row["verb"]),
                verb_class=str(row["class"] or ""),
                text=str(row["text"]),
            ),
        )
    links = (("mentions", "scm:mentions"), ("speakers", "scm:speaker"), ("actors", "scm:actor"))
    for attr, path in links:
        for row in _rows(store, _LINKS.format(path=path)):
            if row["st"] in statements:
                getattr(statements[str(row["st"])], attr).add(str(row["o"]))
    for row in _rows(store, _TOPICS):
        if row["st"] in statements:
            topic = str(row["topic"])
            statements[str(row["st"])].topics[topic] = row["notation"] or _tail(topic)
    nodes = _read_nodes(store)
    kept = _apply(statements, nodes, filters)
    threads = [
        ThreadLink(
            iri=str(row["link"]),
            current=str(row["current"]),
            previous=str(row["previous"]),
            kind=row["kind"] or "",
            similarity=float(row["similarity"] or 0.0),
            label=row["label"] or "",
        )
        for row in _rows(store, _THREADS)
        if row["current"] in kept and row["previous"] in kept
    ]
    threads.sort(key=lambda t: t.iri)
    return Corpus(kept, nodes, threads)


def _apply(
    statements: dict[str, Statement], nodes: dict[str, Node], f: Filters
) -> dict[str, Statement]:
    """The statements that pass every filter, in reading order."""
    topics: set[str] | None = None
    entities: set[str] | None = None
    if f.topic is not None:
        known = {t: n for st in statements.values() for t, n in st.topics.items()}
        topics = {t for t, n in known.items() if _matches(f.topic, t, Node(t, n, "", ""))}
        if not topics:
            raise LookupError(f"no topic {f.topic!r} in the graph")
    if f.entity is not None:
        mentioned = {e for st in statements.values() for e in st.mentions}
        entities = {e for e in mentioned if _matches(f.entity, e, nodes.get(e))}
        if not entities:
            raise LookupError(f"no mentioned entity {f.entity!r} in the graph")
    kept = []
    for st in statements.values():
        if f.meeting is not None and st.meeting != f.meeting:
            continue
        if f.since is not None and (st.year is None or st.year < f.since):
            continue
        if f.until is not None and (st.year is None or st.year > f.until):
            continue
        if topics is not None and not topics & st.topics.keys():
            continue
        if entities is not None and not entities & st.mentions:
            continue
        kept.append(st)
    return {st.iri: st for st in sorted(kept, key=lambda s: (s.order, s.iri))}


# --- projections ------------------------------------------------------------------------


def _years(values: Iterable[int | None]) -> dict[str, Any]:
    years = sorted({y for y in values if y is not None})
    if not years:
        return {}
    return {"first_year": years[0], "last_year": years[-1], "years": " ".join(map(str, years))}


def _entity_attrs(node: Node) -> dict[str, Any]:
    attrs = {"iri": node.iri, "label": node.label, "type": node.type}
    attrs["category"] = _CATEGORY.get(node.type, "entity")
    if node.acronym:
        attrs["acronym"] = node.acronym
    return attrs


def _statement_attrs(st: Statement, corpus: Corpus, order: int) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "iri": st.iri,
        "label": st.label,
        "type": "Statement",
        "category": corpus.node(st.verb_class).label if st.verb_class else "statement",
        "verb": st.verb,
        "paragraph": st.paragraph,
        "order": order,
        "text": st.text,
        "topics": " ".join(sorted(st.topics.values())),
        **_years([st.year]),
    }
    if st.meeting is not None:
        attrs["meeting"] = st.meeting
    return attrs


def _finish(graph: nx.Graph) -> nx.Graph:
    """Set ``degree`` on every node; return a copy with nodes and edges in sorted order."""
    ordered = graph.__class__()
    ordered.graph.update(graph.graph)
    for node in sorted(graph.nodes):
        ordered.add_node(node, **graph.nodes[node], degree=int(graph.degree(node)))
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: e[2]["id"]):
        ordered.add_edge(u, v, **data)
    return ordered


def entity_network(corpus: Corpus) -> nx.Graph:
    """Entities linked when a statement mentions both; weight = number of such statements."""
    graph = nx.Graph(projection="entities")
    years: dict[str, list[int | None]] = defaultdict(list)
    pairs: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    for st in corpus.statements.values():
        keys = sorted({node_key(e): e for e in st.mentions}.items())
        for _key, iri in keys:
            years[iri].append(st.year)
        for i, (a, _) in enumerate(keys):
            for b, _ in keys[i + 1 :]:
                pairs[(a, b)].append(st)
    for iri, seen in years.items():
        attrs = _entity_attrs(corpus.node(iri))
        graph.add_node(node_key(iri), **attrs, statements=len(seen), **_years(seen))
    for (a, b), sts in pairs.items():
        found = _years(st.year for st in sts)
        found.pop("years", None)
        graph.add_edge(
            a,
            b,
            id=f"{a}--{b}",
            weight=len(sts),
            label=f"{len(sts)} statement{'s' if len(sts) > 1 else ''}",
            statements=" ".join(sorted(st.iri for st in sts)),
            **found,
        )
    return _finish(graph)


def speaker_network(corpus: Corpus) -> nx.DiGraph:
    """People and parties -> the statements they make -> the entities those mention.

    Speakers and actors get their own ``agent:`` nodes (layer 0) even when a
    statement also mentions them, so the three layers stay apart.
    """
    graph = nx.DiGraph(projection="speakers")
    agent_years: dict[str, list[int | None]] = defaultdict(list)
    entity_years: dict[str, list[int | None]] = defaultdict(list)
    for order, st in enumerate(corpus.statements.values(), start=1):
        key = node_key(st.iri)
        graph.add_node(key, **_statement_attrs(st, corpus, order), layer=1)
        for role, agents in (("speaker", st.speakers), ("actor", st.actors)):
            for agent in sorted(agents):
                agent_years[agent].append(st.year)
                source = f"agent:{node_key(agent)}"
                graph.add_edge(source, key, id=f"{role}:{source}--{key}", role=role)
        for entity in sorted(st.mentions):
            entity_years[entity].append(st.year)
            target = node_key(entity)
            graph.add_edge(key, target, id=f"mentions:{key}--{target}", role="mentions")
    for agent, seen in agent_years.items():
        attrs = _entity_attrs(corpus.node(agent))
        attrs["category"] = "speaker" if attrs["type"] == "Person" else "party"
        graph.add_node(f"agent:{node_key(agent)}", **attrs, layer=0, **_years(seen))
    for entity, seen in entity_years.items():
        graph.add_node(node_key(entity), **_entity_attrs(corpus.node(entity)), layer=2)
        graph.nodes[node_key(entity)].update(_years(seen))
    return _finish(graph)


def thread_network(corpus: Corpus) -> nx.DiGraph:
    """Statements ordered by meeting; edges from a statement to the later one carrying it on."""
    graph = nx.DiGraph(projection="threads")
    for order, st in enumerate(corpus.statements.values(), start=1):
        graph.add_node(node_key(st.iri), **_statement_attrs(st, corpus, order))
    for link in corpus.threads:
        graph.add_edge(
            node_key(link.previous),
            node_key(link.current),
            id=node_key(link.iri),
            iri=link.iri,
            kind=link.kind,
            similarity=link.similarity,
            label=link.label,
        )
    return _finish(graph)


def project(corpus: Corpus, projection: str) -> nx.Graph:
    """The named projection (one of PROJECTIONS) of ``corpus``."""
    builders = {"entities": entity_network, "speakers": speaker_network, "threads": thread_network}
    if projection not in builders:
        raise ValueError(f"unknown projection {projection!r} (expected one of {PROJECTIONS})")
    return builders[projection](corpus)
