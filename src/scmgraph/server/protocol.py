"""The SPARQL 1.1 Protocol over HTTP: reading a request, negotiating media, writing responses.

Shared by the routes (``scmgraph.server.app``) and the pages (``scmgraph.server.pages``).
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request, Response

from scmgraph.sparql.lexer import MAX_NESTING, QueryShape, inspect_query, nesting_message
from scmgraph.sparql.results import GRAPH_TYPES, RDF_FORMATS, RDF_PREFIXES, RESULT_TYPES

# Most bytes of a refused body read and dropped before the connection is closed.
MAX_DISCARD = 64_000_000

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
