"""SPARQL in a browser: ``/sparql`` asked for HTML is a query editor with results.

The editor is a plain GET form (it works without JavaScript); the stored
queries are offered as examples. A query sent from it passes the same checks
(updates and SERVICE refused, nesting bounded) and runs in the same worker pool,
with the same time and row limits, as any protocol request; a refusal is shown
on the page with the status the protocol gives it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pyoxigraph as ox
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from scmgraph.namespaces import sparql_prologue
from scmgraph.server.pool import PoolError
from scmgraph.server.protocol import Refusal, check_query, graph_list, html_response
from scmgraph.server.render import render
from scmgraph.sparql.results import RDF_PREFIXES, RESULT_TYPES, Task

if TYPE_CHECKING:
    from scmgraph.server.explore import App

FIRST_QUERY = (
    sparql_prologue("scm", "dcterms")
    + """SELECT ?meeting ?ordinal ?date WHERE {
  ?meeting a scm:Meeting ; scm:ordinal ?ordinal .
  OPTIONAL { ?meeting dcterms:date ?date }
} ORDER BY ?date"""
)


class Triples:
    """CONSTRUCT or DESCRIBE results as a table of subject, predicate, object."""

    columns = ("subject", "predicate", "object")

    def __init__(self, ntriples: bytes) -> None:
        self.rows = [
            (t.subject, t.predicate, t.object)
            for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
        ]


def _run(app: App, text: str, params: MultiDict[str, str]) -> dict[str, Any]:
    """What the page shows of a query's answer: a table, a boolean, and whether cut."""
    shape = check_query(text)
    graphs = {
        "default_graphs": graph_list(params, "default-graph-uri"),
        "named_graphs": graph_list(params, "named-graph-uri"),
    }
    limit = app.settings.max_rows
    if shape.form == "ASK":
        reply = app.run(Task(text, media_type=RESULT_TYPES[0], max_rows=1, **graphs))
        return {"boolean": bool(json.loads(reply.body)["boolean"])}
    if shape.form in ("CONSTRUCT", "DESCRIBE"):
        reply = app.run(Task(text, "application/n-triples", limit, **graphs))
        return {"table": Triples(reply.body), "truncated": reply.truncated}
    reply = app.run(Task(text, media_type=None, max_rows=limit, **graphs))
    return {"table": reply.table, "truncated": reply.truncated}


def editor_page(app: App, params: MultiDict[str, str], query: str | None = None) -> Response:
    """The editor, filled with ``query`` (or the example asked for) and its results."""
    from scmgraph.sparql.query import list_queries

    examples = list_queries(app.settings.queries)
    chosen = next((q for q in examples if q.name == params.get("example")), None)
    text = query if query is not None else chosen.text if chosen else FIRST_QUERY
    answer: dict[str, Any] = {}
    error, status = "", 200
    if query is not None:
        try:
            answer = _run(app, query, params)
        except Refusal as refusal:
            error, status = refusal.message, refusal.status
        except PoolError as exc:
            error, status = str(exc), exc.status
    formats = []
    if query is not None and not error:
        kinds = (
            ("turtle", "jsonld", "nt")
            if "boolean" not in answer and isinstance(answer.get("table"), Triples)
            else ("json", "xml", "csv", "tsv")
        )
        formats = [(f, urlencode({"query": query, "format": f})) for f in kinds]
    page = render(
        "sparql.html",
        title="SPARQL",
        text=text,
        ran=query is not None,
        error=error,
        formats=formats,
        examples=examples,
        chosen=chosen.name if chosen else "",
        max_rows=app.settings.max_rows,
        timeout=app.settings.timeout,
        **answer,
    )
    return html_response(page, status=status)


def description_page(title: str, triples: list[ox.Triple]) -> Response:
    """An RDF description for a browser: its Turtle, and links to the other syntaxes."""
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=RDF_PREFIXES) or b""
    page = render("description.html", title=title, turtle=turtle.decode("utf-8"))
    response = html_response(page)
    response.headers["Vary"] = "Accept"
    return response
