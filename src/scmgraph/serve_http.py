"""The HTTP side of ``scmgraph serve``: SPARQL 1.1 Protocol, routes, negotiation.

Built on werkzeug (request parsing, Accept headers, routing, the threaded
server), so no HTTP is written by hand here. Queries never run in the request
thread: each goes to the worker pool of ``serve``, which enforces the time
limit. This module also holds ``execute``, what a worker does with a task,
because the result serialisers belong with the media types they answer.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler
from werkzeug.serving import make_server as werkzeug_server
from werkzeug.wrappers import Request, Response

from scmgraph.serve import (
    MAX_NESTING,
    PoolError,
    Reply,
    Settings,
    Task,
    WorkerPool,
    inspect_query,
    nesting_message,
)

if TYPE_CHECKING:
    from scmgraph.query import StoredQuery

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_PREFIXES = {
    "scm": "https://w3id.org/scmgraph/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

# Media types we answer, by kind of result; the first of each list is the default.
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
RESULT_ALIASES = {"application/json": RESULT_TYPES[0], "application/xml": RESULT_TYPES[1]}
RESULT_ALIASES["text/xml"] = RESULT_TYPES[1]
GRAPH_ALIASES = {
    "application/json": "application/ld+json",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
}
FORMAT_NAMES = {
    "json": RESULT_TYPES[0],
    "xml": RESULT_TYPES[1],
    "csv": RESULT_TYPES[2],
    "tsv": RESULT_TYPES[3],
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
BOOLEAN_FORMATS = {
    RESULT_TYPES[0]: ox.QueryResultsFormat.JSON,
    RESULT_TYPES[1]: ox.QueryResultsFormat.XML,
    RESULT_TYPES[2]: ox.QueryResultsFormat.CSV,
    RESULT_TYPES[3]: ox.QueryResultsFormat.TSV,
}
TRUNCATED_HEADER = "X-Result-Truncated"
ROW_LIMIT_HEADER = "X-Result-Row-Limit"


# --- what a worker does with a task -----------------------------------------------------


def execute(store: ox.Store, task: Task) -> Reply:
    """Run ``task`` on ``store``; serialise at most ``max_rows`` rows or triples."""
    from scmgraph.query import Table

    options: dict[str, Any] = {"substitutions": task.substitutions or None}
    if task.default_graphs is None and task.named_graphs is None:
        options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = [ox.NamedNode(g) for g in task.default_graphs or ()]
        if task.named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in task.named_graphs]
    result = store.query(task.text, **options)
    if isinstance(result, ox.QueryBoolean):
        media = task.media_type if task.media_type in BOOLEAN_FORMATS else RESULT_TYPES[0]
        return Reply(ok=True, body=result.serialize(format=BOOLEAN_FORMATS[media]), media=media)
    if isinstance(result, ox.QuerySolutions):
        columns = tuple(v.value for v in result.variables)
        rows = [tuple(s[c] for c in columns) for s in islice(result, task.max_rows + 1)]
        truncated = len(rows) > task.max_rows
        rows = rows[: task.max_rows]
        if task.media_type is None:
            return Reply(ok=True, table=Table(columns, tuple(rows)), truncated=truncated)
        media = task.media_type if task.media_type in RESULT_TYPES else RESULT_TYPES[0]
        body = write_solutions(columns, rows, media)
        return Reply(ok=True, body=body, media=media, truncated=truncated)
    from scmgraph.query import distinct

    triples = list(islice(distinct(result), task.max_rows + 1))
    truncated = len(triples) > task.max_rows
    media = task.media_type if task.media_type in RDF_FORMATS else GRAPH_TYPES[0]
    body = (
        ox.serialize(triples[: task.max_rows], format=RDF_FORMATS[media], prefixes=RDF_PREFIXES)
        or b""
    )
    return Reply(ok=True, body=body, media=media, truncated=truncated)


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: _json_term(getattr(term, p)) for p in parts}}
    assert isinstance(term, ox.Literal)
    cell = {"type": "literal", "value": term.value}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        cell["datatype"] = term.datatype.value
    return cell


def _xml_text(text: str) -> str:
    """Escaped text with the characters XML 1.0 cannot carry replaced by U+FFFD."""
    clean = "".join(
        c
        if c in "\t\n\r"
        or 0x20 <= ord(c) <= 0xD7FF
        or 0xE000 <= ord(c) <= 0xFFFD
        or ord(c) >= 0x10000
        else "\ufffd"
        for c in text
    )
    return escape(clean)


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        inner = "".join(
            f"<{p}>{_xml_term(getattr(term, p))}</{p}>" for p in ("subject", "predicate", "object")
        )
        return f"<triple>{inner}</triple>"
    assert isinstance(term, ox.Literal)
    if term.language:
        attribute = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype.value != XSD_STRING:
        attribute = f" datatype={quoteattr(term.datatype.value)}"
    else:
        attribute = ""
    return f"<literal{attribute}>{_xml_text(term.value)}</literal>"


def _csv_value(term: Term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def write_solutions(columns: tuple[str, ...], rows: list[tuple[Term, ...]], media: str) -> bytes:
    """SELECT results in SPARQL JSON, XML, CSV or TSV."""
    if media == RESULT_TYPES[0]:
        bindings = [
            {c: _json_term(t) for c, t in zip(columns, row, strict=True) if t is not None}
            for row in rows
        ]
        document = {"head": {"vars": list(columns)}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if media == RESULT_TYPES[1]:
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        out.append('<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        out += [f"<variable name={quoteattr(c)}/>" for c in columns]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            for column, term in zip(columns, row, strict=True):
                if term is not None:
                    out.append(f"<binding name={quoteattr(column)}>{_xml_term(term)}</binding>")
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    if media == RESULT_TYPES[2]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    lines = ["\t".join(f"?{c}" for c in columns)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- protocol ---------------------------------------------------------------------------


class Refusal(Exception):
    """A request answered with an error status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ProtocolRequest:
    """A SPARQL protocol request, read and checked: what to run and how to answer."""

    query: str | None
    params: MultiDict[str, str]


def read_protocol(request: Request) -> ProtocolRequest:
    """Query text and parameters from GET, url-encoded POST or direct POST."""
    args = request.args
    if request.method in ("GET", "HEAD"):
        params = MultiDict(args)
    else:
        media = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if media == "application/sparql-update":
            raise Refusal(403, "this endpoint is read-only: SPARQL updates are refused")
        if not media:
            raise Refusal(
                415,
                "POST needs a Content-Type: application/x-www-form-urlencoded "
                "or application/sparql-query",
            )
        if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            raise Refusal(
                415,
                f"unsupported media type {media}: use "
                "application/x-www-form-urlencoded or application/sparql-query",
            )
        if charset not in ("utf-8", "utf8"):
            raise Refusal(415, f"unsupported charset {charset}: send UTF-8")
        body = request.get_data(cache=True)
        try:
            if media == "application/sparql-query":
                params = MultiDict(args)
                if "query" in params:
                    raise Refusal(400, "the query is both in the URL and in the body")
                params.add("query", body.decode("utf-8"))
            else:
                form = parse_qsl(
                    body.decode("ascii"),
                    keep_blank_values=True,
                    encoding="utf-8",
                    errors="strict",
                    max_num_fields=1000,
                )
                params = MultiDict(list(args.items(multi=True)) + form)
        except (UnicodeDecodeError, ValueError) as exc:
            raise Refusal(400, "the request body is not valid UTF-8 or url-encoding") from exc
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise Refusal(403, "this endpoint is read-only: SPARQL updates are refused")
    queries = params.getlist("query")
    if len(queries) > 1:
        raise Refusal(400, "more than one query parameter")
    return ProtocolRequest(query=queries[0] if queries else None, params=params)


def choose_media(accept: MIMEAccept, format_param: str | None, kind: str) -> str:
    """The media type to answer with, from ``format`` or else the Accept header.

    ``kind`` is "results" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE).
    """
    offered = RESULT_TYPES if kind == "results" else GRAPH_TYPES
    aliases = RESULT_ALIASES if kind == "results" else GRAPH_ALIASES
    if format_param:
        wanted = FORMAT_NAMES.get(format_param.lower(), format_param.lower())
        wanted = aliases.get(wanted, wanted)
        if wanted not in offered:
            raise Refusal(
                400,
                f"unknown format {format_param!r} for this query: use one of {', '.join(offered)}",
            )
        return wanted
    if not accept:
        return offered[0]
    best = accept.best_match(list(offered) + list(aliases))
    if best is None:
        raise Refusal(406, f"cannot answer in any accepted type; offered: {', '.join(offered)}")
    return aliases.get(best, best)


def graph_list(params: MultiDict[str, str], name: str) -> tuple[str, ...] | None:
    """``default-graph-uri`` / ``named-graph-uri`` values, each checked as an IRI."""
    values = params.getlist(name)
    if not values:
        return None
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise Refusal(400, f"{name}: {value!r} is not an IRI ({exc})") from exc
    return tuple(values)


# --- the application --------------------------------------------------------------------


class App:
    """The WSGI application: routes to handlers, every query through the pool."""

    def __init__(self, settings: Settings, pool: WorkerPool) -> None:
        self.settings = settings
        self.pool = pool
        self.url_map = Map(
            [
                Rule("/", endpoint="index", methods=["GET"]),
                Rule("/sparql", endpoint="sparql", methods=["GET", "POST"]),
                Rule("/.well-known/void", endpoint="void", methods=["GET"]),
                Rule("/id/<path:rest>", endpoint="entity", methods=["GET"]),
                Rule("/queries", endpoint="queries", methods=["GET"]),
                Rule("/queries/<name>", endpoint="stored", methods=["GET"]),
            ],
            strict_slashes=True,
            merge_slashes=False,
        )
        self._stats: dict[str, Any] = {}
        self._stats_lock = threading.Lock()

    def close(self) -> None:
        self.pool.close()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        request.max_content_length = self.settings.max_body
        request.max_form_memory_size = self.settings.max_body
        try:
            adapter = self.url_map.bind_to_environ(environ)
            if request.method == "OPTIONS":  # CORS preflight or a client asking
                allowed = adapter.allowed_methods()
                if not allowed:
                    raise Refusal(404, "not found")
                response = Response(status=204)
                response.headers["Allow"] = ", ".join(sorted({*allowed, "OPTIONS"}))
            else:
                endpoint, values = adapter.match()
                response = getattr(self, f"on_{endpoint}")(request, **values)
        except Refusal as refusal:
            response = error_response(refusal.status, refusal.message)
        except PoolError as exc:
            response = error_response(exc.status, str(exc))
            if exc.status == 503:
                response.headers["Retry-After"] = "1"
        except HTTPException as exc:
            if exc.code == 413:
                message = f"request body larger than {self.settings.max_body} bytes"
            else:
                message = exc.description or exc.name
            response = error_response(exc.code or 500, message)
            if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
                response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        response.headers["X-Content-Type-Options"] = "nosniff"
        if self.settings.cors:
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            response.headers["Access-Control-Expose-Headers"] = (
                f"{TRUNCATED_HEADER}, {ROW_LIMIT_HEADER}"
            )
        return response(environ, start_response)

    # -- running queries

    def run(self, task: Task) -> Reply:
        """Run a task in the pool; engine errors become 400 (500 for the store)."""
        reply = self.pool.run(task)
        if not reply.ok:
            raise Refusal(500 if reply.error == "store" else 400, reply.message)
        return reply

    def select(self, text: str) -> Any:
        """A SELECT as a Table, for pages; same limits as any query."""
        return self.run(Task(text, media_type=None, max_rows=self.settings.max_rows)).table

    def answer(
        self,
        request: Request,
        text: str,
        params: MultiDict[str, str],
        substitutions: dict[Any, Any] | None = None,
    ) -> Response:
        """Check a query's shape, negotiate, run it, and wrap the reply."""
        shape = inspect_query(text)
        if shape.update:
            raise Refusal(403, "this endpoint is read-only: SPARQL updates are refused")
        if shape.service:
            raise Refusal(403, "SERVICE (federated query) is disabled on this endpoint")
        if shape.depth > MAX_NESTING:
            raise Refusal(400, nesting_message(shape.depth))
        formats = params.getlist("format")
        if len(formats) > 1:
            raise Refusal(400, "more than one format parameter")
        kind = "graph" if shape.form in ("CONSTRUCT", "DESCRIBE") else "results"
        media = choose_media(request.accept_mimetypes, formats[0] if formats else None, kind)
        task = Task(
            text,
            media_type=media,
            max_rows=self.settings.max_rows,
            substitutions=substitutions or {},
            default_graphs=graph_list(params, "default-graph-uri"),
            named_graphs=graph_list(params, "named-graph-uri"),
        )
        reply = self.run(task)
        response = Response(reply.body, content_type=content_type(reply.media or media))
        response.headers["Vary"] = "Accept"
        if reply.truncated:
            response.headers[TRUNCATED_HEADER] = "true"
            response.headers[ROW_LIMIT_HEADER] = str(self.settings.max_rows)
        return response

    def stats(self) -> Any:
        """Triples per graph and per class, computed once per build of the store."""
        from scmgraph.serve_pages import compute_stats

        key = str(self.settings.store_path().resolve())
        with self._stats_lock:
            cached = self._stats.get(key)
        if cached is None:
            cached = compute_stats(self)
            with self._stats_lock:
                self._stats.clear()
                self._stats[key] = cached
        return cached

    # -- routes

    def on_index(self, request: Request) -> Response:
        from scmgraph.serve_pages import index_page

        return html_response(index_page())

    def on_sparql(self, request: Request) -> Response:
        protocol = read_protocol(request)
        if protocol.query is None:
            if request.method == "POST":
                raise Refusal(400, "missing query parameter")
            from scmgraph.serve_pages import service_description

            return rdf_response(request, service_description(self, request))
        return self.answer(request, protocol.query, protocol.params)

    def on_void(self, request: Request) -> Response:
        from scmgraph.serve_pages import void_description

        return rdf_response(request, void_description(self, request))

    def on_entity(self, request: Request, rest: str) -> Response:
        from scmgraph.serve_pages import entity_response

        return entity_response(self, request, rest)

    def on_queries(self, request: Request) -> Response:
        from scmgraph.query import list_queries

        listing = [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "url": f"/queries/{q.name}",
                "parameters": [
                    {"name": p.name, "type": p.type, "required": p.required, "default": p.default}
                    for p in q.parameters
                ],
            }
            for q in list_queries(self.settings.queries)
        ]
        body = json.dumps({"queries": listing}, indent=2, ensure_ascii=False)
        return Response(body, content_type="application/json; charset=utf-8")

    def on_stored(self, request: Request, name: str) -> Response:
        from scmgraph.query import QueryError, bind, find_query

        try:
            stored = find_query(name, self.settings.queries)
        except QueryError as exc:
            raise Refusal(404, str(exc)) from exc
        values: dict[str, str] = {}
        for key, items in request.args.lists():
            if key == "format":
                continue
            if len(items) > 1:
                raise Refusal(400, f"parameter {key} given more than once")
            values[key] = items[0]
        try:
            substitutions = bind(stored, values)
        except QueryError as exc:
            raise Refusal(400, str(exc)) from exc
        params = MultiDict([("format", f) for f in request.args.getlist("format")])
        if not params and wants_html(request):
            return self.stored_page(stored, values, substitutions)
        return self.answer(request, stored.text, params, substitutions)

    def stored_page(
        self, stored: StoredQuery, values: dict[str, str], substitutions: dict[Any, Any]
    ) -> Response:
        """A stored query's results as an HTML table, for a person in a browser."""
        from scmgraph.serve_pages import stored_query_page

        if inspect_query(stored.text).form not in (None, "SELECT"):
            raise Refusal(406, "only SELECT results are shown as HTML; add ?format=")
        task = Task(stored.text, None, self.settings.max_rows, substitutions=substitutions)
        reply = self.run(task)
        return html_response(stored_query_page(stored, values, reply.table, reply.truncated))


def wants_html(request: Request) -> bool:
    """Whether the client prefers a page to data: a browser's Accept header, not */*."""
    accept = request.accept_mimetypes
    best = accept.best_match([*RESULT_TYPES, "text/html"])
    return best == "text/html" and accept["text/html"] > accept["application/sparql-results+json"]


def content_type(media: str) -> str:
    textual = media.startswith("text/") or media.endswith(("json", "xml")) or "n-triples" in media
    return f"{media}; charset=utf-8" if textual else media


def error_response(status: int, message: str) -> Response:
    return Response(f"{message}\n", status=status, content_type="text/plain; charset=utf-8")


def html_response(html: str, status: int = 200) -> Response:
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def rdf_response(request: Request, triples: list[ox.Triple]) -> Response:
    """Triples in the negotiated RDF syntax (Turtle unless asked otherwise)."""
    formats = request.args.getlist("format")
    media = choose_media(request.accept_mimetypes, formats[0] if formats else None, "graph")
    body = ox.serialize(triples, format=RDF_FORMATS[media], prefixes=RDF_PREFIXES) or b""
    response = Response(body, content_type=content_type(media))
    response.headers["Vary"] = "Accept"
    return response


class _Handler(WSGIRequestHandler):
    """werkzeug's handler, with a socket timeout so a slow client cannot hold a thread."""

    timeout = 30
    server_version = "scmgraph"
    sys_version = ""


def make_app(settings: Settings) -> App:
    """The WSGI application for ``settings``, with its worker pool started."""
    pool = WorkerPool(settings.store_path(), workers=settings.workers, timeout=settings.timeout)
    return App(settings, pool)


def make_server(settings: Settings, app: App) -> BaseWSGIServer:
    """A threaded werkzeug server for ``app`` on the configured address."""
    return werkzeug_server(
        settings.host, settings.port, app, threaded=True, request_handler=_Handler
    )
