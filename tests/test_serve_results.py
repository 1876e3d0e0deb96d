"""What a worker of ``serve`` answers, checked on a small store made here.

The row limit is kept while pyoxigraph writes: exactly at the limit nothing is
cut, one row past it the answer is cut and says so, in every result syntax.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from scmgraph.sparql.results import GRAPH_TYPES, RESULT_TYPES, Task, execute
from scmgraph.sparql.values import steer

EX = "http://example.org/"
ROWS = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s"
TRIPLES = "CONSTRUCT { ?s <http://example.org/q> ?o } WHERE { ?s <http://example.org/p> ?o }"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode(EX + "g")
    for n in range(5):
        text = f'line {n}\nwith a tab\tand a comma, "quotes" and \x01 a control'
        store.add(
            ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(EX + "p"), ox.Literal(text), graph)
        )
    return store


def rows(media: str, body: bytes) -> list[tuple[str, str]]:
    """(subject, object) pairs read back from a SELECT answer in ``media``."""
    if media == RESULT_TYPES[0]:
        bindings = json.loads(body)["results"]["bindings"]
        return [(b["s"]["value"], b["o"]["value"]) for b in bindings]
    if media == RESULT_TYPES[1]:
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        return [
            tuple(r.find(f"r:binding[@name='{v}']/*", ns).text for v in ("s", "o"))
            for r in ET.fromstring(body).iterfind("r:results/r:result", ns)
        ]
    if media == RESULT_TYPES[2]:
        return [tuple(r) for r in csv.reader(io.StringIO(body.decode("utf-8")))][1:]
    lines = body.decode("utf-8").split("\n")
    assert lines[0] == "?s\t?o" and lines[-1] == ""
    return [tuple(line.split("\t")) for line in lines[1:-1]]


@pytest.mark.parametrize("media", RESULT_TYPES)
@pytest.mark.parametrize(("limit", "cut"), [(5, False), (6, False), (4, True), (1, True)])
def test_select_rows_are_cut_at_the_limit(
    store: ox.Store, media: str, limit: int, cut: bool
) -> None:
    reply = execute(store, Task(ROWS, media_type=media, max_rows=limit))
    assert reply.ok and reply.media == media and reply.truncated is cut
    found = rows(media, reply.body)
    assert len(found) == min(limit, 5)
    assert found[0][0] in (f"{EX}s0", f"<{EX}s0>")


def test_xml_answers_replace_what_xml_cannot_carry(store: ox.Store) -> None:
    reply = execute(store, Task(ROWS, media_type=RESULT_TYPES[1], max_rows=10))
    values = [o for _, o in rows(RESULT_TYPES[1], reply.body)]
    assert values[2] == 'line 2\nwith a tab\tand a comma, "quotes" and \ufffd a control'


def test_json_and_csv_answers_keep_the_text(store: ox.Store) -> None:
    for media in RESULT_TYPES[0], RESULT_TYPES[2]:
        reply = execute(store, Task(ROWS, media_type=media, max_rows=10))
        assert rows(media, reply.body)[3][1] == (
            'line 3\nwith a tab\tand a comma, "quotes" and \x01 a control'
        )


def test_tsv_writes_numbers_in_full(store: ox.Store) -> None:
    reply = execute(store, Task("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", RESULT_TYPES[3]))
    assert reply.body == b'?n\n"5"^^<http://www.w3.org/2001/XMLSchema#integer>\n'


def test_a_table_is_cut_at_the_limit(store: ox.Store) -> None:
    reply = execute(store, Task(ROWS, media_type=None, max_rows=3))
    assert reply.truncated and reply.table.columns == ("s", "o")
    assert [row[0] for row in reply.table.rows] == [ox.NamedNode(f"{EX}s{n}") for n in range(3)]


@pytest.mark.parametrize(
    ("media", "syntax"), list(zip(GRAPH_TYPES, ["turtle", "nt", "json-ld", "xml"], strict=True))
)
@pytest.mark.parametrize(("limit", "cut"), [(5, False), (2, True)])
def test_graph_results_are_cut_at_the_limit(
    store: ox.Store, media: str, syntax: str, limit: int, cut: bool
) -> None:
    reply = execute(store, Task(TRIPLES, media_type=media, max_rows=limit))
    assert reply.ok and reply.media == media and reply.truncated is cut
    graph = rdflib.Graph().parse(data=reply.body, format=syntax)
    assert len(graph) == min(limit, 5)
    assert set(graph.predicates()) == {rdflib.URIRef(EX + "q")}


def test_ask_in_every_result_syntax(store: ox.Store) -> None:
    answers = {
        media: execute(store, Task("ASK { ?s ?p ?o }", media)).body for media in RESULT_TYPES
    }
    assert json.loads(answers[RESULT_TYPES[0]])["boolean"] is True
    assert answers[RESULT_TYPES[2]].strip() == b"true"


def test_graph_results_give_each_triple_once_and_count_distinct_triples() -> None:
    # the same three facts in three named graphs: DESCRIBE over their union
    store = ox.Store()
    subject, predicate = ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p")
    for graph in ("g1", "g2", "g3"):
        for n in range(3):
            store.add(ox.Quad(subject, predicate, ox.Literal(str(n)), ox.NamedNode(EX + graph)))
    describe = f"DESCRIBE <{EX}s>"
    assert len(list(store.query(describe, use_default_graph_as_union=True))) == 9
    reply = execute(store, Task(describe, media_type=GRAPH_TYPES[1], max_rows=3))
    lines = reply.body.decode("utf-8").splitlines()
    assert len(lines) == len(set(lines)) == 3 and not reply.truncated
    reply = execute(store, Task(describe, media_type=GRAPH_TYPES[1], max_rows=2))
    assert len(reply.body.decode("utf-8").splitlines()) == 2 and reply.truncated


class _Recording:
    """A store stand-in that keeps the text it was asked and answers from ``store``."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.texts: list[str] = []

    def query(self, text: str, **options: object) -> object:
        self.texts.append(text)
        return self.store.query(text, **options)


def test_bound_parameters_reach_the_planner_as_values(store: ox.Store) -> None:
    # The engine plans before it substitutes: a served stored query whose parameters
    # were not also written as VALUES would walk the whole corpus (as the embedded
    # path does not), so both must send the same steered text.
    recording = _Recording(store)
    subject = ox.Variable("s")
    task = Task(ROWS, RESULT_TYPES[2], substitutions={subject: ox.NamedNode(EX + "s3")})
    reply = execute(recording, task)  # type: ignore[arg-type]
    assert [row[0] for row in rows(RESULT_TYPES[2], reply.body)] == [EX + "s3"]
    assert recording.texts == [steer(ROWS, task.substitutions)]
    assert "VALUES (?s) { (<http://example.org/s3>) }" in recording.texts[0]
