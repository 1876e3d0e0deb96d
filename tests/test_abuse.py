"""Hostile queries and parameters, through every way in: HTTP and the command line.

One server (2 workers, 2 s time limit, 100 rows at most) runs on a loopback port
over the graph of one communiqué. Updates, ``SERVICE``, deep nesting, huge
requests and injected parameters are sent through each entry: GET and POST on
/sparql (``query=`` and ``update=``, form and direct bodies), the stored-query
routes, and ``scmgraph query run`` with ``--file`` and ``--param``. A second
server on another loopback port stands for "the outside": ``SERVICE`` and
``LOAD`` point at it, and no test may ever reach it. After every hostile
request the store holds what it held before.

test_serve.py holds the protocol and lexer cases one by one; here every hostile
text goes through every entry.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from loopback import call, q, running
from scmgraph.build.corpus import build
from scmgraph.cli.main import main
from scmgraph.rdf.store import open_store
from scmgraph.server.app import serving
from scmgraph.server.pool import Settings
from scmgraph.sparql.lexer import MAX_NESTING

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "communiques" / "052_scm_2020.txt"
SCM = "https://w3id.org/scmgraph/ontology#"
ONTOLOGY_GRAPH = "https://w3id.org/scmgraph/graph/ontology"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
READ_ONLY = b"this endpoint is read-only: SPARQL updates are refused\n"
NO_SERVICE = b"SERVICE (federated query) is disabled on this endpoint\n"
CLI_UPDATES = (
    "error: SPARQL updates are refused: scmgraph runs only SELECT, ASK, CONSTRUCT and "
    "DESCRIBE queries\n"
)
CLI_SERVICE = (
    "error: SERVICE (federated query) is refused: scmgraph queries the local store only "
    "(use --endpoint to query a remote server)\n"
)
MAX_ROWS = 100


# --- fixtures -----------------------------------------------------------------------------


class Outside(http.server.ThreadingHTTPServer):
    """A loopback server standing for the rest of the network: it records every request."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), OutsideHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class OutsideHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        body = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def outside_server() -> Iterator[Outside]:
    with running(Outside()) as server:
        yield server


@pytest.fixture
def outside(outside_server: Outside) -> Iterator[Outside]:
    """The outside server; the test fails if anything reached it."""
    outside_server.requests.clear()
    yield outside_server
    assert outside_server.requests == [], "a query reached the outside server"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / SOURCE.name).write_bytes(SOURCE.read_bytes())
    out = tmp_path_factory.mktemp("graph")
    build(corpus, out)
    return out / "store"


@pytest.fixture(scope="module")
def base(store: Path) -> Iterator[str]:
    settings = Settings(port=0, store=store, timeout=2.0, workers=2, max_rows=MAX_ROWS)
    with serving(settings) as url:
        yield url


@pytest.fixture(scope="module")
def quads(store: Path) -> int:
    """Quads in the store before any hostile request."""
    return len(open_store(store))


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def count(base: str) -> int:
    status, _, body = call(base, "GET", q(COUNT))
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def answers(base: str) -> bool:
    status, _, body = call(base, "GET", q("ASK { ?s ?p ?o }"))
    return status == 200 and json.loads(body)["boolean"] is True


# --- updates through every entry ----------------------------------------------------------

UPDATES = {
    "load": "LOAD <{outside}/data.ttl> INTO GRAPH <http://e/g>",
    "load-silent": "LOAD SILENT <{outside}/data.ttl>",
    "clear": "CLEAR ALL",
    "drop": f"DROP GRAPH <{ONTOLOGY_GRAPH}>",
    "insert-data": "INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> <http://e/o> } }",
    "with-delete": f"WITH <{ONTOLOGY_GRAPH}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "lower-case": "insert data { <http://e/s> <http://e/p> <http://e/o> }",
    "after-prologue": "BASE <http://e/> PREFIX e: <http://e/> DELETE WHERE { ?s ?p ?o }",
    "after-comment": "# a comment first\nCLEAR DEFAULT",
    "escaped": "\\u0044ROP ALL",  # \u0044 is D: an engine reads DROP ALL
    "sequence": "CREATE GRAPH <http://e/g> ; LOAD <{outside}/x.ttl> ; DROP ALL",
}
ENTRIES = ("get-query", "get-update", "form-query", "form-update", "direct-query", "direct-update")


def send(base: str, entry: str, text: str) -> tuple[int, bytes]:
    if entry == "get-query":
        status, _, body = call(base, "GET", q(text))
    elif entry == "get-update":
        status, _, body = call(base, "GET", "/sparql?" + urlencode({"update": text}))
    elif entry == "form-query":
        status, _, body = call(base, "POST", "/sparql", urlencode({"query": text}), FORM)
    elif entry == "form-update":
        status, _, body = call(base, "POST", "/sparql", urlencode({"update": text}), FORM)
    elif entry == "direct-query":
        status, _, body = call(base, "POST", "/sparql", text, DIRECT)
    else:
        headers = {"Content-Type": "application/sparql-update"}
        status, _, body = call(base, "POST", "/sparql", text, headers)
    return status, body


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("name", sorted(UPDATES))
def test_updates_are_refused_through_every_entry(
    base: str, outside: Outside, quads: int, name: str, entry: str
) -> None:
    status, body = send(base, entry, UPDATES[name].replace("{outside}", outside.url))
    assert (status, body) == (403, READ_ONLY)
    assert count(base) == quads


@pytest.mark.parametrize(
    "text",
    [
        "ASK {} ; DROP ALL",
        "SELECT * WHERE { ?s ?p ?o } INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
        f"SELECT * WHERE {{ ?s ?p ?o }} ; WITH <{ONTOLOGY_GRAPH}> DELETE {{ ?s ?p ?o }} WHERE {{}}",
    ],
)
def test_an_update_after_a_query_is_a_syntax_error(base: str, quads: int, text: str) -> None:
    for entry in ("get-query", "form-query", "direct-query"):
        status, body = send(base, entry, text)
        assert status == 400 and body.startswith(b"SPARQL syntax error: "), (entry, body)
    assert count(base) == quads


@pytest.mark.parametrize("name", sorted(UPDATES))
def test_the_command_line_refuses_updates(
    store: Path, tmp_path: Path, outside: Outside, quads: int, name: str
) -> None:
    path = tmp_path / "update.rq"
    path.write_text(UPDATES[name].replace("{outside}", outside.url), encoding="utf-8")
    for where in (["--store", str(store)], ["--endpoint", outside.url + "/sparql"]):
        result = CliRunner().invoke(main, ["query", "run", "--file", str(path), *where])
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", CLI_UPDATES)
    assert len(open_store(store)) == quads


def test_the_local_store_is_opened_read_only(store: Path, quads: int) -> None:
    opened = open_store(store)
    with pytest.raises(RuntimeError, match="read-write"):
        opened.update("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }")
    with pytest.raises(RuntimeError, match="read-write"):
        opened.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    assert len(open_store(store)) == quads


# --- SERVICE, wherever it hides -----------------------------------------------------------

SERVICES = {
    "subquery": "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "deep-subquery": (
        "SELECT * WHERE {{ {{ SELECT * WHERE {{ {{ SELECT ?s WHERE {{ "
        "SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }} }} }} }}"
    ),
    "exists": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "optional": "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?q ?v }} }} }}",
    "union": "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "variable": "SELECT * WHERE {{ BIND(<{url}> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "ask-escaped": "ASK {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "describe": "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("entry", ["get-query", "form-query", "direct-query"])
@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_is_refused_wherever_it_is(
    base: str, outside: Outside, name: str, entry: str
) -> None:
    status, body = send(base, entry, SERVICES[name].format(url=outside.url + "/sparql"))
    assert (status, body) == (403, NO_SERVICE)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_the_command_line_never_sends_service_to_the_network(
    store: Path, tmp_path: Path, outside: Outside, name: str
) -> None:
    path = tmp_path / "service.rq"
    path.write_text(SERVICES[name].format(url=outside.url + "/sparql"), encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "run", "--file", str(path), "--store", str(store)])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", CLI_SERVICE)


# --- deep nesting, slow and crashing queries ----------------------------------------------


def nested_groups(depth: int) -> str:
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o" + " }" * depth


def nested_parentheses(depth: int) -> str:
    """A FILTER whose parentheses with its group and call nest ``depth`` deep."""
    inner = depth - 2
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * inner + "true" + ")" * inner + ") }"


def nesting_refusal(depth: int) -> bytes:
    return (
        f"the query nests brackets {depth} deep; at most {MAX_NESTING} levels are accepted\n"
    ).encode()


@pytest.mark.parametrize("make", [nested_groups, nested_parentheses])
@pytest.mark.parametrize("depth", [2_000, 5_000, 100_000])
def test_deep_nesting_is_refused_and_the_server_goes_on(base: str, make, depth: int) -> None:
    status, _, body = call(base, "POST", "/sparql", make(depth), DIRECT)
    assert (status, body) == (400, nesting_refusal(depth))
    assert answers(base)


@pytest.mark.parametrize("make", [nested_groups, nested_parentheses])
def test_nesting_up_to_the_limit_is_answered(base: str, make) -> None:
    status, _, body = call(base, "POST", "/sparql", make(MAX_NESTING), DIRECT)
    assert status == 200 and json.loads(body)["results"]["bindings"]
    status, _, body = call(base, "POST", "/sparql", make(MAX_NESTING + 1), DIRECT)
    assert (status, body) == (400, nesting_refusal(MAX_NESTING + 1))


def test_brackets_in_strings_iris_and_comments_are_not_nesting(base: str) -> None:
    brackets = "(" * 5000 + "{" * 5000
    text = (
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o != '{brackets}' && ?o != <http://e/{'%28' * 9}>)"
        f" }} # {brackets}\nLIMIT 1"
    )
    status, _, body = call(base, "POST", "/sparql", text, DIRECT)
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 1


def test_a_query_past_the_time_limit_is_cut_and_the_server_goes_on(base: str) -> None:
    # 200 nested blank-node property lists: nesting the lexer lets through, slow to plan
    text = "SELECT * WHERE { ?s ?p " + "[ ?p " * 200 + "?o" + " ]" * 200 + " }"
    status, _, body = call(base, "POST", "/sparql", text, DIRECT)
    assert (status, body) == (503, b"query cancelled: it ran past the time limit of 2 s\n")
    assert answers(base)


def test_a_query_that_crashes_the_engine_costs_one_worker(base: str) -> None:
    # 100,000 negations do not nest brackets but overflow the engine's parser: the
    # worker process dies, the request gets a 500, a fresh worker takes its place.
    text = "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 100_000 + "true) }"
    status, _, body = call(base, "POST", "/sparql", text, DIRECT)
    assert (status, body) == (500, b"the query worker failed; try again\n")
    for _ in range(4):  # both workers answer again
        assert answers(base)


def test_the_command_line_refuses_deep_nesting_instead_of_crashing(
    store: Path, tmp_path: Path
) -> None:
    path = tmp_path / "deep.rq"
    path.write_text(nested_parentheses(5_000), encoding="utf-8")
    command = [sys.executable, "-m", "scmgraph.cli.main", "query", "run", "--file", str(path)]
    result = subprocess.run([*command, "--store", str(store)], capture_output=True, text=True)
    # before the limit the engine overflowed its stack: exit -11 (segmentation fault)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: " + nesting_refusal(5_000).decode()


@pytest.mark.parametrize(
    "condition",
    ["!" * 100_000 + "true", " || ".join(["true"] * 20_000)],
    ids=["100k-negations", "20k-disjuncts"],
)
def test_the_command_line_survives_long_operator_chains(
    store: Path, tmp_path: Path, condition: str
) -> None:
    # No brackets nest, so the nesting limit lets it through; the engine parses it on
    # a thread with a large stack instead of overflowing the main thread's (exit -11).
    path = tmp_path / "chain.rq"
    path.write_text(f"ASK {{ FILTER({condition}) }}", encoding="utf-8")
    command = [sys.executable, "-m", "scmgraph.cli.main", "query", "run", "--file", str(path)]
    result = subprocess.run(
        [*command, "--store", str(store), "--format", "csv"], capture_output=True, text=True
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.split() == ["result", "true"]


# --- huge requests and huge results -------------------------------------------------------

FIVE_MB = 'SELECT * WHERE { ?s ?p "' + "A" * 5_000_000 + '" }'


@pytest.mark.parametrize(
    ("body", "headers"),
    [(FIVE_MB, DIRECT), (urlencode({"query": FIVE_MB}), FORM)],
    ids=["direct", "form"],
)
def test_a_5_mb_query_is_refused_by_the_body_limit(base: str, body: str, headers) -> None:
    status, _, text = call(base, "POST", "/sparql", body, headers)
    assert (status, text) == (413, b"request body larger than 1000000 bytes\n")
    assert answers(base)


def raw_request(base: str, request: bytes) -> bytes:
    """Send ``request`` as far as the server reads it, then read its whole answer.

    The server answers an over-long request line at once and closes, while the
    client is still sending: the answer is read all the same.
    """
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("size", [5_000_000, 70_000])
def test_a_huge_get_is_refused_by_the_url_length_limit(base: str, size: int) -> None:
    text = 'SELECT * WHERE { ?s ?p "' + "A" * size + '" }'
    answer = raw_request(base, f"GET {q(text)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 414 Request-URI Too Long\r\n")
    assert answers(base)


def test_a_long_url_under_the_limit_is_read(base: str) -> None:
    text = 'SELECT * WHERE { ?s ?p "' + "A" * 50_000 + '" }'
    status, _, body = call(base, "GET", q(text))
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 10^12 rows


@pytest.mark.parametrize(
    ("accept", "rows"),
    [
        ("application/sparql-results+json", lambda b: len(json.loads(b)["results"]["bindings"])),
        ("application/sparql-results+xml", lambda b: b.count(b"<result>")),
        ("text/csv", lambda b: len(b.decode().splitlines()) - 1),
        ("text/tab-separated-values", lambda b: len(b.decode().splitlines()) - 1),
    ],
)
def test_a_huge_select_is_cut_at_the_row_limit(base: str, accept: str, rows) -> None:
    status, headers, body = call(base, "GET", q(CROSS), headers={"Accept": accept})
    assert status == 200 and rows(body) == MAX_ROWS
    assert (headers["X-Result-Truncated"], headers["X-Result-Row-Limit"]) == ("true", "100")


@pytest.mark.parametrize(
    "text",
    [
        "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }",
        "DESCRIBE ?s WHERE { ?s ?p ?o }",
    ],
)
def test_a_huge_graph_result_is_cut_at_the_row_limit(base: str, text: str) -> None:
    status, headers, body = call(base, "GET", q(text, format="nt"))
    assert status == 200 and len(body.decode().splitlines()) == MAX_ROWS
    assert headers["X-Result-Truncated"] == "true"


def test_a_stored_query_is_cut_at_the_row_limit(base: str) -> None:
    status, headers, body = call(base, "GET", "/queries/label-search?text=a")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    assert headers["X-Result-Truncated"] == "true"


# --- parameter injection ------------------------------------------------------------------

HOSTILE_STRINGS = [
    'x" } ; DROP ALL ; #',
    "x' } DROP ALL { '",
    "\\u0022) } DROP ALL { (\\u0022",
    "\\\\u0022) } UNION { ?s ?p ?o } #",
    'x"^^<http://www.w3.org/2001/XMLSchema#string> ) } UNION { ?s ?p ?o',
    "x\n} ; DELETE WHERE { ?s ?p ?o } ; #",
    "x\r\n} ; CLEAR ALL",
    "> } ; DROP ALL",
    "{ ?s ?p ?o }",
    '""") } DROP ALL { ("""',
    "a\x00b",
    "?s ?p ?o",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
]
HOSTILE_IRIS = [
    "http://e/x> } ; DROP ALL ; <http://e/y",
    "http://e/x>",
    "<http://e/x>",
    "http://e/a b",
    "http://e/a\tb",
    "http://e/a\nb",
    'http://e/"x',
    "http://e/\\u0022x",
    "http://e/{x}",
    "http://e/x|y",
    "id:x\n} DROP ALL {",
    "",
]
HOSTILE_INTEGERS = [
    "53 } DROP ALL {",
    "53;DROP ALL",
    "0x35",
    "53.0",
    "5e1",
    " 53",
    "",
    "1234567890",
]


def cli(store: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["query", "run", *args, "--store", str(store)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_a_hostile_string_parameter_is_a_literal(
    base: str, store: Path, quads: int, value: str
) -> None:
    code, out, err = cli(store, "label-search", "--param", f"text={value}", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["results"]["bindings"] == []
    path = "/queries/label-search?" + urlencode({"text": value})
    status, _, body = call(base, "GET", path)
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    assert len(open_store(store)) == quads == count(base)


def test_a_string_parameter_still_finds_what_it_names(base: str, store: Path) -> None:
    code, out, _ = cli(store, "label-search", "--param", "text=Combined Forces", "--format", "csv")
    assert code == 0 and "combined-forces-command" in out
    status, _, body = call(base, "GET", "/queries/label-search?" + urlencode({"text": "SMA"}))
    assert status == 200 and json.loads(body)["results"]["bindings"]


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_a_hostile_iri_parameter_is_refused(base: str, store: Path, value: str) -> None:
    code, out, err = cli(store, "entity-statements", "--param", f"entity={value}")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: parameter entity: {value!r} is not a valid iri (")
    path = "/queries/entity-statements?" + urlencode({"entity": value})
    status, _, body = call(base, "GET", path)
    assert status == 400
    assert body.startswith(f"parameter entity: {value!r} is not a valid iri (".encode())


@pytest.mark.parametrize("value", HOSTILE_INTEGERS)
def test_a_hostile_integer_parameter_is_refused(base: str, store: Path, value: str) -> None:
    code, _, err = cli(store, "meeting-statements", "--param", f"ordinal={value}")
    assert code == 2 and f"parameter ordinal: {value!r} is not a valid integer" in err
    status, _, body = call(
        base, "GET", "/queries/meeting-statements?" + urlencode({"ordinal": value})
    )
    assert status == 400 and b"is not a valid integer" in body


@pytest.mark.parametrize("key", ["query", "update", "default-graph-uri", "named-graph-uri"])
def test_protocol_parameters_on_a_stored_query_are_unknown_parameters(base: str, key: str) -> None:
    path = "/queries/label-search?" + urlencode({"text": "SMA", key: "DROP ALL"})
    status, _, body = call(base, "GET", path)
    assert status == 400 and f"unknown parameter(s) {key}".encode() in body


def test_a_parameter_value_may_hold_equals_signs_and_names_are_checked(store: Path) -> None:
    code, out, err = cli(store, "label-search", "--param", "text=a=b", "--format", "json")
    assert (code, err) == (0, "") and json.loads(out)["results"]["bindings"] == []
    code, _, err = cli(store, "label-search", "--param", "text=a", "--param", "text=b")
    assert (code, err) == (2, "error: --param text given twice\n")
    code, _, err = cli(store, "label-search", "--param", "te xt=a")
    assert code == 2 and "unknown parameter(s) te xt" in err
