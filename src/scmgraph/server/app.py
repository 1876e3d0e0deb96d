"""The HTTP side of ``scmgraph serve``: SPARQL 1.1 Protocol, routes, negotiation.

Built on werkzeug (request parsing, Accept headers, routing) and cheroot (a
threaded HTTP/1.1 server that keeps connections alive), so no HTTP is written by
hand here. Queries never run in the request thread: each goes to the worker pool
of ``serve``, which enforces the time limit; what a worker answers, and the media
types it writes, are in ``serve_results``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from cheroot import wsgi
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from scmgraph.server.pool import (
    MAX_NESTING,
    PoolError,
    QueryShape,
    Reply,
    Settings,
    Task,
    WorkerPool,
    inspect_query,
    nesting_message,
)
from scmgraph.server.routes import explorer_page, explorer_rules
from scmgraph.sparql.results import GRAPH_TYPES, RDF_FORMATS, RDF_PREFIXES, RESULT_TYPES

if TYPE_CHECKING:
    from scmgraph.sparql.query import StoredQuery

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
TRUNCATED_HEADER = "X-Result-Truncated"
ROW_LIMIT_HEADER = "X-Result-Row-Limit"


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


def choose_media(accept: str | None, format_param: str | None, kind: str) -> str:
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
    best = best_accepted(accept or "", kind)
    if best is None:
        raise Refusal(406, f"cannot answer in any accepted type; offered: {', '.join(offered)}")
    return best


@functools.lru_cache(maxsize=256)
def best_accepted(header: str, kind: str) -> str | None:
    """The offered type an Accept header prefers, None if it accepts none of them.

    Remembered by header text: clients send few distinct headers, and matching
    one costs more than the rest of reading a request.
    """
    offered = RESULT_TYPES if kind == "results" else GRAPH_TYPES
    aliases = RESULT_ALIASES if kind == "results" else GRAPH_ALIASES
    accept = parse_accept_header(header, MIMEAccept)
    if not accept:
        return offered[0]
    best = accept.best_match(list(offered) + list(aliases))
    return None if best is None else aliases.get(best, best)


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
                *explorer_rules(),
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
                if endpoint.startswith("explorer."):
                    response = explorer_page(self, endpoint, request, values)
                else:
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
                discard_body(environ)
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
        shape = check_query(text)
        formats = params.getlist("format")
        if len(formats) > 1:
            raise Refusal(400, "more than one format parameter")
        kind = "graph" if shape.form in ("CONSTRUCT", "DESCRIBE") else "results"
        media = choose_media(request.headers.get("Accept"), formats[0] if formats else None, kind)
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
        from scmgraph.server.pages import compute_stats

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
        from scmgraph.server.meetings import meeting_rows
        from scmgraph.server.pages import index_page

        return html_response(index_page(meeting_rows(self)))

    def on_sparql(self, request: Request) -> Response:
        protocol = read_protocol(request)
        if protocol.query is None:
            if request.method == "POST":
                raise Refusal(400, "missing query parameter")
            if "format" not in protocol.params and wants_html(request):
                from scmgraph.server.editor import editor_page

                return editor_page(self, protocol.params)
            from scmgraph.server.pages import service_description

            return rdf_response(request, service_description(self, request))
        if request.method == "GET" and "format" not in protocol.params and wants_html(request):
            from scmgraph.server.editor import editor_page

            return editor_page(self, protocol.params, protocol.query)
        return self.answer(request, protocol.query, protocol.params)

    def on_void(self, request: Request) -> Response:
        from scmgraph.server.pages import void_description

        triples = void_description(self, request)
        if not request.args.getlist("format") and wants_html(request):
            from scmgraph.server.editor import description_page

            return description_page("VoID description of this dataset", triples)
        return rdf_response(request, triples)

    def on_entity(self, request: Request, rest: str) -> Response:
        from scmgraph.server.pages import entity_response

        return entity_response(self, request, rest)

    def on_queries(self, request: Request) -> Response:
        from scmgraph.sparql.query import list_queries

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
        from scmgraph.sparql.query import QueryError, bind, find_query

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
        from scmgraph.server.pages import stored_query_page

        if inspect_query(stored.text).form not in (None, "SELECT"):
            raise Refusal(406, "only SELECT results are shown as HTML; add ?format=")
        task = Task(stored.text, None, self.settings.max_rows, substitutions=substitutions)
        reply = self.run(task)
        return html_response(stored_query_page(stored, values, reply.table, reply.truncated))


def check_query(text: str) -> QueryShape:
    """The query's shape; Refusal for an update, SERVICE or too deep a nesting."""
    shape = inspect_query(text)
    if shape.update:
        raise Refusal(403, "this endpoint is read-only: SPARQL updates are refused")
    if shape.service:
        raise Refusal(403, "SERVICE (federated query) is disabled on this endpoint")
    if shape.depth > MAX_NESTING:
        raise Refusal(400, nesting_message(shape.depth))
    return shape


def discard_body(environ: dict[str, Any]) -> None:
    """Read and drop the rest of a refused body (up to ``MAX_DISCARD``), so that the
    client, still sending it, reads the refusal instead of a reset connection."""
    stream = environ["wsgi.input"]
    left = MAX_DISCARD
    with contextlib.suppress(OSError, ValueError):
        while left > 0 and (chunk := stream.read(min(left, 1 << 20))):
            left -= len(chunk)


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


PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def html_response(html: str, status: int = 200, policy: str = PAGE_POLICY) -> Response:
    """A page; its Content-Security-Policy allows no script unless ``policy`` says so."""
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = policy
    return response


def rdf_response(request: Request, triples: list[ox.Triple]) -> Response:
    """Triples in the negotiated RDF syntax (Turtle unless asked otherwise)."""
    formats = request.args.getlist("format")
    accept = request.headers.get("Accept")
    media = choose_media(accept, formats[0] if formats else None, "graph")
    body = ox.serialize(triples, format=RDF_FORMATS[media], prefixes=RDF_PREFIXES) or b""
    response = Response(body, content_type=content_type(media))
    response.headers["Vary"] = "Accept"
    return response


# The longest request head (request line and headers) read; longer gets 414. It lets
# a GET carry a query of some 60 kB, as the SPARQL protocol's GET form needs.
MAX_REQUEST_HEAD = 65_536
# Most bytes of a refused body read and dropped before the connection is closed.
MAX_DISCARD = 64_000_000
# Threads answering requests at once; kept-alive connections that wait for their
# next request hold none.
HTTP_THREADS = 32


def make_app(settings: Settings) -> App:
    """The WSGI application for ``settings``, with its worker pool started."""
    pool = WorkerPool(settings.store_path(), workers=settings.workers, timeout=settings.timeout)
    return App(settings, pool)


def make_server(settings: Settings, app: App) -> wsgi.Server:
    """cheroot's threaded HTTP/1.1 server for ``app``, bound to the configured address.

    Connections are kept alive between requests; a client silent for 30 s is
    dropped so that it cannot hold a thread. ``bind_addr`` holds the port bound.
    """
    server = wsgi.Server(
        (settings.host, settings.port),
        app,
        numthreads=HTTP_THREADS,
        server_name="scmgraph",
        timeout=30,
    )
    server.max_request_header_size = MAX_REQUEST_HEAD
    server.prepare()
    return server
