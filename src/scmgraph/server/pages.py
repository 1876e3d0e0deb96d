"""Pages of ``scmgraph serve``: entity pages, service description, VoID, index.

Entity IRIs (``https://w3id.org/scmgraph/id/...``) dereference here under
``/id/...``: a browser gets an HTML page (label, types, the statements that
name the entity over time with their sentence, meeting and paragraph, then all
its facts); other clients get the entity's triples (DESCRIBE) in Turtle,
N-Triples, JSON-LD or RDF/XML. Every text that came from the graph is escaped
before it reaches HTML, and IRIs are built and checked by pyoxigraph before
they reach a query.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

import pyoxigraph as ox
from werkzeug.wrappers import Request, Response

from scmgraph.namespaces import (
    DCTERMS,
    FORMATS,
    ID,
    RDF,
    RDFS,
    SCM,
    SD,
    SKOS,
    VOID,
    XSD,
    sparql_prologue,
)
from scmgraph.server import explore
from scmgraph.server.protocol import Refusal, content_type, html_response
from scmgraph.server.render import render, short
from scmgraph.sparql.render import plain
from scmgraph.sparql.results import GRAPH_TYPES, RESULT_TYPES, Task
from scmgraph.sparql.values import insert_values

if TYPE_CHECKING:
    from scmgraph.sparql.query import StoredQuery, Table


class App(explore.App, Protocol):
    """What a page asks of the application (``scmgraph.server.app.App``) beyond what the
    explorer asks: a SELECT as a table, and the store's statistics."""

    def select(self, text: str) -> Table: ...

    def stats(self) -> Stats: ...


LABELS = (RDFS + "label", SKOS + "prefLabel", SCM + "nameAsWritten")
PAGE_TYPES = ("text/turtle", "text/html", *GRAPH_TYPES[1:])
PAGE_FORMATS = {
    "html": "text/html",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}

FACTS = "SELECT DISTINCT ?p ?o WHERE { ?entity ?p ?o } ORDER BY ?p ?o"
CITED = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?entity }"
STATEMENTS = (
    "\n"
    + sparql_prologue("scm", "nif", "dcterms")
    + """SELECT DISTINCT ?statement ?role ?verb ?text ?paragraph ?sentence ?communique
       ?series ?ordinal ?date
WHERE {
  ?statement ?role $entity ; a scm:Statement ; scm:sentence ?s .
  ?s nif:anchorOf ?text ; nif:referenceContext ?communique .
  OPTIONAL { ?s scm:sentenceNumber ?sentence }
  OPTIONAL { ?s nif:superString/scm:paragraphNumber ?paragraph }
  OPTIONAL { ?statement scm:verbLemma ?verb }
  OPTIONAL {
    ?communique scm:reportsMeeting ?meeting .
    OPTIONAL { ?meeting scm:series/scm:acronym ?series }
    OPTIONAL { ?meeting scm:ordinal ?ordinal }
    OPTIONAL { ?meeting dcterms:date ?date }
  }
}
ORDER BY ?date ?communique ?paragraph ?sentence ?statement ?role
"""
)

# --- statistics (service description, VoID) ---------------------------------------------


@dataclass(frozen=True)
class Stats:
    graphs: tuple[tuple[str, int], ...]
    classes: tuple[tuple[str, int], ...]

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)


def compute_stats(app: App) -> Stats:
    graphs = app.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    classes = app.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
    )
    return Stats(
        graphs=tuple((g.value, int(n.value)) for g, n in graphs.rows if g is not None),
        classes=tuple(
            (c.value, int(n.value)) for c, n in classes.rows if isinstance(c, ox.NamedNode)
        ),
    )


def base_url(app: App, request: Request) -> str:
    """The server's own URL as the client named it, if that is a valid IRI."""
    url = request.host_url
    try:
        ox.NamedNode(url)
    except ValueError:
        url = f"http://{app.settings.host}:{app.settings.port}/"
    return url


def _t(
    s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
) -> ox.Triple:
    return ox.Triple(s, ox.NamedNode(p), o)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description(app: App, request: Request) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of this endpoint and its dataset."""
    stats = app.stats()
    endpoint = ox.NamedNode(base_url(app, request) + "sparql")
    s = app.settings
    triples = [
        _t(endpoint, RDF + "type", ox.NamedNode(SD + "Service")),
        _t(endpoint, SD + "endpoint", endpoint),
        _t(endpoint, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query")),
        _t(endpoint, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph")),
        _t(
            endpoint,
            SD + "defaultEntailmentRegime",
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        _t(
            endpoint,
            RDFS + "comment",
            ox.Literal(
                f"Read-only scmgraph endpoint. The default graph is the union of the named graphs. "
                f"SERVICE is disabled; queries stop after {s.timeout:g} s; at most {s.max_rows} "
                f"rows or triples are returned (header {'X-Result-Truncated'} when cut)."
            ),
        ),
    ]
    triples += [
        _t(endpoint, SD + "resultFormat", ox.NamedNode(FORMATS + name))
        for name in RESULT_FORMAT_IRIS
    ]
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    triples += [
        _t(endpoint, SD + "defaultDataset", dataset),
        _t(dataset, RDF + "type", ox.NamedNode(SD + "Dataset")),
        _t(dataset, SD + "defaultGraph", default),
        _t(default, RDF + "type", ox.NamedNode(SD + "Graph")),
        _t(default, VOID + "triples", _count(stats.triples)),
    ]
    for index, (graph, n) in enumerate(stats.graphs):
        named, inner = ox.BlankNode(f"named{index}"), ox.BlankNode(f"graph{index}")
        triples += [
            _t(dataset, SD + "namedGraph", named),
            _t(named, RDF + "type", ox.NamedNode(SD + "NamedGraph")),
            _t(named, SD + "name", ox.NamedNode(graph)),
            _t(named, SD + "graph", inner),
            _t(inner, RDF + "type", ox.NamedNode(SD + "Graph")),
            _t(inner, VOID + "triples", _count(n)),
        ]
    return triples


def void_description(app: App, request: Request) -> list[ox.Triple]:
    """A VoID description: size, named graphs as subsets, class partitions."""
    from scmgraph.rdf.describe import About

    stats = app.stats()
    base = base_url(app, request)
    dataset = ox.NamedNode(base + ".well-known/void#dataset")
    triples = [
        _t(dataset, RDF + "type", ox.NamedNode(VOID + "Dataset")),
        _t(
            dataset,
            DCTERMS + "title",
            ox.Literal(About.load().title),
        ),
        _t(dataset, VOID + "sparqlEndpoint", ox.NamedNode(base + "sparql")),
        _t(dataset, VOID + "uriSpace", ox.Literal(ID)),
        _t(dataset, VOID + "vocabulary", ox.NamedNode(SCM)),
        _t(dataset, VOID + "triples", _count(stats.triples)),
        _t(dataset, VOID + "classes", _count(len(stats.classes))),
        _t(dataset, VOID + "feature", ox.NamedNode(FORMATS + "Turtle")),
        _t(dataset, VOID + "feature", ox.NamedNode(FORMATS + "JSON-LD")),
    ]
    for index, (graph, n) in enumerate(stats.graphs):
        subset = ox.BlankNode(f"subset{index}")
        triples += [
            _t(dataset, VOID + "subset", subset),
            _t(subset, RDF + "type", ox.NamedNode(VOID + "Dataset")),
            _t(subset, SD + "name", ox.NamedNode(graph)),
            _t(subset, VOID + "triples", _count(n)),
        ]
    for index, (cls, n) in enumerate(stats.classes):
        partition = ox.BlankNode(f"class{index}")
        triples += [
            _t(dataset, VOID + "classPartition", partition),
            _t(partition, VOID + "class", ox.NamedNode(cls)),
            _t(partition, VOID + "entities", _count(n)),
        ]
    return triples


# --- entity pages -----------------------------------------------------------------------


def entity_node(rest: str) -> ox.NamedNode:
    """The entity IRI for ``/id/<rest>``; Refusal 404 for dot segments or a bad IRI."""
    return explore.id_node(quote(rest, safe="/-._~!$&'()*+,;=:@%"))


def _ask(app: App, text: str) -> bool:
    reply = app.run(Task(text, media_type=RESULT_TYPES[0], max_rows=1))
    return bool(json.loads(reply.body)["boolean"])


def entity_response(app: App, request: Request, rest: str) -> Response:
    node = entity_node(rest)
    formats = request.args.getlist("format")
    if formats:
        media = PAGE_FORMATS.get(formats[0].lower())
        if media is None:
            raise Refusal(400, f"unknown format {formats[0]!r}")
    elif not request.accept_mimetypes:
        media = PAGE_TYPES[0]
    else:
        best = request.accept_mimetypes.best_match([*PAGE_TYPES, "application/json"])
        if best is None:
            raise Refusal(406, f"offered: {', '.join(PAGE_TYPES)}")
        media = "application/ld+json" if best == "application/json" else best
    if media == "text/html":
        page = None
        if rest.startswith("meeting/"):
            from scmgraph.server.meetings import meeting_page

            page = meeting_page(app, node)
        page = page or _entity_page(app, node)
        page.headers["Vary"] = "Accept"
        return page
    if not _ask(app, f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"):
        raise Refusal(404, f"no such entity: {node.value}")
    reply = app.run(Task(f"DESCRIBE {node}", media_type=media, max_rows=app.settings.max_rows))
    response = Response(reply.body, content_type=content_type(reply.media or media))
    response.headers["Vary"] = "Accept"
    return response


def _entity_page(app: App, node: ox.NamedNode) -> Response:
    entity = {ox.Variable("entity"): node}
    facts = app.select(insert_values(FACTS, entity))
    statements = app.select(insert_values(STATEMENTS, entity))
    incoming = app.select(insert_values(CITED, entity))
    cited = int(incoming.rows[0][0].value) if incoming.rows else 0
    if not facts.rows and not cited:
        return html_response(render("not_found.html", title="Not found", iri=node.value), 404)
    labels = [o for p, o in facts.rows if p is not None and p.value in LABELS]
    label = plain(labels[0]) if labels else node.value[len(ID) :]
    types = [o for p, o in facts.rows if p is not None and p.value == RDF + "type"]
    entries = _statement_rows(statements.rows, statements.columns)
    from scmgraph.server.meetings import entity_links

    links = entity_links(app, node, {role for e in entries for role in e.roles})
    page = render(
        "entity.html",
        title=label,
        label=label,
        iri=node.value,
        types=types,
        statements=entries,
        facts=facts.rows,
        cited=cited,
        links=links,
    )
    return html_response(page)


@dataclass
class _StatementRow:
    statement: ox.NamedNode
    roles: list[str]
    meeting: str
    date: str
    paragraph: str
    verb: str
    text: str


def _statement_rows(rows: Iterable[tuple], columns: tuple[str, ...]) -> list[_StatementRow]:
    """One row per statement, roles merged, in the query's (meeting date) order."""
    merged: dict[str, _StatementRow] = {}
    for row in rows:
        cell = dict(zip(columns, row, strict=True))
        key = plain(cell["statement"])
        if key not in merged:
            series = " ".join(v for v in (plain(cell["series"]), plain(cell["ordinal"])) if v)
            merged[key] = _StatementRow(
                statement=cell["statement"],
                roles=[],
                meeting=series or plain(cell["communique"]).rsplit("/", 1)[-1],
                date=plain(cell["date"]),
                paragraph=plain(cell["paragraph"]),
                verb=plain(cell["verb"]),
                text=plain(cell["text"]),
            )
        role = short(plain(cell["role"]))
        if role not in merged[key].roles:
            merged[key].roles.append(role)
    return list(merged.values())


def stored_query_page(
    stored: StoredQuery, values: dict[str, str], table: Table, truncated: bool
) -> str:
    """A stored query: what it answers, a form for its parameters, the result table."""
    formats = [(f, _query_string({**values, "format": f})) for f in ("json", "xml", "csv", "tsv")]
    return render(
        "stored_query.html",
        title=stored.name,
        stored=stored,
        values=values,
        table=table,
        truncated=truncated,
        formats=formats,
    )


def _query_string(values: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(sorted(values.items()))


def index_page(meetings: list[dict[str, Any]] | None = None) -> str:
    """The front page: what is served where, the explorer and its meetings, a query box."""
    from scmgraph.rdf.describe import About

    return render("index.html", title="SPARQL endpoint", about=About.load(), meetings=meetings)
