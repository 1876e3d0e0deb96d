"""The load benchmark (scripts/load_test.py) asks servers what the stored-query routes ask.

With ``--sparql`` the stored queries are posted as text with their example
parameters bound as VALUES, to ``scmgraph serve`` and to Oxigraph server alike;
the comparison is fair only if that text answers exactly what the stored query
answers with the same parameters bound by the engine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from scmgraph.build import build
from scmgraph.query import bind, list_queries, open_store, run_select
from scmgraph.registry import default_data_dir

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import load_test


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    out = tmp_path_factory.mktemp("load-graph")
    return open_store(build(default_data_dir() / "communiques", out).store)


def rows(table) -> list[tuple[str, ...]]:
    return sorted(tuple(str(cell) for cell in row) for row in table.rows)


def test_posted_queries_answer_what_the_stored_queries_answer(store: ox.Store) -> None:
    stored = {q.name: q for q in list_queries()}
    requests = load_test.sparql_requests("/sparql")
    assert [r.name for r in requests] == [f"/queries/{name}" for name in stored]
    assert {r.path for r in requests} == {"/sparql"}
    answered = 0
    for request in requests:
        query = stored[request.name.removeprefix("/queries/")]
        values = load_test.example_values(query.example)
        expected = run_select(store, query.text, bind(query, values))
        assert request.body is not None
        posted = run_select(store, request.body.decode("utf-8"))
        assert rows(posted) == rows(expected), query.name
        answered += bool(expected.rows)
    # The examples are written for the given corpus: every one of them finds something.
    assert answered == len(stored) == 20


def test_route_requests_keep_the_example_parameters() -> None:
    paths = {r.name: r.path for r in load_test.route_requests()}
    assert paths["/queries/meeting-statements"] == (
        "/queries/meeting-statements?format=json&ordinal=52&class=id%3Averb-class%2Fcommitment"
    )
    assert all(r.body is None for r in load_test.route_requests())
