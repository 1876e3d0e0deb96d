"""The load benchmark (scripts/load_test.py) asks servers what the stored queries ask.

The stored queries are posted as text with their example parameters bound as
VALUES, to ``scmgraph serve`` and to Oxigraph server alike; the comparison is fair
only if that text answers exactly what the stored query answers with the same
parameters bound by the engine.
"""

from __future__ import annotations

import itertools
import shlex
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from scmgraph.build.corpus import build
from scmgraph.rdf.store import open_store
from scmgraph.registry.files import default_data_dir
from scmgraph.sparql.query import bind, list_queries, run_select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import load_test


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    out = tmp_path_factory.mktemp("load-graph")
    return open_store(build(default_data_dir() / "communiques", out).store)


def rows(table) -> list[tuple[str, ...]]:
    return sorted(tuple(str(cell) for cell in row) for row in table.rows)


def _example_values(example: str | None) -> dict[str, str]:
    args = shlex.split(example or "")
    return {
        name: text
        for flag, value in itertools.pairwise(args)
        if flag == "--param"
        for name, _, text in [value.partition("=")]
    }


def test_posted_queries_answer_what_the_stored_queries_answer(store: ox.Store) -> None:
    stored = {q.name: q for q in list_queries()}
    requests = load_test.stored_requests(None)
    assert [r.name for r in requests] == list(stored)
    answered = 0
    for request in requests:
        query = stored[request.name]
        expected = run_select(store, query.text, bind(query, _example_values(query.example)))
        posted = run_select(store, request.body.decode("utf-8"))
        assert rows(posted) == rows(expected), query.name
        answered += bool(expected.rows)
    # The examples are written for the given corpus: every one of them finds something.
    assert answered == len(stored) == 20
