"""The HTTP side of ``scmgraph serve``: SPARQL 1.1 Protocol, routes, negotiation.

Built on werkzeug (request parsing, Accept headers, routing) and cheroot (a
threaded HTTP/1.1 server that keeps connections alive), so no HTTP is written by
hand here. Queries never run in the request thread: each goes to the worker pool
of ``serve``, which enforces the time limit; what a worker answers, and the media
types it writes, are in ``serve_results``.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from cheroot import wsgi
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from scmgraph.server.pool import PoolError, Settings, WorkerPool
from scmgraph.server.protocol import (
    ROW_LIMIT_HEADER,
    TRUNCATED_HEADER,
    Refusal,
    check_query,
    choose_media,
    content_type,
    discard_body,
    error_response,
    graph_list,
    html_response,
    rdf_response,
    read_protocol,
    wants_html,
)
from scmgraph.server.routes import explorer_page, explorer_rules
from scmgraph.sparql.lexer import inspect_query
from scmgraph.sparql.results import (
    Reply,
    Task,
)

if TYPE_CHECKING:
    from scmgraph.sparql.query import StoredQuery

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
        from scmgraph.errors import QueryError
        from scmgraph.sparql.query import bind, find_query

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


# The longest request head (request line and headers) read; longer gets 414. It lets
# a GET carry a query of some 60 kB, as the SPARQL protocol's GET form needs.
MAX_REQUEST_HEAD = 65_536
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


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Serve ``settings`` in a background thread; yields the base URL, e.g. for tests.

    With ``port=0`` the system picks a free port.
    """
    app = make_app(settings)
    try:
        server = make_server(settings, app)
    except BaseException:
        app.close()
        raise
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield f"http://{settings.host}:{server.bind_addr[1]}"
    finally:
        server.stop()
        app.close()
        thread.join(timeout=5)


def serve_forever(settings: Settings, announce: Callable[[str], None] = print) -> None:
    """Serve until interrupted (Ctrl-C), then stop the workers."""
    app = make_app(settings)
    try:
        server = make_server(settings, app)
        announce(f"SPARQL endpoint at http://{settings.host}:{server.bind_addr[1]}/sparql")
        try:
            with contextlib.suppress(KeyboardInterrupt):
                server.serve()
        finally:
            server.stop()
    finally:
        app.close()
