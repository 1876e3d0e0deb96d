"""The explorer's entity network (Cytoscape.js), label search, and the files it ships.

The network is the entities statements name, joined when one statement names
both (weighted by how many do), read from the store by SPARQL. It is drawn in
the browser by Cytoscape.js, vendored from the npm registry into
``server/static`` with its licence (nothing is fetched at run time); the page's
data is embedded as JSON, and a list of the same entities keeps it usable
without JavaScript. Search matches a text in the labels, alternative labels,
acronyms and written names of named entities, people and meetings.
"""

from __future__ import annotations

import mimetypes
from importlib.resources import files
from typing import TYPE_CHECKING

import pyoxigraph as ox
from werkzeug.wrappers import Request, Response

from scmgraph.server.explore import PREFIXES, number, rows, value
from scmgraph.server.protocol import Refusal, html_response
from scmgraph.server.render import PALETTE, page_path, render, short

if TYPE_CHECKING:
    from scmgraph.server.explore import App

NODES = (
    PREFIXES
    + """
SELECT ?entity (SAMPLE(?name) AS ?label)
       (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types)
       (COUNT(DISTINCT ?statement) AS ?statements) WHERE {
  ?statement scm:mentions ?entity .
  OPTIONAL { ?entity rdfs:label ?name }
  OPTIONAL { ?entity a ?type . ?type rdfs:subClassOf+ scm:NamedEntity }
} GROUP BY ?entity ORDER BY ?entity"""
)
EDGES = (
    PREFIXES
    + """
SELECT ?source ?target (COUNT(DISTINCT ?statement) AS ?weight) WHERE {
  ?statement scm:mentions ?source, ?target .
  FILTER(STR(?source) < STR(?target))
} GROUP BY ?source ?target ORDER BY ?source ?target"""
)
SEARCH = (
    PREFIXES
    + """
SELECT ?thing (MIN(?name) AS ?label) (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types)
       ?wanted WHERE {
  { ?thing rdfs:label ?name } UNION { ?thing skos:altLabel ?name }
  UNION { ?thing scm:acronym ?name } UNION { ?thing scm:nameAsWritten ?name }
  FILTER(CONTAINS(LCASE(STR(?name)), LCASE(STR(?wanted))))
  ?thing a ?type . ?type rdfs:subClassOf* scm:NamedEntity .
  FILTER(?type != scm:NamedEntity)
} GROUP BY ?thing ?wanted ORDER BY ?label LIMIT 200"""
)
# Scripts from this server only (no inline script: the data is an inert JSON element).
GRAPH_POLICY = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'"
# The files under server/static that may be served, and nothing else.
STATIC = ("cytoscape.min.js", "cytoscape.LICENSE", "graph.js")


def _kind(types: str) -> str:
    """The most telling class of a node: its first scm: class other than a generic one."""
    names = sorted(short(t).removeprefix("scm:") for t in types.split())
    return names[0] if names else "entity"


def graph_page(app: App, request: Request) -> Response:
    nodes = rows(app, NODES)
    kinds = sorted({_kind(value(n["types"])) for n in nodes})
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(kinds)}
    data = {
        "nodes": [
            {
                "id": value(n["entity"]),
                "label": value(n["label"]) or value(n["entity"]).rsplit("/", 1)[-1],
                "href": page_path(value(n["entity"])),
                "kind": _kind(value(n["types"])),
                "colour": colours[_kind(value(n["types"]))],
                "statements": number(n["statements"]) or 0,
            }
            for n in nodes
        ],
        "edges": [
            {
                "id": f"{value(e['source'])} {value(e['target'])}",
                "source": value(e["source"]),
                "target": value(e["target"]),
                "weight": number(e["weight"]) or 0,
            }
            for e in rows(app, EDGES)
        ],
    }
    data["nodes"].sort(key=lambda n: -n["statements"])
    page = render("graph.html", title="Entity network", data=data, legend=sorted(colours.items()))
    return html_response(page, policy=GRAPH_POLICY)


def search_page(app: App, request: Request) -> Response:
    text = request.args.get("q", "").strip()
    if len(text) > 200:
        raise Refusal(400, "the search text is longer than 200 characters")
    found = []
    if text:
        for r in rows(app, SEARCH, wanted=ox.Literal(text)):
            found.append(
                {
                    "href": page_path(value(r["thing"])),
                    "iri": value(r["thing"]),
                    "label": value(r["label"]),
                    "kind": _kind(value(r["types"])),
                }
            )
    page = render("search.html", title="Search", search_text=text, found=found)
    return html_response(page)


def static_file(app: App, request: Request, name: str) -> Response:
    """One of the files the package ships for the pages, cached by the browser."""
    if name not in STATIC:
        raise Refusal(404, "not found")
    body = files("scmgraph.server").joinpath("static", name).read_bytes()
    media = mimetypes.guess_type(name)[0] or "text/plain"
    response = Response(body, content_type=f"{media}; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
