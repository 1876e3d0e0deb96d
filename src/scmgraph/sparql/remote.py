"""A client for remote SPARQL servers (Oxigraph server, Virtuoso, Fuseki, ...).

The rest of scmgraph talks to remote stores only through ``RemoteEndpoint``.
Requests are SPARQL 1.1 Protocol POSTs (``query=`` or ``update=`` as a form)
with content negotiation only (no ``format``/``output`` parameters, which some
servers reject), under a timeout, sent by the standard library's urllib; JSON
results are read with ``json`` and RDF answers with pyoxigraph.

SPARQLWrapper is not used, because it cannot do what the remote tests need:
its Digest authentication installs a process-wide urllib opener (so one
endpoint's credentials would go to every other request of the process), and it
sends a request's body before it knows the server's challenge, which Virtuoso
answers by closing the connection while a large update is still being sent. So
credentials live in an opener owned by each endpoint, and a request with a body
is authorised from a HEAD probe's challenge before it is sent (``Credentials``).

Remote servers do not take pyoxigraph's substitutions: stored-query parameters
are bound by ``VALUES`` blocks (``scmgraph.sparql.values``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import parse_http_list, parse_keqv_list

import pyoxigraph as ox

from scmgraph.errors import QueryError, RemoteError
from scmgraph.sparql.lexer import inspect_query
from scmgraph.sparql.query import UPDATES_REFUSED, StoredQuery, Table, bind, is_parameter
from scmgraph.sparql.values import insert_values

Term = ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple
DEFAULT_TIMEOUT = 60.0
# The media types asked for (the Accept header) and read, by what a query answers;
# an answer in any other (RDF/XML, say) is refused unread, never parsed.
JSON, TURTLE = "json", "turtle"
ANSWER_TYPES = {
    JSON: (
        "application/sparql-results+json",
        "application/json",
        "text/javascript",
        "application/javascript",
    ),
    TURTLE: ("text/turtle", "application/turtle", "application/n-triples"),
}


# --- reading results --------------------------------------------------------------------


def _blank(value: str) -> ox.BlankNode:
    """A blank node for a server's label, which may not be a valid N-Triples label
    (Virtuoso sends ``nodeID://b10006``)."""
    try:
        return ox.BlankNode(value)
    except ValueError:
        return ox.BlankNode("b" + hashlib.sha1(value.encode("utf-8")).hexdigest()[:16])


def term_from_json(cell: dict[str, Any]) -> Term:
    """A pyoxigraph term from one SPARQL JSON results binding."""
    kind = cell.get("type")
    value = cell.get("value")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return _blank(str(value))
    if kind in ("literal", "typed-literal"):  # "typed-literal": older servers (Virtuoso)
        if "xml:lang" in cell:
            return ox.Literal(value, language=cell["xml:lang"])
        if "datatype" in cell:
            return ox.Literal(value, datatype=ox.NamedNode(cell["datatype"]))
        return ox.Literal(value)
    if kind == "triple" and isinstance(value, dict):
        parts = [term_from_json(value[k]) for k in ("subject", "predicate", "object")]
        return ox.Triple(*parts)
    raise RemoteError(f"unexpected term in SPARQL JSON results: {cell!r}")


def table_from_json(document: dict[str, Any]) -> Table:
    columns = tuple(document.get("head", {}).get("vars", []))
    rows = tuple(
        tuple(term_from_json(b[c]) if c in b else None for c in columns)
        for b in document.get("results", {}).get("bindings", [])
    )
    return Table(columns, rows)


# --- the endpoint -----------------------------------------------------------------------


class Credentials:
    """A user and password answering Basic and Digest challenges, for some URLs.

    A request with a body is authorised before it is sent: a HEAD probe
    fetches the server's challenge and the answer goes with the request.
    Servers such as Virtuoso refuse an unauthorised request at once and close
    the connection while the body is still being sent, so waiting for the 401
    (urllib's way) breaks large uploads.
    """

    def __init__(self, user: str, password: str, urls: list[str]) -> None:
        self.user = user
        self.password = password
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in urls:
            parts = urlsplit(url)
            manager.add_password(None, f"{parts.scheme}://{parts.netloc}/", user, password)
        self.digest = urllib.request.HTTPDigestAuthHandler(manager)
        self.basic = urllib.request.HTTPBasicAuthHandler(manager)

    def authorize(self, request: urllib.request.Request, timeout: float) -> None:
        """Add an Authorization header answering the challenge the URL gives now."""
        probe = urllib.request.Request(request.full_url, method="HEAD")
        try:
            urllib.request.build_opener().open(probe, timeout=timeout).close()
            return  # no challenge: nothing to add
        except urllib.error.HTTPError as exc:
            header = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
            exc.close()
        except (urllib.error.URLError, OSError):
            return  # the request itself will report it
        scheme, _, params = header.partition(" ")
        if scheme.lower() == "digest":
            challenge = parse_keqv_list(filter(None, parse_http_list(params)))
            value = self.digest.get_authorization(request, challenge)
            if value:
                request.add_unredirected_header("Authorization", f"Digest {value}")
        elif scheme.lower() == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")


def build_opener(credentials: Credentials | None) -> urllib.request.OpenerDirector:
    """A urllib opener of our own (never installed globally), answering challenges."""
    if credentials is None:
        return urllib.request.build_opener()
    return urllib.request.build_opener(credentials.digest, credentials.basic)


def open_request(
    request: urllib.request.Request,
    opener: urllib.request.OpenerDirector,
    credentials: Credentials | None,
    timeout: float,
) -> Any:
    """Send ``request`` (authorised first when it has a body); HTTP errors as RemoteError."""
    if credentials is not None and request.data is not None:
        credentials.authorize(request, timeout)
    try:
        return opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise http_error(request.full_url, exc) from exc
    except urllib.error.URLError as exc:
        # A server refusing our credentials may hang up while the body is sent:
        # ask again without a body to tell a refusal from a network failure.
        broken = isinstance(exc.reason, BrokenPipeError | ConnectionResetError)
        if credentials is not None and broken:
            check = urllib.request.Request(request.full_url, method="HEAD")
            credentials.authorize(check, timeout)
            try:
                urllib.request.build_opener().open(check, timeout=timeout).close()
            except urllib.error.HTTPError as refusal:
                if refusal.code in (401, 403):
                    raise http_error(request.full_url, refusal) from exc
        raise


def http_error(url: str, exc: urllib.error.HTTPError) -> RemoteError:
    body = exc.read().decode("utf-8", "replace").strip()
    detail = " ".join(body.split())[:500]
    return RemoteError(f"{url}: HTTP {exc.code} {exc.reason}: {detail}", status=exc.code)


class RemoteEndpoint:
    """A remote SPARQL 1.1 endpoint: queries, updates and counts.

    ``update_url`` defaults to ``url`` (Virtuoso, Fuseki); Oxigraph server
    takes queries at ``/query`` and updates at ``/update``. Credentials default
    to ``SCMGRAPH_USER`` / ``SCMGRAPH_PASSWORD``.
    """

    def __init__(
        self,
        url: str,
        user: str | None = None,
        password: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        update_url: str | None = None,
    ) -> None:
        self.url = url
        self.update_url = update_url or url
        self.timeout = timeout
        user = user if user is not None else os.environ.get("SCMGRAPH_USER")
        password = password if password is not None else os.environ.get("SCMGRAPH_PASSWORD")
        self.credentials = (
            Credentials(user, password, [self.url, self.update_url])
            if user is not None and password is not None
            else None
        )
        self.opener = build_opener(self.credentials)

    def __repr__(self) -> str:
        return f"RemoteEndpoint({self.url!r})"

    def _request(self, text: str, answer: str, update: bool) -> urllib.request.Request:
        """A SPARQL 1.1 Protocol POST: ``query=`` or ``update=`` as a form, negotiated."""
        body = urlencode({"update" if update else "query": text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if not update:
            headers["Accept"] = ",".join(ANSWER_TYPES[answer])
        url = self.update_url if update else self.url
        return urllib.request.Request(url, data=body, headers=headers, method="POST")

    def _run(self, text: str, answer: str = JSON, update: bool = False) -> tuple[bytes, str]:
        request = self._request(text, answer, update)
        try:
            with open_request(request, self.opener, self.credentials, self.timeout) as response:
                media = response.headers.get("Content-Type", "")
                kind = media.partition(";")[0].strip().lower()
                if not update and kind not in ANSWER_TYPES[answer]:
                    raise RemoteError(
                        f"{self.url}: answered {kind or 'without a Content-Type'}, not one of the"
                        f" requested types ({', '.join(ANSWER_TYPES[answer])})"
                    )
                return response.read(), media
        except RemoteError:
            raise
        except urllib.error.URLError as exc:
            raise RemoteError(f"{self.url}: cannot reach the server ({exc.reason})") from exc
        except TimeoutError as exc:
            raise RemoteError(f"{self.url}: no answer within {self.timeout:g} s") from exc

    def select(self, query: str, substitutions: dict[ox.Variable, Any] | None = None) -> Table:
        """Rows of a SELECT; ``substitutions`` bound through VALUES blocks."""
        body, _ = self._run(insert_values(query, substitutions or {}))
        try:
            table = table_from_json(json.loads(body))
        except (ValueError, KeyError) as exc:
            raise RemoteError(f"{self.url}: not SPARQL JSON results ({exc})") from exc
        # As locally: parameter columns, bound or not, are left out.
        keep = [i for i, c in enumerate(table.columns) if not is_parameter(c)]
        if len(keep) == len(table.columns):
            return table
        return Table(
            tuple(table.columns[i] for i in keep),
            tuple(tuple(row[i] for i in keep) for row in table.rows),
        )

    def ask(self, query: str) -> bool:
        body, _ = self._run(query)
        try:
            return bool(json.loads(body)["boolean"])
        except (ValueError, KeyError) as exc:
            raise RemoteError(f"{self.url}: not a SPARQL JSON boolean ({exc})") from exc

    def construct(self, query: str) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE, asked for as Turtle."""
        body, media = self._run(query, TURTLE)
        syntax = ox.RdfFormat.N_TRIPLES if "n-triples" in media else ox.RdfFormat.TURTLE
        try:
            return [q.triple for q in ox.parse(body, format=syntax)]
        except SyntaxError as exc:
            raise RemoteError(f"{self.url}: unreadable {media or 'RDF'} ({exc})") from exc

    def update(self, text: str) -> None:
        """Run a SPARQL Update at ``update_url``."""
        self._run(text, update=True)

    def count_triples(self, graph: str | None = None) -> int:
        """Triples in one named graph, or in the default graph (``None``)."""
        if graph is None:
            query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        else:
            query = (
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
            )
        table = self.select(query)
        if not table.rows or table.rows[0][0] is None:
            raise RemoteError(f"{self.url}: no count returned")
        return int(float(table.rows[0][0].value))

    def graphs(self) -> list[str]:
        """The named graphs the server holds (with at least one triple)."""
        table = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0].value for row in table.rows if isinstance(row[0], ox.NamedNode))


def run_remote(
    endpoint: RemoteEndpoint | str, stored_query: StoredQuery, values: dict[str, str]
) -> Table:
    """Run a stored query on a remote server, parameters typed as locally.

    The remote server must take the default graph as the union of the named
    graphs, as ``scmgraph query run`` does locally (Virtuoso does by default;
    start Oxigraph server with ``--union-default-graph``).
    """
    if inspect_query(stored_query.text).update:
        raise QueryError(UPDATES_REFUSED)
    if isinstance(endpoint, str):
        endpoint = RemoteEndpoint(endpoint)
    return endpoint.select(stored_query.text, bind(stored_query, values))
