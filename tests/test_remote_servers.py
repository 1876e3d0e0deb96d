"""Push the graph to real SPARQL servers and ask them every stored query.

Two servers run on loopback ports for this module: the Oxigraph server (PyPI
``oxigraph``, in the test extras) and Virtuoso (Debian ``virtuoso-opensource``,
installed by ``scripts/install-servers.sh``), each in a throw-away folder.
The graph is pushed (twice: the counts must not change), then every stored
query runs remotely through ``run_remote`` and locally through pyoxigraph, with
its documented example's parameters and (for queries that have some) with none,
and the answers are compared row for row, as multisets of normalised terms.

Normalisation covers representation only: numbers compare by value (servers
pick different integer and decimal datatypes), blank-node labels are ignored,
language tags compare case-insensitively; for Virtuoso, which has no boolean
type in results, true/false compare as 1/0. Real differences in answers are
not normalised away: they are listed in VIRTUOSO_DIFFERENCES with their cause,
and such a query is reported as an expected failure (XFAIL) while it differs.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

from scmgraph.build.corpus import build
from scmgraph.errors import RemoteError
from scmgraph.rdf.store import open_store
from scmgraph.sparql.push import push
from scmgraph.sparql.query import StoredQuery, Table, bind, list_queries, run_select
from scmgraph.sparql.remote import RemoteEndpoint, run_remote
from scmgraph.sparql.values import insert_values

ROOT = Path(__file__).resolve().parents[1]
STORED = list_queries()
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + name
    for name in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
        "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip

# Answers Virtuoso 7.2 (07.20.3229, Debian 12) gives that differ from the SPARQL 1.1
# semantics pyoxigraph and the Oxigraph server follow, for stored queries that no
# rewrite makes portable: query name -> cause. Found by this test, not guessed.
# The stored queries avoid the differences found so far: integer division (they
# divide an xsd:decimal), comparisons with an unbound variable (false for Virtuoso,
# an error in SPARQL 1.1), a FILTER over a bound parameter inside UNION branches
# (SP031 internal error), a VALUES binding at the head of a UNION branch with a
# property path (ignored) or inside an OPTIONAL there (the OPTIONAL then drops
# rows), sameTerm() over COALESCE() of xsd:gYear literals (never true), and LCASE()
# or CONCAT() of an aggregate's value (an "incomplete RDF box": STR() it first).
VIRTUOSO_DIFFERENCES: dict[str, str] = {}


def test_there_are_stored_queries() -> None:
    assert len(STORED) >= 5, "no stored queries found: the comparisons below would test nothing"


def example_values(stored: StoredQuery) -> dict[str, str]:
    """The ``--param`` values of the query's documented example."""
    args = shlex.split(stored.example or "")
    values = {}
    for flag, value in itertools.pairwise(args):
        if flag == "--param":
            name, _, text = value.partition("=")
            values[name] = text
    return values


# --- normalised comparison ----------------------------------------------------------------


def normal(term: object, booleans_as_numbers: bool) -> tuple:
    if term is None:
        return ("unbound",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    assert isinstance(term, ox.Literal), term
    datatype = term.datatype.value if term.datatype else ""
    if term.language:
        return ("lang", term.value, term.language.lower())
    if datatype in NUMERIC:
        with contextlib.suppress(InvalidOperation):
            return ("number", Decimal(term.value).normalize())
    if booleans_as_numbers and datatype == XSD + "boolean":
        return ("number", Decimal(1 if term.value in ("true", "1") else 0))
    return ("literal", term.value, datatype)


def differences(local: Table, remote: Table, booleans_as_numbers: bool) -> str:
    """'' when both tables hold the same rows; else a short account of the difference."""
    if local.columns != remote.columns:
        return f"columns differ: local {local.columns}, remote {remote.columns}"
    mine = Counter(tuple(normal(t, booleans_as_numbers) for t in row) for row in local.rows)
    theirs = Counter(tuple(normal(t, booleans_as_numbers) for t in row) for row in remote.rows)
    if mine == theirs:
        return ""
    only_local = list((mine - theirs).elements())[:1]
    only_remote = list((theirs - mine).elements())[:1]
    return (
        f"{len(local.rows)} local rows, {len(remote.rows)} remote; "
        f"e.g. only local: {only_local}; only remote: {only_remote}"
    )


def test_values_binding_agrees_with_substitutions_locally(store: Path) -> None:
    """The VALUES blocks ``remote`` writes give pyoxigraph's own answers."""
    local_store = open_store(store)
    for stored in STORED:
        substitutions = bind(stored, example_values(stored))
        expected = run_select(local_store, stored.text, substitutions)
        rebound = run_select(local_store, insert_values(stored.text, substitutions))
        keep = [i for i, c in enumerate(rebound.columns) if c in expected.columns]
        rebound = Table(
            tuple(rebound.columns[i] for i in keep),
            tuple(tuple(r[i] for i in keep) for r in rebound.rows),
        )
        assert differences(expected, rebound, False) == "", stored.name


# --- servers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    name: str
    query: str
    update: str
    graph_store: str
    user: str | None = None
    password: str | None = None

    def endpoint(self) -> RemoteEndpoint:
        return RemoteEndpoint(self.query, self.user, self.password, update_url=self.update)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float) -> str:
    """'' once ``url`` answers; else why not (the server's exit or the log's tail)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with {process.returncode}: {log.read_text(errors='replace')[-800:]}"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return ""
        except urllib.error.HTTPError:
            return ""  # it answers, if only to say no
        except OSError:
            time.sleep(0.3)
    return f"no answer at {url} within {seconds:g} s: {log.read_text(errors='replace')[-800:]}"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def oxigraph_server(folder: Path) -> Iterator[Server]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        pytest.skip("the oxigraph server CLI is not installed (pip install 'oxigraph>=0.5,<0.6')")
    port = free_port()
    log = folder / "oxigraph.log"
    command = [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"]
    command.append("--union-default-graph")  # as `scmgraph query run` reads the store
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        problem = wait_until_up(f"{base}/query?query=ASK%7B%7D", process, log, 30)
        if problem:
            pytest.skip(f"the oxigraph server did not start: {problem}")
        yield Server("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store")
    finally:
        stop(process)


def virtuoso_ini(template: str, db: Path, sql_port: int, http_port: int) -> str:
    """The packaged virtuoso.ini with every path in ``db`` and both ports on loopback."""
    changes = {
        "Database": {
            "DatabaseFile": db / "virtuoso.db",
            "ErrorLogFile": db / "virtuoso.log",
            "LockFile": db / "virtuoso.lck",
            "TransactionFile": db / "virtuoso.trx",
            "xa_persistent_file": db / "virtuoso.pxa",
        },
        "TempDatabase": {
            "DatabaseFile": db / "virtuoso-temp.db",
            "TransactionFile": db / "virtuoso-temp.trx",
        },
        "Parameters": {
            "ServerPort": f"127.0.0.1:{sql_port}",
            "DirsAllowed": f"., /usr/share/virtuoso-opensource-7/vad, {db}",
        },
        "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}"},
        # the defaults cut results at 10,000 rows and queries at 60 s, silently
        "SPARQL": {"ResultSetMaxRows": 1_000_000, "MaxQueryExecutionTime": 600},
        "URIQA": {"DefaultHost": f"127.0.0.1:{http_port}"},
    }
    section = ""
    lines = []
    for line in template.splitlines():
        if match := re.match(r"\s*\[([^\]]+)\]", line):
            section = match.group(1)
        key = re.match(r"\s*([A-Za-z_]+)\s*=", line)
        if key and key.group(1) in changes.get(section, {}):
            line = f"{key.group(1)} = {changes[section][key.group(1)]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def find_virtuoso() -> str | None:
    binary = shutil.which("virtuoso-t")
    if binary is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "install-servers.sh")],
            check=False,
            timeout=900,
            capture_output=True,
        )
        binary = shutil.which("virtuoso-t")
    return binary


@contextlib.contextmanager
def virtuoso_server(folder: Path) -> Iterator[Server]:
    binary = find_virtuoso()
    template = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
    if binary is None or not template.exists():
        pytest.skip(
            "Virtuoso is not installed and could not be (scripts/install-servers.sh needs "
            "apt-get and root): Debian package virtuoso-opensource"
        )
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(template.read_text(), folder, sql_port, http_port))
    log = folder / "stdout.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [binary, "+configfile", str(ini), "+foreground"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        problem = wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process, log, 90)
        if problem:
            pytest.skip(f"Virtuoso did not start: {problem}")
        # /sparql reads anonymously; updates and the Graph Store need the dba login (Digest)
        yield Server(
            "virtuoso",
            f"{base}/sparql",
            f"{base}/sparql-auth",
            f"{base}/sparql-graph-crud-auth",
            user="dba",
            password="dba",
        )
    finally:
        stop(process)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graph")
    build(ROOT / "data" / "communiques", out)
    return out / "store"


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp(request.param)
    start = oxigraph_server if request.param == "oxigraph" else virtuoso_server
    with start(folder) as running:
        yield running


@pytest.fixture(scope="module")
def pushed(server: Server, store: Path) -> Server:
    """The server holding the graph, pushed twice: counts must not change."""
    first = push(
        store,
        server.query,
        graph_store=server.graph_store,
        update_endpoint=server.update,
        user=server.user,
        password=server.password,
    )
    second = push(
        store,
        server.query,
        graph_store=server.graph_store,
        update_endpoint=server.update,
        user=server.user,
        password=server.password,
    )
    assert first.method == second.method == "graph-store"
    assert first.graphs == second.graphs
    return server


# --- pushing ------------------------------------------------------------------------------


def local_counts(store: Path) -> dict[str, int]:
    local = open_store(store)
    return {
        g.value: sum(1 for _ in local.quads_for_pattern(None, None, None, g))
        for g in local.named_graphs()
    }


def test_push_is_idempotent(pushed: Server, store: Path) -> None:
    client = pushed.endpoint()
    expected = local_counts(store)
    ours = [g for g in client.graphs() if g.startswith("https://w3id.org/scmgraph/graph/")]
    assert sorted(ours) == sorted(expected)
    for graph, n in expected.items():
        assert client.count_triples(graph) == n, graph


def test_push_falls_back_to_sparql_update(pushed: Server, store: Path) -> None:
    base = pushed.query.rsplit("/", 1)[0]
    result = push(
        store,
        pushed.query,
        graph_store=f"{base}/no-graph-store-here",
        update_endpoint=pushed.update,
        user=pushed.user,
        password=pushed.password,
    )
    assert result.method == "update"
    assert dict(result.graphs) == local_counts(store)


def test_push_credentials(pushed: Server, store: Path) -> None:
    """Wrong credentials get a 401; credentials for a server without login do no harm."""
    if pushed.user is None:
        result = push(
            store,
            pushed.query,
            graph_store=pushed.graph_store,
            update_endpoint=pushed.update,
            user="someone",
            password="anything",
        )
        assert dict(result.graphs) == local_counts(store)
        return
    with pytest.raises(RemoteError) as caught:
        push(
            store,
            pushed.query,
            graph_store=pushed.graph_store,
            update_endpoint=pushed.update,
            user=pushed.user,
            password="wrong",
        )
    assert caught.value.status == 401


def test_push_replaces_a_graph_changed_on_the_server(pushed: Server, store: Path) -> None:
    """A triple added on the server behind our back is gone after the next push."""
    client = pushed.endpoint()
    graph = "https://w3id.org/scmgraph/graph/links"
    client.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:s> <urn:x:p> <urn:x:o> }} }}")
    assert client.count_triples(graph) == local_counts(store)[graph] + 1
    push(
        store,
        pushed.query,
        graph_store=pushed.graph_store,
        update_endpoint=pushed.update,
        user=pushed.user,
        password=pushed.password,
    )
    assert client.count_triples(graph) == local_counts(store)[graph]
    assert not client.ask(f"ASK {{ GRAPH <{graph}> {{ <urn:x:s> ?p ?o }} }}")


# --- every stored query, remote against local ---------------------------------------------


def compare_with_local(
    pushed: Server, store: Path, stored: StoredQuery, values: dict[str, str]
) -> None:
    local = run_select(open_store(store), stored.text, bind(stored, values))
    known = VIRTUOSO_DIFFERENCES.get(stored.name) if pushed.name == "virtuoso" else None
    try:
        remote = run_remote(pushed.endpoint(), stored, values)
    except RemoteError as exc:
        if known:
            pytest.xfail(f"{known} [{str(exc)[:160]}]")
        raise
    assert remote.columns == local.columns  # parameter columns ("_name") left out alike
    problem = differences(local, remote, booleans_as_numbers=pushed.name == "virtuoso")
    if problem and known:
        pytest.xfail(f"{known} [{problem[:200]}]")
    assert problem == "", f"{stored.name} on {pushed.name} with {values}: {problem}"


@pytest.mark.parametrize("stored", STORED, ids=[q.name for q in STORED])
def test_stored_query_matches_local(pushed: Server, store: Path, stored: StoredQuery) -> None:
    compare_with_local(pushed, store, stored, example_values(stored))


WITH_EXAMPLE_VALUES = [q for q in STORED if example_values(q)]


@pytest.mark.parametrize("stored", WITH_EXAMPLE_VALUES, ids=[q.name for q in WITH_EXAMPLE_VALUES])
def test_stored_query_with_defaults_matches_local(
    pushed: Server, store: Path, stored: StoredQuery
) -> None:
    """The same without ``--param``: defaults bound, optional parameters left unbound."""
    compare_with_local(pushed, store, stored, {})
