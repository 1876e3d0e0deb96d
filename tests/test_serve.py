"""``scmgraph serve`` over a real socket: SPARQL 1.1 Protocol, pages, limits.

One server (2 workers, 2 s time limit) runs on an ephemeral loopback port for
the module; the tests speak HTTP to it with http.client, so nothing is mocked.
The protocol cases follow the W3C SPARQL 1.1 Protocol test suite, as far as
they apply to a read-only endpoint.
"""

from __future__ import annotations

import csv
import html
import http.client
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import rdflib
from click.testing import CliRunner

from loopback import call, q
from scmgraph.build.corpus import build
from scmgraph.cli.serve import serve_command
from scmgraph.rdf.store import open_store
from scmgraph.server.app import serving
from scmgraph.server.pool import SETTINGS, Settings
from scmgraph.sparql.lexer import inspect_query
from scmgraph.sparql.query import find_query, run_select

SELECT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
CONSTRUCT = (
    "CONSTRUCT { ?s ?p ?o } WHERE { "
    "BIND(<https://w3id.org/scmgraph/id/org/combined-forces-command> AS ?s) ?s ?p ?o }"
)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CFC = "https://w3id.org/scmgraph/id/org/combined-forces-command"
SRJ = "application/sparql-results+json"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "communiques"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graph")
    build(CORPUS, out)
    return out / "store"


@pytest.fixture(scope="module")
def base(store: Path) -> Iterator[str]:
    settings = Settings(port=0, store=store, timeout=2.0, workers=2)
    with serving(settings) as url:
        yield url


def get(base: str, path: str, **headers: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    return call(base, "GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()})


def form(**fields: str) -> dict[str, str]:
    return {"Content-Type": "application/x-www-form-urlencoded"}


# --- settings and the command -------------------------------------------------------------


def test_every_setting_is_declared_and_documented() -> None:
    from dataclasses import fields

    declared = {s.name: s for s in SETTINGS}
    assert {f.name for f in fields(Settings)} == set(declared)
    for f in fields(Settings):
        assert declared[f.name].default == f.default, f.name
        assert declared[f.name].help.strip(), f.name
    help_text = CliRunner().invoke(serve_command, ["--help"]).output
    for setting in SETTINGS:
        assert "--" + setting.name.replace("_", "-") in help_text
    assert Settings().host == "127.0.0.1" and not Settings().cors


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        Settings(timeout=0)


# --- the lexer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form", "update", "service"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT", False, False),
        ("PREFIX ex: <http://e/> ASK { ex:a ?p ?o }", "ASK", False, False),
        ("INSERT DATA { <a:b> <a:b> <a:b> }", None, True, False),
        ("prefix x: <http://e/> delete where { ?s ?p ?o }", None, True, False),
        ("WITH <g:1> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", None, True, False),
        ("SELECT * { SERVICE <http://e/> { ?s ?p ?o } }", "SELECT", False, True),
        ("SELECT * { service silent ?x { ?s ?p ?o } }", "SELECT", False, True),
        ("SELECT * { \\u0053ERVICE <http://e/> { ?s ?p ?o } }", "SELECT", False, True),
        ("SELECT * { ?s ?p 'SERVICE' # SERVICE\n }", "SELECT", False, False),
        ("SELECT * { ?s ?p <http://e/SERVICE> . ?s ?p ex:SERVICE }", "SELECT", False, False),
        # "\#" inside a prefixed name is no comment: SERVICE after it is seen
        ("SELECT * { ?s ?p ex:a\\# SERVICE <http://e/> { ?s ?p ?o } }", "SELECT", False, True),
        ("SELECT * { <http://e/\\u0041#x> ?p ?o . SERVICE <http://e/> {} }", "SELECT", False, True),
    ],
)
def test_inspect_query(text: str, form: str | None, update: bool, service: bool) -> None:
    shape = inspect_query(text)
    assert (shape.form, shape.update, shape.service) == (form, update, service)


# --- protocol: positive cases -------------------------------------------------------------


def test_query_get(base: str) -> None:
    status, headers, body = get(base, q(SELECT_GRAPHS))
    assert status == 200
    assert headers["Content-Type"].startswith(SRJ)
    bindings = json.loads(body)["results"]["bindings"]
    assert any(b["g"]["value"].endswith("communique/scm-52") for b in bindings)


def test_query_post_form(base: str) -> None:
    status, _, body = call(base, "POST", "/sparql", urlencode({"query": SELECT_GRAPHS}), form())
    assert status == 200 and json.loads(body)["results"]["bindings"]


def test_query_post_direct(base: str) -> None:
    headers = {"Content-Type": "application/sparql-query", "Accept": SRJ}
    status, _, body = call(base, "POST", "/sparql", SELECT_GRAPHS, headers)
    assert status == 200 and json.loads(body)["results"]["bindings"]


def test_query_dataset_default_and_named_graphs(base: str) -> None:
    graph = "https://w3id.org/scmgraph/graph/registry/verbs"
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, _, body = get(base, q(text, **{"default-graph-uri": graph}))
    assert status == 200
    n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert 0 < n < 5000
    text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = get(base, q(text, **{"named-graph-uri": graph}))
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [graph]
    status, _, body = get(base, q(text, **{"named-graph-uri": "not an iri"}))
    assert status == 400


def test_select_in_every_result_format(base: str) -> None:
    text = "SELECT ?g ?n WHERE { { " + SELECT_GRAPHS + " } } ORDER BY ?g"
    _, _, body = get(base, q(text), Accept=SRJ)
    expected = [(b["g"]["value"], b["n"]["value"]) for b in json.loads(body)["results"]["bindings"]]
    assert len(expected) > 5

    status, headers, body = get(base, q(text), Accept="application/sparql-results+xml")
    assert status == 200 and "sparql-results+xml" in headers["Content-Type"]
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(body)
    rows = [
        tuple(r.find(f"r:binding[@name='{v}']/*", ns).text for v in ("g", "n"))
        for r in root.iterfind("r:results/r:result", ns)
    ]
    assert rows == expected

    status, headers, body = get(base, q(text), Accept="text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert table[0] == ["g", "n"] and [tuple(r) for r in table[1:]] == expected

    status, headers, body = get(base, q(text, format="tsv"))
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "?g\t?n"
    g, n = lines[1].split("\t")
    assert g == f"<{expected[0][0]}>" and n.startswith(f'"{expected[0][1]}"^^')


def test_ask(base: str) -> None:
    status, _, body = get(base, q(f"ASK {{ <{CFC}> ?p ?o }}"))
    assert status == 200 and json.loads(body)["boolean"] is True
    _, _, body = get(base, q("ASK { <http://nothing/> ?p ?o }"), Accept="application/xml")
    assert ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean").text == (
        "false"
    )


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_rdf_format(base: str, accept: str, syntax: str) -> None:
    status, headers, body = get(base, q(CONSTRUCT), Accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    graph = rdflib.Graph().parse(data=body, format=syntax)
    assert (rdflib.URIRef(CFC), rdflib.RDF.type, None) in graph


def test_describe_and_format_parameter(base: str) -> None:
    status, headers, body = get(base, q(f"DESCRIBE <{CFC}>", format="nt"))
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert len(rdflib.Graph().parse(data=body, format="nt")) > 5


def test_not_acceptable(base: str) -> None:
    status, _, body = get(base, q(SELECT_GRAPHS), Accept="image/png")
    assert status == 406 and b"offered" in body


# --- protocol: negative cases -------------------------------------------------------------


def test_two_queries_are_refused(base: str) -> None:
    status, _, body = get(base, "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert status == 400 and b"more than one" in body
    path = "/sparql?" + urlencode({"query": "ASK {}"})
    status, _, _ = call(
        base, "POST", path, "SELECT * {}", {"Content-Type": "application/sparql-query"}
    )
    assert status == 400


def test_wrong_or_missing_media_type(base: str) -> None:
    status, _, _ = call(base, "POST", "/sparql", "ASK {}", {"Content-Type": "text/plain"})
    assert status == 415
    status, _, _ = call(base, "POST", "/sparql", "query=ASK%20%7B%7D", {})
    assert status == 415
    headers = {"Content-Type": "application/sparql-query; charset=utf-16"}
    status, _, _ = call(base, "POST", "/sparql", "ASK {}".encode("utf-16"), headers)
    assert status == 415


def test_non_utf8_body(base: str) -> None:
    headers = {"Content-Type": "application/sparql-query"}
    status, _, _ = call(base, "POST", "/sparql", "ASK {}".encode("utf-16"), headers)
    assert status == 400


def test_missing_query(base: str) -> None:
    status, _, body = call(base, "POST", "/sparql", "default-graph-uri=a%3Ab", form())
    assert status == 400 and b"missing query" in body


def test_syntax_error(base: str) -> None:
    status, headers, body = get(base, q("SELECT * WHERE { ?s ?p }"))
    assert status == 400 and b"syntax" in body.lower()
    assert headers["Content-Type"].startswith("text/plain")


def test_wrong_method(base: str) -> None:
    status, headers, _ = call(base, "PUT", "/sparql?query=ASK%20%7B%7D", "")
    assert status == 405 and "GET" in headers["Allow"]


UPDATE = "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("GET", "/sparql?" + urlencode({"update": UPDATE}), None, {}),
        ("GET", q(UPDATE), None, {}),
        ("GET", q("CLEAR ALL"), None, {}),
        ("GET", q("DROP GRAPH <https://w3id.org/scmgraph/graph/links>"), None, {}),
        ("GET", q("LOAD <http://127.0.0.1:9/x.ttl>"), None, {}),
        ("POST", "/sparql", urlencode({"update": UPDATE}), form()),
        ("POST", "/sparql", UPDATE, {"Content-Type": "application/sparql-update"}),
        ("POST", "/sparql", UPDATE, {"Content-Type": "application/sparql-query"}),
        ("POST", "/sparql", urlencode({"query": "COPY DEFAULT TO <g:x>"}), form()),
    ],
)
def test_updates_are_refused(
    base: str, method: str, path: str, body: str | None, headers: dict[str, str]
) -> None:
    status, _, text = call(base, method, path, body, headers)
    assert status == 403 and b"read-only" in text
    _, _, count = get(base, q("ASK { <http://e/s> ?p ?o }"))
    assert json.loads(count)["boolean"] is False


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(base: str, text: str) -> None:
    status, _, body = get(base, q(text))
    assert status == 403 and b"SERVICE" in body
    status, _, body = call(
        base, "POST", "/sparql", text, {"Content-Type": "application/sparql-query"}
    )
    assert status == 403


# --- limits -------------------------------------------------------------------------------


def test_row_limit_is_signalled(base: str) -> None:
    status, headers, body = get(base, q("SELECT * WHERE { ?s ?p ?o }"))
    assert status == 200
    assert headers["X-Result-Truncated"] == "true"
    assert headers["X-Result-Row-Limit"] == "10000"
    assert len(json.loads(body)["results"]["bindings"]) == 10_000
    _, headers, _ = get(base, q(SELECT_GRAPHS))
    assert headers["X-Result-Truncated"] is None


def test_body_limit(base: str) -> None:
    big = "query=" + "A" * 1_100_000
    try:
        status, _, body = call(base, "POST", "/sparql", big, form())
    except (BrokenPipeError, ConnectionResetError):
        pytest.fail("the server closed the connection instead of answering 413")
    assert status == 413 and b"larger than" in body


def test_a_connection_is_kept_alive_across_requests(base: str) -> None:
    """Answers, refusals and a refused body all leave the connection open for the next."""
    port = int(base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    direct = {"Content-Type": "application/sparql-query"}
    asked = [
        ("POST", "/sparql", "ASK { ?s ?p ?o }", direct, 200),
        ("GET", q(SELECT_GRAPHS), None, {}, 200),
        ("POST", "/sparql", "INSERT DATA { <a:b> <a:c> <a:d> }", direct, 403),
        ("GET", q("SELECT * WHERE { ?s ?p"), None, {}, 400),
        ("POST", "/sparql", "ASK { ?s ?p ?o }", direct, 200),
    ]
    try:
        local_ports = set()
        for method, path, body, headers, status in asked:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == status, (method, path)
            assert response.getheader("Connection") != "close"
            assert connection.sock is not None
            local_ports.add(connection.sock.getsockname()[1])
        assert len(local_ports) == 1  # one TCP connection carried every request
    finally:
        connection.close()


def test_slow_query_is_cut_while_others_are_answered(base: str) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        outcome["slow"] = get(base, q(SLOW))[0]
        outcome["slow_seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)  # the slow query now holds one worker
    fast = []
    while thread.is_alive():
        started = time.monotonic()
        status, _, _ = get(base, q("ASK { ?s ?p ?o }"))
        fast.append((status, time.monotonic() - started))
    thread.join()
    assert outcome["slow"] == 503
    assert 1.5 < float(outcome["slow_seconds"]) < 10  # type: ignore[arg-type]
    assert fast and all(status == 200 for status, _ in fast)
    assert max(seconds for _, seconds in fast) < 1.5
    # the killed worker has been replaced: the pool answers at full strength again
    for _ in range(4):
        assert get(base, q(SELECT_GRAPHS))[0] == 200


def test_cors_only_when_asked(base: str, store: Path) -> None:
    _, headers, _ = get(base, q("ASK {}"), Origin="http://example.org")
    assert headers["Access-Control-Allow-Origin"] is None
    with serving(Settings(port=0, store=store, workers=1, cors=True)) as other:
        _, headers, _ = get(other, q("ASK {}"), Origin="http://example.org")
        assert headers["Access-Control-Allow-Origin"] == "*"
        preflight = {"Origin": "http://example.org", "Access-Control-Request-Method": "POST"}
        status, headers, _ = call(other, "OPTIONS", "/sparql", None, preflight)
        assert status == 204 and "Content-Type" in headers["Access-Control-Allow-Headers"]


# --- descriptions -------------------------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


def test_service_description(base: str) -> None:
    status, headers, body = get(base, "/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    endpoint = rdflib.URIRef(base + "/sparql")
    assert (endpoint, rdflib.RDF.type, SD.Service) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    names = set(graph.objects(None, SD.name))
    assert rdflib.URIRef("https://w3id.org/scmgraph/graph/communique/scm-52") in names


def test_void(base: str, store: Path) -> None:
    status, _, body = get(base, "/.well-known/void")
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format="turtle")
    dataset = rdflib.URIRef(base + "/.well-known/void#dataset")
    assert (dataset, rdflib.RDF.type, VOID.Dataset) in graph
    assert int(graph.value(dataset, VOID.triples)) == len(open_store(store))


# --- entity pages -------------------------------------------------------------------------


def _a_sentence_naming(store: Path, entity: str) -> str:
    table = run_select(
        open_store(store),
        "PREFIX scm: <https://w3id.org/scmgraph/ontology#> "
        "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> "
        f"SELECT ?text WHERE {{ ?st scm:mentions <{entity}> ; scm:sentence/nif:anchorOf ?text }}"
        " LIMIT 1",
    )
    return table.rows[0][0].value


def test_entity_page_for_browsers(base: str, store: Path) -> None:
    status, headers, body = get(
        base, "/id/org/combined-forces-command", Accept="text/html,application/xhtml+xml,*/*;q=0.8"
    )
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode("utf-8")
    assert "<h1>Combined Forces Command</h1>" in page
    assert html.escape(_a_sentence_naming(store, CFC)) in page
    assert "Statements over time" in page and "SCM 52" in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_entity_data_for_machines(base: str) -> None:
    for accept, syntax in (("*/*", "turtle"), ("application/ld+json", "json-ld")):
        status, _, body = get(base, "/id/org/combined-forces-command", Accept=accept)
        assert status == 200
        graph = rdflib.Graph().parse(data=body, format=syntax)
        assert (rdflib.URIRef(CFC), rdflib.RDFS.label, None) in graph


def test_entity_in_several_named_graphs_gives_each_triple_once(base: str, store: Path) -> None:
    # The Combined Forces Command is typed and labelled in the registry graph and in
    # every communiqué that names it; its description states each fact once.
    graphs = run_select(
        open_store(store),
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ <{CFC}> a ?t }} }}",
    )
    assert int(graphs.rows[0][0].value) >= 3
    facts = len(run_select(open_store(store), CONSTRUCT).rows)
    status, _, body = get(base, "/id/org/combined-forces-command", Accept="text/turtle")
    assert status == 200
    assert body.decode("utf-8").count("scm:MilitaryCommand") == 1
    status, _, body = get(base, "/id/org/combined-forces-command?format=nt")
    lines = body.decode("utf-8").splitlines()
    assert status == 200 and len(lines) == len(set(lines)) == facts
    status, _, body = get(base, q(f"DESCRIBE <{CFC}>", format="nt"))
    assert sorted(body.decode("utf-8").splitlines()) == sorted(lines)
    described = run_select(open_store(store), f"DESCRIBE <{CFC}>")
    assert len(described.rows) == len(set(described.rows)) == facts


def test_unknown_entity(base: str) -> None:
    assert get(base, "/id/org/no-such-thing")[0] == 404
    assert get(base, "/id/org/no-such-thing", Accept="text/html")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/id/../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/org/../../../etc/passwd",
        "/queries/../../etc/passwd",
        "/queries/%2e%2e%2fcli",
        "/id/",
        "/queries/",
        "/src/",
        "/etc/passwd",
    ],
)
def test_no_traversal_and_no_listing(base: str, path: str) -> None:
    status, _, body = get(base, path, Accept="text/html")
    assert status == 404
    assert b"root:" not in body and b"Index of" not in body


# --- stored queries -----------------------------------------------------------------------


def test_query_list(base: str) -> None:
    status, headers, body = get(base, "/queries")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    names = {item["name"] for item in json.loads(body)["queries"]}
    assert "heads-of-delegation" in names and "entity-statements" in names


def test_stored_query_with_parameter(base: str, store: Path) -> None:
    entity = "id:agreement/special-measures-agreement"
    status, _, body = get(base, "/queries/entity-statements?" + urlencode({"entity": entity}))
    assert status == 200
    rows = json.loads(body)["results"]["bindings"]
    stored = find_query("entity-statements")
    from scmgraph.sparql.query import bind

    local = run_select(open_store(store), stored.text, bind(stored, {"entity": entity}))
    assert len(rows) == len(local.rows) > 0
    status, headers, body = get(base, "/queries/heads-of-delegation?format=csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")


def test_stored_query_is_a_page_for_browsers_and_data_otherwise(base: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    entity = urlencode({"entity": "id:agreement/special-measures-agreement"})
    status, headers, body = get(base, "/queries/entity-statements?" + entity, Accept=browser)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode("utf-8")
    assert "<h1>entity-statements</h1>" in page and "Special Measures Agreement" in page
    assert 'value="id:agreement/special-measures-agreement"' in page  # the form keeps it
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    for accept in ("*/*", "application/sparql-results+json"):
        status, headers, _ = get(base, "/queries/entity-statements?" + entity, Accept=accept)
        assert headers["Content-Type"].startswith("application/sparql-results+json")
    status, headers, _ = get(base, "/queries/heads-of-delegation?format=xml", Accept=browser)
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    status, _, body = get(base, '/queries/heads-of-delegation?x="><script>', Accept=browser)
    assert status == 400 and b"<script>" not in body.replace(b"&lt;script&gt;", b"")


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/scmgraph/id/x> } ; DROP ALL ; SELECT * { <a:b",
        "<https://w3id.org/scmgraph/id/org/combined-forces-command>",
        'x" ) } UNION { ?s ?p ?o',
    ],
)
def test_stored_query_injection(base: str, value: str) -> None:
    status, _, body = get(base, "/queries/entity-statements?" + urlencode({"entity": value}))
    assert status == 400 and b"not a valid iri" in body.lower()


def test_stored_query_string_parameter_is_a_literal(base: str) -> None:
    attack = '") } UNION { ?s ?p ?o } #'
    status, _, body = get(base, "/queries/label-search?" + urlencode({"text": attack}))
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


def test_stored_query_errors(base: str) -> None:
    assert get(base, "/queries/no-such-query")[0] == 404
    assert get(base, "/queries/agreements-cited?ordinal=abc")[0] == 400  # not an integer
    assert get(base, "/queries/heads-of-delegation?bogus=1")[0] == 400
    path = "/queries/entity-statements?entity=" + quote("id:org/a") + "&entity=" + quote("id:b")
    assert get(base, path)[0] == 400
