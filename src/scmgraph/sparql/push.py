"""``scmgraph push``: load the built graph into a remote SPARQL store.

Each named graph (one per communiqué, plus the registry, ontology, links and
provenance graphs) is replaced whole, so pushing twice leaves the same store:
with the SPARQL 1.1 Graph Store Protocol, one PUT per graph; where the server
has no Graph Store endpoint, with SPARQL Update (``DROP SILENT GRAPH`` then
``INSERT DATA`` in batches). Afterwards the triples of every graph are counted
on the server and compared with the local store; a difference is an error.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from scmgraph.errors import PushError, RemoteError
from scmgraph.rdf.store import open_source
from scmgraph.sparql.remote import Credentials, RemoteEndpoint, build_opener, open_request

GRAPH_NAMESPACE = "https://w3id.org/scmgraph/graph/"
BATCH = 500  # Virtuoso 7.2 rejects INSERT DATA of 2,000 triples (SP031: SQL text too long)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class PushResult:
    method: str  # "graph-store" or "update"
    graphs: tuple[tuple[str, int], ...]  # graph IRI, triples (same locally and remotely)
    seconds: float

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)


def _quiet(_: str) -> None:
    return None


def local_graphs(store: ox.Store) -> list[tuple[ox.NamedNode, list[ox.Triple]]]:
    """Every non-empty named graph with its triples, in IRI order."""
    result = []
    names = sorted(
        (g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value
    )
    for graph in names:
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
        if triples:
            result.append((graph, triples))
    if any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        raise PushError("the store has triples in its default graph; push takes named graphs only")
    return result


def gsp_put(
    client: RemoteEndpoint, graph_store: str, graph: ox.NamedNode, triples: list[ox.Triple]
) -> None:
    """Replace one graph with the Graph Store Protocol (N-Triples sent as Turtle)."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    separator = "&" if "?" in graph_store else "?"
    url = f"{graph_store}{separator}graph={quote(graph.value, safe='')}"
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", "text/turtle; charset=utf-8")
    try:
        with open_request(request, client.opener, client.credentials, client.timeout) as response:
            response.read()
    except urllib.error.URLError as exc:
        raise RemoteError(f"{graph_store}: cannot reach the server ({exc.reason})") from exc


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def update_put(
    client: RemoteEndpoint, graph: ox.NamedNode, triples: list[ox.Triple], batch: int
) -> None:
    """Replace one graph with SPARQL Update: drop it, then insert in batches.

    Blank-node labels only hold within one request, so triples with blank
    nodes all go in one batch.
    """
    client.update(f"DROP SILENT GRAPH {graph}")
    with_blanks = [t for t in triples if _has_blank(t)]
    plain = [t for t in triples if not _has_blank(t)] if with_blanks else triples
    chunks = [plain[i : i + batch] for i in range(0, len(plain), batch)]
    if with_blanks:
        chunks.append(with_blanks)
    for chunk in chunks:
        lines = "\n".join(f"{t} ." for t in chunk)
        client.update(f"INSERT DATA {{ GRAPH {graph} {{\n{lines}\n}} }}")


def push(
    trig_or_store: Path | ox.Store,
    endpoint: str,
    *,
    graph_store: str | None = None,
    update_endpoint: str | None = None,
    user: str | None = None,
    password: str | None = None,
    progress: Progress = _quiet,
    batch: int = BATCH,
    timeout: float = 300.0,
    prune: bool = False,
) -> PushResult:
    """Replace every named graph of the local graph on the remote store, then check counts.

    ``endpoint`` answers SPARQL queries (and updates, unless ``update_endpoint``
    is given); ``graph_store`` is the Graph Store Protocol URL, tried first.
    With ``prune``, graphs under the scmgraph namespace that the local graph no
    longer has are dropped. Raises PushError when a count differs.
    """
    started = time.monotonic()
    store = open_source(trig_or_store)
    graphs = local_graphs(store)
    user = user if user is not None else os.environ.get("SCMGRAPH_USER")
    password = password if password is not None else os.environ.get("SCMGRAPH_PASSWORD")
    client = RemoteEndpoint(endpoint, user, password, timeout=timeout, update_url=update_endpoint)
    if graph_store and user is not None and password is not None:  # challenges from all URLs
        client.credentials = Credentials(user, password, [endpoint, client.update_url, graph_store])
        client.opener = build_opener(client.credentials)
    method = "graph-store" if graph_store else "update"
    for index, (graph, triples) in enumerate(graphs, start=1):
        progress(f"[{index}/{len(graphs)}] {graph.value} ({len(triples)} triples, {method})")
        if method == "graph-store":
            try:
                gsp_put(client, str(graph_store), graph, triples)
                continue
            except RemoteError as exc:
                if exc.status not in (404, 405, 415, 501):
                    raise
                progress(f"no usable Graph Store endpoint ({exc}); using SPARQL Update")
                method = "update"
        update_put(client, graph, triples, batch)
    if prune:
        local = {g.value for g, _ in graphs}
        for name in client.graphs():
            if name.startswith(GRAPH_NAMESPACE) and name not in local:
                progress(f"dropping {name} (not in the local graph)")
                client.update(f"DROP SILENT GRAPH {ox.NamedNode(name)}")
    progress("counting triples on the server")
    mismatches = []
    counted = []
    for graph, triples in graphs:
        remote = client.count_triples(graph.value)
        counted.append((graph.value, remote))
        if remote != len(triples):
            mismatches.append(f"{graph.value}: {len(triples)} local, {remote} remote")
    if mismatches:
        raise PushError("triple counts differ after the push:\n  " + "\n  ".join(mismatches))
    return PushResult(method=method, graphs=tuple(counted), seconds=time.monotonic() - started)
