"""The notebook API on the built corpus: stored and ad-hoc queries, the statements
view and the networks, as plain Python values; the README's examples run here."""

from __future__ import annotations

import datetime as dt
import doctest
import json
from pathlib import Path

import networkx as nx
import pytest

import scmgraph
import scmgraph.api
from scmgraph.api import KnowledgeGraph, python_value
from scmgraph.build.corpus import build
from scmgraph.errors import QueryError
from scmgraph.sparql.query import UPDATES_REFUSED, list_queries
from scmgraph.views.export import export, network_bytes
from scmgraph.views.statements import write_views

ROOT = Path(__file__).resolve().parents[1]
PLAIN = (str, int, float, bool, dt.date, type(None))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder holding data/graph, built from the corpus."""
    folder = tmp_path_factory.mktemp("project")
    build(ROOT / "data" / "communiques", folder / "data" / "graph")
    return folder


@pytest.fixture(scope="module")
def kg(project: Path) -> KnowledgeGraph:
    return scmgraph.load(project / "data" / "graph")


def test_heads_of_delegation_of_the_52nd_scm(kg: KnowledgeGraph) -> None:
    rows = kg.query("heads-of-delegation")
    scm52 = [r for r in rows if r["series"] == "SCM" and r["ordinal"] == 52]
    assert scm52 == [
        {
            "series": "SCM",
            "ordinal": 52,
            "date": dt.date(2020, 10, 14),
            "position": 1,
            "name": "Mark Esper",
            "post": "Secretary of Defense",
            "party": "US",
            "person": "https://w3id.org/scmgraph/id/person/mark-esper",
        },
        {
            "series": "SCM",
            "ordinal": 52,
            "date": dt.date(2020, 10, 14),
            "position": 2,
            "name": "Suh Wook",
            "post": "Minister of National Defense",
            "party": "ROK",
            "person": "https://w3id.org/scmgraph/id/person/suh-wook",
        },
    ]
    assert {(r["series"], r["ordinal"]) for r in rows} == {
        ("MCM", 45),
        ("SCM", 52),
        ("MCM", 46),
        ("SCM", 53),
    }


def test_parameters_are_keywords_typed_like_the_command_line(kg: KnowledgeGraph) -> None:
    rows = kg.query("meeting-statements", ordinal=53)
    assert rows and {r["statement"].split("/")[-4] for r in rows} == {"scm-53"}
    assert all(isinstance(r["paragraph"], int) for r in rows)
    assert kg.query("meeting-statements", ordinal="53") == rows
    with pytest.raises(QueryError, match="unknown parameter"):
        kg.query("meeting-statements", meeting=53)
    with pytest.raises(QueryError, match="not a valid integer"):
        kg.query("meeting-statements", ordinal="fifty")
    with pytest.raises(QueryError, match="unknown stored query"):
        kg.query("no-such-query")


def test_every_stored_query_answers_in_plain_values(kg: KnowledgeGraph) -> None:
    for stored in list_queries():
        rows = kg.query(stored.name)
        for row in rows:
            for column, value in row.items():
                assert isinstance(value, PLAIN), (stored.name, column, value)


def test_sparql_reads_and_refuses_updates(kg: KnowledgeGraph) -> None:
    assert kg.sparql(
        "PREFIX scm: <https://w3id.org/scmgraph/ontology#> "
        "SELECT DISTINCT ?ordinal WHERE { ?m scm:series/scm:acronym 'SCM' ; scm:ordinal ?ordinal }"
        " ORDER BY ?ordinal"
    ) == [{"ordinal": 52}, {"ordinal": 53}]
    assert kg.sparql("ASK { ?s a <https://w3id.org/scmgraph/ontology#Statement> }") == [
        {"result": True}
    ]
    for update in ("DELETE WHERE { ?s ?p ?o }", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        with pytest.raises(QueryError, match=UPDATES_REFUSED):
            kg.sparql(update)
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        kg.sparql("SELECT WHERE")


def test_statements_are_the_statements_view(kg: KnowledgeGraph, tmp_path: Path) -> None:
    rows = kg.statements()
    written = write_views(kg.store, tmp_path)
    expected = [
        {"document": view["document"], **statement}
        for view in (json.loads(path.read_text(encoding="utf-8")) for path in written)
        for statement in view["statements"]
    ]
    assert rows == expected
    assert {r["document"] for r in rows} == {"052_scm_2020", "053_scm_2021"}
    count = kg.sparql(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE "
        "{ ?s a <https://w3id.org/scmgraph/ontology#Statement> }"
    )
    assert len(rows) == count[0]["n"]


def test_network_is_what_the_export_writes(kg: KnowledgeGraph, tmp_path: Path) -> None:
    for projection in ("entities", "speakers", "threads"):
        graph = kg.network(projection)
        out = tmp_path / f"{projection}.graphml"
        export(kg.store, "graphml", out, projection=projection)
        assert network_bytes(graph, "graphml") == out.read_bytes()
    entities = kg.network("entities")
    assert isinstance(entities, nx.Graph) and not entities.is_directed()
    cfc = entities.nodes["org:combined-forces-command"]
    assert (cfc["label"], cfc["type"], cfc["acronym"]) == (
        "Combined Forces Command",
        "MilitaryCommand",
        "CFC",
    )
    only_2021 = kg.network("entities", meeting=53)
    years = {d["first_year"] for _, _, d in only_2021.edges(data=True)}
    assert years == {2021}
    assert kg.network("speakers").is_directed()


def test_load_names_a_folder_without_a_store(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match=f"{tmp_path / 'store'}: no built store here"):
        scmgraph.load(tmp_path)


def test_literals_become_plain_values() -> None:
    import pyoxigraph as ox

    xsd = "http://www.w3.org/2001/XMLSchema#"

    def lit(text: str, kind: str) -> ox.Literal:
        return ox.Literal(text, datatype=ox.NamedNode(xsd + kind))

    assert python_value(lit("2027", "gYear")) == 2027
    assert python_value(lit("0.5", "decimal")) == 0.5
    assert python_value(lit("false", "boolean")) is False
    assert python_value(lit("2021-12-02", "date")) == dt.date(2021, 12, 2)
    assert python_value(lit("2021-12-02T10:00:00", "dateTime")) == dt.datetime(2021, 12, 2, 10)
    assert python_value(lit("not a date", "date")) == "not a date"
    assert python_value(ox.Literal("Seoul", language="en")) == "Seoul"
    assert python_value(ox.NamedNode("https://w3id.org/scmgraph/id/x")) == (
        "https://w3id.org/scmgraph/id/x"
    )
    assert python_value(None) is None


def _run_doctests(text: str, name: str, globs: dict[str, object]) -> doctest.TestResults:
    test = doctest.DocTestParser().get_doctest(text, globs, name, name, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    return runner.summarize(verbose=False)


def test_readme_examples(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)  # the README opens data/graph, as after `make run`
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results = _run_doctests(readme, "README.md", {})
    assert results.attempted >= 12 and results.failed == 0


def test_module_example(project: Path) -> None:
    globs = {"graph_folder": project / "data" / "graph"}
    results = _run_doctests(scmgraph.api.__doc__ or "", "scmgraph.api", globs)
    assert results.attempted == 3 and results.failed == 0
