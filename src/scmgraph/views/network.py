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

import pyoxigraph as ox
from rdflib import Graph

from scmgraph.rdf.store import load_store
from scmgraph.rdf.terms import ID, PREFIXES
from scmgraph.registry.entity_types import by_name

_TOKEN = re.compile(r"^[A-Za-z0-9._:-]+$")

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


def best_type(types: set[str]) -> str:
    """The type of lowest precedence among ``types`` (``NamedEntity`` if none is ranked)."""
    known = by_name()
    ranked = sorted((known[t].precedence, t) for t in types if t in known)
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
        nodes[iri] = Node(iri, label, best_type(info["type"]), acronym)
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
