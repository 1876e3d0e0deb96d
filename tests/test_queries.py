"""The stored SPARQL queries (queries/*.rq), their loader and `scmgraph query`.

The corpus graph is built once; every stored query is then asked for answers a
reader can check against the two communiqués (52nd SCM, 2020; 53rd SCM, 2021)
or that are counted independently, from the statements view or from the raw
triples. Parameter values are bound as typed terms: the injection tests show
that hostile values are refused or matched as plain literals, and that the store
is never changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shlex
from collections import Counter
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from scmgraph.build.corpus import build
from scmgraph.cli.main import main
from scmgraph.errors import QueryError
from scmgraph.rdf.store import open_store
from scmgraph.sparql.query import (
    Parameter,
    StoredQuery,
    bind,
    check_query,
    find_query,
    list_queries,
    load_query,
    parse_term,
    run_select,
)
from scmgraph.sparql.render import render
from scmgraph.views.statements import statements_view

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
QUERIES = ROOT / "queries"
ID = "https://w3id.org/scmgraph/id/"
SCM = "https://w3id.org/scmgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DOCUMENTS = {52: "052_scm_2020", 53: "053_scm_2021"}
# A value for every optional parameter without a default, to run each query fully bound.
SAMPLES = {
    "ordinal": "53",
    "class": "id:verb-class/commitment",
    "topic": "id:topic/opcon",
    "post": "id:post/us-secretary-of-defense",
    "party": "id:org/united-states",
    "type": "scm:Agreement",
    "year": "2022",
}

Rows = list[dict[str, str | None]]


# --- fixtures and helpers ----------------------------------------------------------


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("query-graph")
    return build(CORPUS, out, progress=lambda _message: None).store


@pytest.fixture(scope="session")
def store(store_path: Path) -> ox.Store:
    return open_store(store_path)


@pytest.fixture(scope="session")
def views(store: ox.Store) -> dict[int, dict]:
    return {ordinal: statements_view(store, name) for ordinal, name in DOCUMENTS.items()}


@pytest.fixture(scope="session")
def texts() -> dict[int, str]:
    return {
        o: (CORPUS / f"{name}.txt").read_text(encoding="utf-8") for o, name in DOCUMENTS.items()
    }


@pytest.fixture()
def memory_store(store: ox.Store) -> Iterator[ox.Store]:
    """A writable copy, so that an injected update would have something to change."""
    copy = ox.Store()
    copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
    yield copy


def run(store: ox.Store, name: str, **params: str) -> Rows:
    """A stored query's rows as dicts of plain strings (None when unbound)."""
    query = find_query(name)
    table = run_select(store, query.text, bind(query, params))
    return [
        {c: (None if t is None else t.value) for c, t in zip(table.columns, row, strict=True)}
        for row in table.rows
    ]


def statement(ordinal: int, paragraph: int, sentence: int, clause: int) -> str:
    return f"{ID}statement/scm-{ordinal}/p{paragraph}/s{sentence}/{clause}"


def objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    quads = store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None)
    return {q.object.value for q in quads}


def subjects_of_type(store: ox.Store, cls: str) -> set[str]:
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return {q.subject.value for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(cls))}


def ordinal_of(iri: str) -> int:
    return int(iri.split("/scm-")[1].split("/")[0])


def int_of(value: str | None) -> int:
    assert value is not None
    return int(value)


# --- the query files -------------------------------------------------------------------


def test_the_stored_queries_are_listed() -> None:
    names = {q.name for q in list_queries()}
    assert len(names) >= 16
    assert {
        "heads-of-delegation",
        "entity-statements",
        "thread-life",
        "deadline-follow-up",
        "agreements-cited",
        "changes-between-meetings",
        "statements-per-class",
        "topic-shares",
        "co-mentioned-entities",
        "post-holders",
        "statement-provenance",
        "speaker-statements",
        "party-alone-vs-joint",
        "entities-by-type",
        "thread-links-of-kind",
        "label-search",
        "deadlines-by-year",
    } <= names


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_header_documents_the_query_and_its_parameters(query: StoredQuery) -> None:
    assert check_query(query) == []
    assert query.summary and len(query.description) > 80
    assert query.tags
    assert query.example and query.example.startswith(f"scmgraph query run {query.name}")
    documented = {name for name, _kind, text in query.documented if text}
    assert documented == {p.name for p in query.parameters}


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_query_runs_with_defaults_and_fully_bound(store: ox.Store, query: StoredQuery) -> None:
    table = run_select(store, query.text, bind(query, {}))
    assert table.rows, "the default parameters should find something in the corpus"
    assert not any(c.startswith("_") for c in table.columns)
    values = {p.name: SAMPLES[p.name] for p in query.parameters if p.default is None}
    assert run_select(store, query.text, bind(query, values)).rows


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_example_runs_from_the_command_line(store_path: Path, query: StoredQuery) -> None:
    assert query.example is not None
    args = shlex.split(query.example)[1:]
    result = CliRunner().invoke(main, [*args, "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip()


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_output_is_deterministic(store: ox.Store, query: StoredQuery) -> None:
    first = render(run_select(store, query.text, bind(query, {})), "csv")
    assert render(run_select(store, query.text, bind(query, {})), "csv") == first
    assert "ORDER BY" in query.text


def test_folded_description_and_list_fields_are_read() -> None:
    heads = find_query("heads-of-delegation")
    assert heads.description.startswith("One row per head of delegation of every meeting")
    assert heads.tags == ("meetings", "people")
    changes = find_query("changes-between-meetings")
    assert dict(changes.defaults) == {"from": "52", "to": "53"}
    assert [(p.name, p.type, p.required) for p in changes.parameters] == [
        ("from", "integer", False),
        ("to", "integer", False),
        ("class", "iri", False),
    ]


# --- answers from the corpus -----------------------------------------------------------


def test_heads_of_delegation(store: ox.Store) -> None:
    rows = run(store, "heads-of-delegation")
    scm = [(r["ordinal"], r["name"], r["party"]) for r in rows if r["series"] == "SCM"]
    assert scm == [
        ("52", "Mark Esper", "US"),
        ("52", "Suh Wook", "ROK"),
        ("53", "Suh Wook", "ROK"),
        ("53", "Lloyd J. Austin III", "US"),
    ]
    mcm = {(r["ordinal"], r["person"]) for r in rows if r["series"] == "MCM"}
    milley, won = ID + "person/mark-milley", ID + "person/won-in-choul"
    assert mcm == {("45", milley), ("45", won), ("46", won), ("46", milley)}


def test_entity_statements_of_cfc_in_order_with_offsets(
    store: ox.Store, texts: dict[int, str]
) -> None:
    rows = run(store, "entity-statements")
    assert {(int_of(r["ordinal"]), int_of(r["paragraph"])) for r in rows} == {
        (52, 7),
        (52, 10),
        (53, 7),
        (53, 11),
    }
    keys = [(r["date"], int_of(r["paragraph"]), int_of(r["sentence"])) for r in rows]
    assert keys == sorted(keys)
    for r in rows:
        text = texts[int_of(r["ordinal"])]
        assert text[int_of(r["begin"]) : int_of(r["end"])] == r["text"]
        assert text[int_of(r["mention_begin"]) : int_of(r["mention_end"])] == r["surface"]
        assert r["surface"] in ("CFC", "Combined Forces Command")
    relocation = [r for r in rows if r["statement"] == statement(53, 11, 3, 2)]
    assert relocation and relocation[0]["verb"] == "pledge"
    assert "complete the relocation by next year" in str(relocation[0]["text"])


def test_entity_statements_of_the_sma(store: ox.Store) -> None:
    rows = run(store, "entity-statements", entity="id:agreement/special-measures-agreement")
    assert {(r["ordinal"], r["paragraph"]) for r in rows} == {("52", "19"), ("53", "20")}
    assert len(rows) == 5


def test_thread_life_of_the_cfc_relocation_spans_52_10_and_53_11(store: ox.Store) -> None:
    rows = run(store, "thread-life")
    assert {(r["step"], r["ordinal"], r["paragraph"]) for r in rows} == {
        ("start", "52", "10"),
        ("later", "53", "11"),
    }
    later = [r for r in rows if r["step"] == "later"]
    assert len(later) == 4
    assert {r["previous"] for r in later} == {statement(52, 10, 2, 1)}
    assert {r["kind"] for r in later} == {"repeated", "changed", "strengthened"}
    assert rows[0]["step"] == "start" and rows[0]["kind"] is None


def test_thread_life_backward_from_the_relocation_pledge(store: ox.Store) -> None:
    rows = run(store, "thread-life", statement="id:statement/scm-53/p11/s3/2")
    assert [(r["step"], r["statement"], r["kind"]) for r in rows] == [
        ("earlier", statement(52, 10, 2, 1), None),
        ("start", statement(53, 11, 3, 2), "strengthened"),
    ]
    assert "Camp Humphreys" in str(rows[1]["label"])


def test_thread_life_of_an_unknown_statement_is_empty(store: ox.Store) -> None:
    assert run(store, "thread-life", statement="id:statement/scm-99/p1/s1/1") == []


def test_deadline_follow_up(store: ox.Store) -> None:
    rows = run(store, "deadline-follow-up")
    deadlines = {r["statement"] for r in rows}
    assert len(deadlines) == 13
    assert all(r["status"] == "no later communiqué" for r in rows if r["ordinal"] == "53")
    meeting = [r for r in rows if r["statement"] == statement(52, 20, 3, 1)]
    assert [(r["deadline"], r["status"], r["via"], r["next_paragraph"]) for r in meeting] == [
        ("in 2021", "repeated", "thread link", "21")
    ]
    assert "54th SCM" in str(meeting[0]["next_text"])
    relocation = [r for r in rows if r["statement"] == statement(52, 10, 3, 2)]
    assert {r["next_paragraph"] for r in relocation} == {"11"}
    assert {r["via"] for r in relocation} == {"same paragraph"}
    assert statement(53, 11, 3, 2) in {r["next_statement"] for r in relocation}


def test_agreements_cited_by_each_meeting(store: ox.Store) -> None:
    rows = run(store, "agreements-cited")
    cited = {o: {r["label"] for r in rows if r["ordinal"] == o} for o in ("52", "53")}
    both = {
        "Armistice Agreement",
        "Comprehensive Military Agreement",
        "Mutual Defense Treaty",
        "Panmunjom Declaration",
        "Singapore Joint Statement",
        "Special Measures Agreement",
        "Status of Forces Agreement",
        "United Nations Security Council Resolutions",
    }
    assert cited["52"] == both | {"Crisis Management Memorandum of Agreement"}
    assert cited["53"] == both | {
        "Pyongyang Joint Declaration",
        "Six-Party Talks Joint Statement",
        "May 2021 Joint Statement",
    }
    only_53 = run(store, "agreements-cited", ordinal="53")
    assert {r["ordinal"] for r in only_53} == {"53"}
    assert only_53[0]["label"] == "Mutual Defense Treaty"  # first cited, in §3
    sma = next(r for r in only_53 if r["acronym"] == "SMA")
    assert (sma["first_paragraph"], sma["mentions"]) == ("20", "3")


def test_changes_between_meetings_match_the_thread_links(store: ox.Store) -> None:
    carries = list(store.quads_for_pattern(None, ox.NamedNode(SCM + "carriesForward"), None, None))
    later = {q.subject.value for q in carries}
    earlier = {q.object.value for q in carries}
    statements = subjects_of_type(store, SCM + "Statement")
    in_53 = {s for s in statements if ordinal_of(s) == 53}
    in_52 = statements - in_53
    rows = run(store, "changes-between-meetings")
    status = Counter(r["status"] for r in rows)
    assert status["new"] == len(in_53 - later) == 17
    assert status["dropped"] == len(in_52 - earlier) == 34
    assert sum(status.values()) == len(in_53) + len(in_52 - earlier)
    by_statement = {r["statement"]: r for r in rows}
    assert by_statement[statement(53, 20, 1, 2)]["status"] == "fulfilled"
    assert by_statement[statement(53, 20, 1, 2)]["counterpart_paragraph"] == "19"
    assert by_statement[statement(52, 11, 6, 2)]["status"] == "dropped"  # the CM MOA update
    commitments = run(store, "changes-between-meetings", **{"class": "id:verb-class/commitment"})
    assert {r["class"] for r in commitments} == {"commitment"}
    assert 0 < len(commitments) < len(rows)


def test_changes_between_meetings_in_the_wrong_order_drop_everything(store: ox.Store) -> None:
    rows = run(store, "changes-between-meetings", to="52", **{"from": "53"})
    assert Counter(r["status"] for r in rows) == Counter({"new": 99, "dropped": 115})


def test_statements_per_class_equals_the_statements_view(
    store: ox.Store, views: dict[int, dict]
) -> None:
    rows = run(store, "statements-per-class")
    got = {(int_of(r["ordinal"]), r["class"]): int_of(r["statements"]) for r in rows}
    expected = {
        (ordinal, cls): n
        for ordinal, view in views.items()
        for cls, n in Counter(s["class"] for s in view["statements"]).items()
    }
    assert got == expected
    assert {r["total"] for r in rows if r["ordinal"] == "52"} == {"99"}
    assert {r["total"] for r in rows if r["ordinal"] == "53"} == {"115"}


def test_topic_shares_equal_the_statements_view(store: ox.Store, views: dict[int, dict]) -> None:
    rows = run(store, "topic-shares")
    for r in rows:
        view = views[int_of(r["ordinal"])]["statements"]
        topic = r["topic"]
        assert int_of(r["statements"]) == sum(topic in s["topics"] for s in view)
        assert int_of(r["primary"]) == sum(s["topics"][:1] == [topic] for s in view)
        assert int_of(r["total"]) == len(view)
        assert float(str(r["share"])) == pytest.approx(
            int_of(r["statements"]) / len(view), abs=1e-3
        )
    opcon = run(store, "topic-shares", topic="id:topic/opcon")
    assert [(r["ordinal"], r["statements"]) for r in opcon] == [("52", "20"), ("53", "13")]


def test_co_mentioned_entities_count_statement_pairs(store: ox.Store) -> None:
    pairs: Counter[tuple[str, str]] = Counter()
    for s in subjects_of_type(store, SCM + "Statement"):
        for a, b in combinations(sorted(objects(store, s, SCM + "mentions")), 2):
            pairs[(a, b)] += 1
    rows = run(store, "co-mentioned-entities", min="1")
    assert {(r["entity_a"], r["entity_b"]): int_of(r["statements"]) for r in rows} == dict(pairs)
    top = run(store, "co-mentioned-entities")
    assert all(int_of(r["statements"]) >= 3 for r in top)
    assert (top[0]["label_a"], top[0]["label_b"], top[0]["statements"]) == (
        "Korean Peninsula",
        "Northeast Asia",
        "7",
    )
    cfc = ID + "org/combined-forces-command", ID + "place/camp-humphreys"
    assert pairs[cfc] == 5
    only_52 = run(store, "co-mentioned-entities", min="2", ordinal="52")
    assert {(r["first"], r["last"], r["meetings"]) for r in only_52} == {("52", "52", "1")}


def test_secretary_of_defense_held_by_esper_then_austin(store: ox.Store) -> None:
    rows = run(store, "post-holders", post="id:post/us-secretary-of-defense")
    assert [(r["name"], r["begin"], r["end"], r["party"]) for r in rows] == [
        ("Mark Esper", "2020-10-14", "2020-10-14", "US"),
        ("Lloyd J. Austin III", "2021-12-02", "2021-12-02", "US"),
    ]
    everyone = run(store, "post-holders")
    suh = next(r for r in everyone if r["person"] == ID + "person/suh-wook")
    assert (suh["title"], suh["begin"], suh["end"], suh["meetings"]) == (
        "Minister of National Defense",
        "2020-10-14",
        "2021-12-02",
        "2",
    )
    assert len(everyone) == 5


def test_statement_provenance_traces_to_the_file_bytes(
    store: ox.Store, texts: dict[int, str]
) -> None:
    rows = run(store, "statement-provenance")
    assert len(rows) == 1
    row = rows[0]
    text = texts[53]
    assert row["file_name"] == "053_scm_2021.txt"
    digest = hashlib.sha256((CORPUS / "053_scm_2021.txt").read_bytes()).hexdigest()
    assert row["sha256"] == digest
    assert (row["paragraph"], row["sentence"], row["clause"]) == ("20", "1", "2")
    assert text[int_of(row["begin"]) : int_of(row["end"])] == row["text"]
    assert (
        text[int_of(row["verb_begin"]) : int_of(row["verb_end"])] == row["verb_text"] == "offered"
    )
    paragraph = text[int_of(row["paragraph_begin"]) : int_of(row["paragraph_end"])]
    assert str(row["text"]) in paragraph
    assert str(row["build"]).startswith(ID + "build/")
    assert row["tool_version"] and row["media_type"] == "text/plain"


def test_speaker_statements(store: ox.Store, views: dict[int, dict]) -> None:
    austin = run(store, "speaker-statements")
    assert {r["ordinal"] for r in austin} == {"53"}
    speaker = ox.NamedNode(SCM + "speaker")
    person = ox.NamedNode(ID + "person/lloyd-j-austin-iii")
    expected = {q.subject.value for q in store.quads_for_pattern(None, speaker, person)}
    assert {r["statement"] for r in austin} == expected
    esper = run(store, "speaker-statements", person="id:person/mark-esper")
    assert {r["ordinal"] for r in esper} == {"52"}
    alone = [r for r in esper if r["alone"] == "true"]
    assert len(alone) == 13
    assert all(r["speakers"] == "1" for r in alone)
    assert any("extended deterrence" in str(r["text"]) for r in alone)


def test_party_alone_vs_joint_equals_the_statements_view(
    store: ox.Store, views: dict[int, dict]
) -> None:
    rows = run(store, "party-alone-vs-joint")
    for r in rows:
        view = views[int_of(r["ordinal"])]["statements"]
        code = r["party"]
        assert int_of(r["alone"]) == sum(s["actors"] == [code] for s in view)
        assert int_of(r["jointly"]) == sum(
            code in s["actors"] and len(s["actors"]) > 1 for s in view
        )
    table = {(r["ordinal"], r["party"]): (r["alone"], r["jointly"]) for r in rows}
    assert table == {
        ("52", "ROK"): ("11", "74"),
        ("52", "US"): ("14", "74"),
        ("53", "ROK"): ("6", "98"),
        ("53", "US"): ("11", "98"),
    }


def test_entities_by_type_first_and_last_meeting(store: ox.Store) -> None:
    rows = run(store, "entities-by-type", type="scm:Agreement")
    assert {r["type"] for r in rows} == {SCM + "Agreement"}
    spans = {r["label"]: (r["first"], r["last"]) for r in rows}
    assert spans["Crisis Management Memorandum of Agreement"] == ("52", "52")
    assert spans["Six-Party Talks Joint Statement"] == ("53", "53")
    assert spans["Special Measures Agreement"] == ("52", "53")
    assert len(rows) == 12
    may = next(r for r in rows if r["label"] == "May 2021 Joint Statement")
    assert may["curated"] == "false"
    every = run(store, "entities-by-type")
    commands = {r["acronym"] for r in every if r["type"] == SCM + "MilitaryCommand"}
    assert commands == {"CFC", "F-CFC", "USFK", "UNC"}


def test_thread_links_classed_fulfilled(store: ox.Store) -> None:
    rows = run(store, "thread-links-of-kind")
    # The SMA is the one commitment reported done. "Until the ROK acquisition of these
    # capabilities are completed" (53 §13) names a condition, not a completion.
    assert [(r["previous_paragraph"], r["paragraph"]) for r in rows] == [("19", "20")]
    sma = rows[0]
    assert sma["label"] == "Special Measures Agreement"
    assert "ratification of the 11th Special Measures Agreement" in str(sma["text"])
    assert "current lack of a Special Measures Agreement" in str(sma["previous_text"])
    kinds = {r["kind"]: int_of(r["links"]) for r in run(store, "thread-kinds")}
    assert len(run(store, "thread-links-of-kind", kind="weakened")) == kinds["weakened"] == 5
    assert sum(kinds.values()) == 98


def test_label_search_matches_acronyms_and_labels_in_any_case(store: ox.Store) -> None:
    rows = run(store, "label-search")
    assert {(r["ordinal"], r["paragraph"]) for r in rows} == {("52", "19"), ("53", "20")}
    assert len(rows) == 5
    assert run(store, "label-search", text="sma") == rows
    humphreys = run(store, "label-search", text="HUMPHREYS")
    assert {r["entity"] for r in humphreys} == {ID + "place/camp-humphreys"}
    assert {(r["ordinal"], r["paragraph"]) for r in humphreys} == {("52", "10"), ("53", "11")}
    assert run(store, "label-search", text="no such entity") == []


def test_deadlines_by_year(store: ox.Store) -> None:
    rows = run(store, "deadlines-by-year")
    assert len(rows) == 13
    years = [r["year"] for r in rows]
    assert years[-3:] == [None, None, None]
    assert years[:-3] == sorted(years[:-3])
    in_2020 = run(store, "deadlines-by-year", year="2020")
    assert [r["deadline"] for r in in_2020] == ["this Fall", "by the end of the year"]
    in_2022 = run(store, "deadlines-by-year", year="2022")
    assert len(in_2022) == 7 and {r["ordinal"] for r in in_2022} == {"53"}
    assert "by next year" in {r["deadline"] for r in in_2022}
    assert run(store, "deadlines-by-year", year="1999") == []


def test_meeting_overview(store: ox.Store, views: dict[int, dict]) -> None:
    rows = run(store, "meeting-overview")
    assert [(r["series"], r["ordinal"], r["date"], r["city"]) for r in rows] == [
        ("SCM", "52", "2020-10-14", "Washington, D.C."),
        ("SCM", "53", "2021-12-02", "Seoul"),
    ]
    assert [r["paragraphs"] for r in rows] == ["20", "21"]
    assert [int_of(r["statements"]) for r in rows] == [
        len(views[52]["statements"]),
        len(views[53]["statements"]),
    ]
    assert [r["carried"] for r in rows] == ["0", "98"]
    assert [r["deadlines"] for r in rows] == ["4", "9"]


@pytest.mark.parametrize("ordinal", [52, 53])
def test_meeting_statements_equal_the_statements_view(
    store: ox.Store, views: dict[int, dict], ordinal: int
) -> None:
    rows = run(store, "meeting-statements", ordinal=str(ordinal))
    view = views[ordinal]["statements"]
    assert [
        (int_of(r["paragraph"]), r["verb"], r["class"], str(r["actors"]).split("+"), r["text"])
        for r in rows
    ] == [(s["paragraph"], s["verb"], s["class"], s["actors"], s["text"]) for s in view]
    assert [r["topic"] for r in rows] == [(s["topics"] or [None])[0] for s in view]


# --- the loader and parameters -------------------------------------------------------


def parameter(kind: str, name: str = "value") -> Parameter:
    return Parameter(name=name, type=kind, required=True, variable=f"_{name}_{kind}", default=None)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("iri", "id:org/combined-forces-command", ox.NamedNode(ID + "org/combined-forces-command")),
        ("iri", "scm:Agreement", ox.NamedNode(SCM + "Agreement")),
        ("iri", "http://example.org/a#b", ox.NamedNode("http://example.org/a#b")),
        ("integer", "53", ox.Literal("53", datatype=ox.NamedNode(XSD + "integer"))),
        ("integer", "+7", ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))),
        ("year", "2022", ox.Literal("2022", datatype=ox.NamedNode(XSD + "gYear"))),
        ("date", "2021-12-02", ox.Literal("2021-12-02", datatype=ox.NamedNode(XSD + "date"))),
        ("string", 'a "quoted" } value', ox.Literal('a "quoted" } value')),
    ],
)
def test_parse_term_types_values(kind: str, value: str, expected: ox.NamedNode) -> None:
    assert parse_term(parameter(kind), value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("iri", "<http://evil>", "absolute IRI"),
        ("iri", "http://evil> } ; DROP ALL ; <x", "absolute IRI"),
        ("iri", "id:org/x> . ?s ?p ?o", "absolute IRI"),
        ("iri", "http://a\nb", "absolute IRI"),
        ("iri", 'http://a"b', "absolute IRI"),
        ("iri", "http://a{b}", "absolute IRI"),
        ("iri", "http://a|b^c", "absolute IRI"),
        ("iri", "http://a\\u0022b", "absolute IRI"),
        ("iri", "http://a\x07b", "absolute IRI"),
        ("iri", "org/combined-forces-command", "absolute IRI"),
        ("iri", "", "absolute IRI"),
        ("iri", "rdf:type", "prefix rdf: is not accepted"),
        ("iri", "owl:Thing", "prefix owl: is not accepted"),
        ("iri", "http://a/%zz", "percent"),
        ("integer", "52; DROP ALL", "not a valid integer"),
        ("integer", "52 ", "not a valid integer"),
        ("integer", "1e3", "not a valid integer"),
        ("integer", "0x10", "not a valid integer"),
        ("integer", "", "not a valid integer"),
        ("year", "2022 || true", "not a valid year"),
        ("year", "22", "not a valid year"),
        ("date", "2021-13-01", "not a valid date"),
        ("date", "20211202", "not a valid date"),
        ("date", '2021-12-02"^^xsd:string', "not a valid date"),
    ],
)
def test_parse_term_rejects_ill_typed_values(kind: str, value: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_term(parameter(kind), value)


def test_bind_rejects_unknown_and_missing_parameters(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match=r"unknown parameter\(s\) entiti .*parameters: entity"):
        bind(find_query("entity-statements"), {"entiti": "id:org/x"})
    path = tmp_path / "needs.rq"
    path.write_text("#+ summary: s\nSELECT ?s ?_entity_iri WHERE { ?s ?p ?_entity_iri }\n")
    with pytest.raises(QueryError, match="missing parameter entity \\(iri\\)"):
        bind(load_query(path), {})


def test_unknown_query_name_is_an_error() -> None:
    with pytest.raises(QueryError, match=r"unknown stored query 'nope'.*heads-of-delegation"):
        find_query("nope")
    with pytest.raises(QueryError, match="unknown stored query"):
        find_query("../queries/heads-of-delegation")


def test_a_parameter_the_select_does_not_project_is_a_clear_error(
    store: ox.Store, tmp_path: Path
) -> None:
    path = tmp_path / "hidden.rq"
    path.write_text("SELECT ?s WHERE { ?s ?p ?_name_string }\n")
    query = load_query(path)
    with pytest.raises(QueryError, match="cannot bind the parameters"):
        run_select(store, query.text, bind(query, {"name": "x"}))


def test_check_query_reports_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(
        "#+ summary: s\n#+ defaults:\n#+   - count: many\n#+   - other: 1\n"
        "SELECT ?s ?_count_integer WHERE { ?s ?p ?_count_integer }\n"
    )
    problems = check_query(load_query(path))
    assert "no description" in problems and "no example" in problems
    assert any("documented" in p for p in problems)
    assert any("unknown parameter other" in p for p in problems)
    assert any("bad default" in p for p in problems)


def test_a_header_that_is_not_yaml_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("#+ summary: one: two\n#+ tags: [open\nSELECT ?s WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError) as caught:
        load_query(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: the #+ header is not valid YAML (")
    assert "\n" not in message


def test_header_values_are_read_as_yaml(tmp_path: Path) -> None:
    path = tmp_path / "folded.rq"
    path.write_text(
        "#+ summary: 'Quoted: with a colon'\n#+ description: >\n#+   Two lines\n#+   folded.\n"
        "#+ tags:\n#+   - a\n#+   - b\n#+ parameters:\n#+   - year (year): The year\n"
        "SELECT ?s ?_year_year WHERE { ?s ?p ?_year_year }\n"
    )
    query = load_query(path)
    assert query.summary == "Quoted: with a colon"
    assert query.description == "Two lines folded."
    assert query.tags == ("a", "b")
    assert query.documented == (("year", "year", "The year"),)


def test_ask_and_construct_are_rendered_as_tables(store: ox.Store) -> None:
    ask = run_select(store, f"ASK {{ ?s a <{SCM}Statement> }}")
    assert ask.columns == ("result",) and ask.rows[0][0] == ox.Literal(
        "true", datatype=ox.NamedNode(XSD + "boolean")
    )
    built = run_select(
        store,
        f"CONSTRUCT {{ ?s <{SCM}label> ?n }} WHERE {{ ?s <{SCM}partyCode> ?n }}",
    )
    assert built.columns == ("subject", "predicate", "object")
    assert {row[2].value for row in built.rows if row[2] is not None} == {"US", "ROK"}


def test_syntax_errors_and_updates_are_query_errors(memory_store: ox.Store) -> None:
    before = len(memory_store)
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_select(memory_store, "SELECT WHERE {")
    with pytest.raises(QueryError, match="SPARQL updates are refused"):
        run_select(memory_store, "DROP ALL")
    assert len(memory_store) == before > 10_000


# --- injection ---------------------------------------------------------------------------


HOSTILE_STRINGS = [
    'SMA" } ; DROP ALL ; #',
    "SMA' } DROP ALL { '",
    "\\u0022) } DROP ALL { (\\u0022",
    "SMA\n} ; DELETE WHERE { ?s ?p ?o } ; #",
    "> } ; DROP ALL",
    "{ ?s ?p ?o }",
    "<http://evil>",
    "rdf:type",
    'fulfilled" || true || "',
]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_strings_are_bound_as_literals(memory_store: ox.Store, value: str) -> None:
    before = len(memory_store)
    assert run(memory_store, "label-search", text=value) == []
    assert run(memory_store, "thread-links-of-kind", kind=value) == []
    assert len(memory_store) == before
    assert run(memory_store, "label-search", text="SMA")  # the store still answers


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("entity-statements", "entity", "<http://evil>"),
        ("entity-statements", "entity", "id:org/x> } ; DROP ALL ; <y"),
        ("thread-life", "statement", "id:x>\n} DROP ALL {"),
        ("entities-by-type", "type", "rdfs:Class"),
        ("post-holders", "post", 'id:post/x" . }'),
        ("meeting-statements", "ordinal", "53 } DROP ALL {"),
        ("deadlines-by-year", "year", '2022"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
        ("co-mentioned-entities", "min", "-1) || (true"),
    ],
)
def test_hostile_terms_are_rejected(store: ox.Store, name: str, key: str, value: str) -> None:
    before = len(store)
    with pytest.raises(QueryError, match=f"parameter {key}: .* is not a valid"):
        run(store, name, **{key: value})
    assert len(store) == before


@pytest.mark.parametrize(
    "value", ["foo:bar", "javascript:alert(1)", "urn:x:DROP-ALL", "id:../../org/united-states"]
)
def test_odd_but_valid_iris_match_nothing(memory_store: ox.Store, value: str) -> None:
    before = len(memory_store)
    assert run(memory_store, "entity-statements", entity=value) == []
    assert len(memory_store) == before


# --- the command line --------------------------------------------------------------------


def cli(store_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["query", *args, "--store", str(store_path)])
    return result.exit_code, result.output


def test_cli_query_list_lists_every_query() -> None:
    result = CliRunner().invoke(main, ["query", "list"])
    assert result.exit_code == 0
    listed = [line.split("\t")[0] for line in result.output.splitlines()]
    assert listed == [q.name for q in list_queries()]
    assert "entity:iri?" in result.output


def test_cli_formats_parse_back(store_path: Path) -> None:
    args = ("run", "post-holders", "--param", "post=id:post/us-secretary-of-defense")
    code, out = cli(store_path, *args, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["Mark Esper", "Lloyd J. Austin III"]
    code, out = cli(store_path, *args, "--format", "tsv")
    rows = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
    assert [r["begin"] for r in rows] == ["2020-10-14", "2021-12-02"]
    code, out = cli(store_path, *args, "--format", "json")
    data = json.loads(out)
    assert data["head"]["vars"][:3] == ["post", "title", "party"]
    first = data["results"]["bindings"][0]
    assert first["person"] == {"type": "uri", "value": ID + "person/mark-esper"}
    assert first["begin"]["datatype"] == XSD + "date"
    code, out = cli(store_path, *args, "--format", "table")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["post", "title", "party"]
    assert "id:person/mark-esper" in out and lines[-1] == "(2 rows)"


def test_cli_csv_keeps_multiline_cells_in_one_record(store_path: Path) -> None:
    code, out = cli(store_path, "run", "meeting-statements", "--format", "csv")
    assert code == 0
    assert len(list(csv.DictReader(io.StringIO(out)))) == 115


def test_cli_runs_an_ad_hoc_file(store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "codes.rq"
    path.write_text(
        f"SELECT DISTINCT ?code ?_party_iri WHERE {{ ?_party_iri <{SCM}partyCode> ?code }}\n"
    )
    code, out = cli(store_path, "run", "--file", str(path), "--param", "party=id:org/united-states")
    assert code == 0, out
    assert out.split() == ["code", "----", "US", "(1", "row)"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "nope"), "unknown stored query 'nope'"),
        (("run", "entity-statements", "--param", "entiti=x"), "unknown parameter(s) entiti"),
        (("run", "entity-statements", "--param", "entity"), "expected NAME=VALUE"),
        (("run", "meeting-statements", "--param", "ordinal=fifty"), "not a valid integer"),
        (("run", "deadlines-by-year", "--param", "year=2022-01-01"), "not a valid year"),
        (("run", "entity-statements", "--param", "entity=<http://evil>"), "not a valid iri"),
        (("run",), "give either a stored query NAME or --file"),
    ],
)
def test_cli_errors_exit_2_with_a_message(
    store_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, out = cli(store_path, *args)
    assert code == 2
    assert message in out


def test_cli_missing_parameter_and_ill_typed_date(store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "day.rq"
    path.write_text(
        "SELECT ?m ?_day_date WHERE { ?m <http://purl.org/dc/terms/date> ?_day_date }\n"
    )
    code, out = cli(store_path, "run", "--file", str(path))
    assert code == 2 and "missing parameter day (date)" in out
    code, out = cli(store_path, "run", "--file", str(path), "--param", "day=2021-02-30")
    assert code == 2 and "not a valid date" in out
    code, out = cli(store_path, "run", "--file", str(path), "--param", "day=2021-12-02")
    assert code == 0 and "meeting/scm-53" in out


def test_cli_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    code, out = cli(tmp_path / "none", "run", "heads-of-delegation")
    assert code == 2 and "no built store here" in out
