"""Tests for scmgraph.views.evaluate: gold files against themselves and perturbed copies."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from scmgraph.errors import InputError
from scmgraph.views.evaluate import evaluate_dirs, load_view, normalise_name, score
from scmgraph.views.scores import (
    METRIC_KEYS,
    Report,
    failed_minimums,
    parse_minimums,
    render_json,
    render_report,
)

GOLD_DIR = Path(__file__).parent / "gold"
DOC = "053_scm_2021"


@pytest.fixture(scope="module")
def gold_2021() -> dict:
    return load_view(GOLD_DIR / f"{DOC}.json")


@pytest.fixture
def pred(gold_2021: dict) -> dict:
    return copy.deepcopy(gold_2021)


def entity(view: dict, name: str) -> dict:
    return next(e for e in view["entities"] if e["name"] == name)


def write(folder: Path, view: dict) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{view['document']}.json").write_text(json.dumps(view), encoding="utf-8")


# --- whole documents -------------------------------------------------------------


def test_gold_against_itself_scores_one_everywhere() -> None:
    report = evaluate_dirs(GOLD_DIR, GOLD_DIR)
    assert [d.document for d in report.documents] == ["052_scm_2020", DOC]
    assert report.metrics() == dict.fromkeys(METRIC_KEYS, 1.0)
    for metrics in report.document_metrics().values():
        assert metrics == dict.fromkeys(METRIC_KEYS, 1.0)
    assert all(not d.issues for d in report.documents)
    assert report.missing_predictions == () and report.unmatched_predictions == ()


def test_reversed_statement_order_still_matches_everything(gold_2021: dict, pred: dict) -> None:
    pred["statements"].reverse()
    assert score(gold_2021, pred).metrics() == dict.fromkeys(METRIC_KEYS, 1.0)


def test_missing_and_unmatched_predictions(tmp_path: Path, gold_2021: dict) -> None:
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    shutil.copy(GOLD_DIR / f"{DOC}.json", pred_dir)
    write(pred_dir, {**gold_2021, "document": "999_scm_2099"})
    report = evaluate_dirs(GOLD_DIR, pred_dir)
    assert report.missing_predictions == ("052_scm_2020",)
    assert report.unmatched_predictions == ("999_scm_2099",)
    assert [d.document for d in report.documents] == ["052_scm_2020", DOC]
    missed = report.documents[0]
    assert missed.prediction_missing
    assert missed.metrics()["statement_r"] == 0.0
    n_2020 = len(load_view(GOLD_DIR / "052_scm_2020.json")["statements"])
    n_2021 = len(gold_2021["statements"])
    assert report.metrics()["statement_r"] == n_2021 / (n_2020 + n_2021)
    assert report.metrics()["statement_p"] == 1.0
    text = render_report(report)
    assert "052_scm_2020 (no prediction)" in text
    assert "Gold documents without prediction: 052_scm_2020" in text
    assert "Predictions without gold (ignored): 999_scm_2099" in text


# --- statements --------------------------------------------------------------------


def test_dropping_three_statements_lowers_recall_exactly(gold_2021: dict, pred: dict) -> None:
    n = len(gold_2021["statements"])
    dropped = [pred["statements"].pop(i) for i in (40, 20, 5)]
    result = score(gold_2021, pred)
    m = result.metrics()
    assert result.statements.gold == n and result.statements.predicted == n - 3
    assert m["statement_r"] == (n - 3) / n
    assert m["statement_p"] == 1.0
    assert m["class_acc"] == 1.0
    missed = [i.text for i in result.issues if i.facet == "statements" and i.kind == "missed"]
    assert len(missed) == 3
    for s in dropped:
        assert f"§{s['paragraph']} {s['verb']}: {s['text'][:70]}" in missed


def test_one_wrong_class(gold_2021: dict, pred: dict) -> None:
    m = len(gold_2021["statements"])  # all statements match
    target = pred["statements"][10]
    target["class"] = "appeal" if target["class"] != "appeal" else "support"
    result = score(gold_2021, pred)
    assert result.classes.correct == m - 1 and result.classes.total == m
    assert result.metrics()["class_acc"] == (m - 1) / m
    assert result.metrics()["statement_f1"] == 1.0
    wrong = [i for i in result.issues if i.facet == "classes"]
    assert len(wrong) == 1 and f"§{target['paragraph']} {target['verb']}" in wrong[0].text


def test_swapped_actor(gold_2021: dict, pred: dict) -> None:
    m = len(gold_2021["statements"])
    target = next(s for s in pred["statements"] if s["actors"] == ["ROK", "US"])
    target["actors"] = ["US"]
    result = score(gold_2021, pred)
    assert result.metrics()["actor_acc"] == (m - 1) / m
    assert [i.text for i in result.issues if i.facet == "actors"] == [
        f"§{target['paragraph']} {target['verb']}: gold ['ROK', 'US'], predicted ['US']"
    ]


def test_unsorted_actors_count_as_equal(gold_2021: dict, pred: dict) -> None:
    for s in pred["statements"]:
        s["actors"] = list(reversed(s["actors"]))
    assert score(gold_2021, pred).metrics()["actor_acc"] == 1.0


def test_repeated_verb_is_disambiguated_by_text() -> None:
    base = {"document": "x", "meeting": {}, "entities": [], "threads": []}
    first = {
        "paragraph": 3,
        "verb": "note",
        "class": "assessment",
        "actors": ["ROK", "US"],
        "text": "Both sides noted the progress of the Combined Forces Command relocation.",
        "mentions": [],
        "topics": ["stationing"],
        "deadline": None,
    }
    second = {
        "paragraph": 3,
        "verb": "note",
        "class": "assessment",
        "actors": ["US"],
        "text": "The Secretary noted that extended deterrence remains ironclad.",
        "mentions": [],
        "topics": ["deterrence"],
        "deadline": {"text": "in 2022", "year": 2022},
    }
    gold = {**base, "statements": [first, second]}
    pred = {**base, "statements": [copy.deepcopy(second), copy.deepcopy(first)]}
    result = score(gold, pred)
    assert result.metrics() == dict.fromkeys(METRIC_KEYS, 1.0)
    # a reworded prediction still pairs with the statement it overlaps most
    pred["statements"][0]["text"] = "The Secretary noted that U.S. extended deterrence is firm."
    pred["statements"][0]["topics"] = ["deterrence", "alliance"]
    result = score(gold, pred)
    assert result.statements.gold_hit == 2
    assert result.actors.correct == 2 and result.deadlines.predicted_hit == 1
    assert result.topics.gold == 2 and result.topics.predicted == 3 and result.topics.gold_hit == 2


def test_statement_with_wrong_verb_is_missed_and_extra() -> None:
    st = {"paragraph": 4, "verb": "pledge", "text": "They pledged.", "deadline": None}
    gold = {"document": "x", "meeting": {}, "entities": [], "threads": [], "statements": [st]}
    pred = {**gold, "statements": [{**st, "verb": "commit"}]}
    result = score(gold, pred)
    assert (result.statements.gold_hit, result.statements.predicted_hit) == (0, 0)
    assert result.metrics()["statement_f1"] == 0.0
    kinds = [(i.facet, i.kind) for i in result.issues]
    assert kinds == [("statements", "missed"), ("statements", "extra")]


# --- mentions and topics ---------------------------------------------------------------


def test_mentions_and_topics_micro_f1(gold_2021: dict, pred: dict) -> None:
    n_mentions = sum(len(s["mentions"]) for s in gold_2021["statements"])
    n_topics = sum(len(s["topics"]) for s in gold_2021["statements"])
    target = next(s for s in pred["statements"] if len(s["mentions"]) >= 2)
    target["mentions"] = [*target["mentions"][1:], "Camp Bonifas"]
    other = next(s for s in pred["statements"] if "global" not in s["topics"])
    other["topics"] = [*other["topics"], "global"]
    result = score(gold_2021, pred)
    m = result.metrics()
    assert m["mention_r"] == m["mention_p"] == (n_mentions - 1) / n_mentions
    assert (m["topic_p"], m["topic_r"]) == (n_topics / (n_topics + 1), 1.0)
    assert sum(1 for i in result.issues if i.facet == "mentions") == 1
    assert any(
        i.facet == "topics" and i.text.endswith("missed [], extra ['global']")
        for i in result.issues
    )


# --- entities --------------------------------------------------------------------------


def test_extra_entity_lowers_precision(gold_2021: dict, pred: dict) -> None:
    n = len(gold_2021["entities"])
    pred["entities"].append({"name": "Camp Bonifas", "acronym": None, "type": "Place"})
    result = score(gold_2021, pred)
    assert result.metrics()["entity_p"] == n / (n + 1)
    assert result.metrics()["entity_r"] == 1.0
    extras = [i.text for i in result.issues if i.facet == "entities"]
    assert extras == ["Camp Bonifas (Place)"]


def test_renamed_entities_match_after_normalisation(gold_2021: dict, pred: dict) -> None:
    renames = {
        "Combined Forces Command": "ROK-U.S. Combined Forces Command",
        "National Assembly": "ROK National Assembly",
        "Combined Command Post Training": "21-1 Combined Command Post Trainings",
    }
    for old, new in renames.items():
        e = entity(pred, old)
        e["name"], e["acronym"] = new, None  # the name alone must carry the match
    for s in pred["statements"]:
        s["mentions"] = [renames.get(m, m) for m in s["mentions"]]
    m = score(gold_2021, pred).metrics()
    assert m["entity_f1"] == 1.0 and m["entity_type_acc"] == 1.0
    assert m["mention_f1"] == 1.0


def test_entity_matches_by_acronym_and_type_accuracy(gold_2021: dict, pred: dict) -> None:
    n = len(gold_2021["entities"])
    cfc = entity(pred, "Combined Forces Command")
    cfc["name"] = "Combined Forces Cmd"  # name differs, acronym CFC still agrees
    entity(pred, "Japan")["type"] = "Place"
    result = score(gold_2021, pred)
    assert result.metrics()["entity_f1"] == 1.0
    assert result.metrics()["entity_type_acc"] == (n - 1) / n
    assert [i.text for i in result.issues if i.facet == "entity_types"] == [
        "Japan: gold 'State', predicted 'Place'"
    ]


def test_missing_entity_lowers_recall(gold_2021: dict, pred: dict) -> None:
    n = len(gold_2021["entities"])
    pred["entities"] = [e for e in pred["entities"] if e["name"] != "Operation Miracle"]
    result = score(gold_2021, pred)
    assert result.metrics()["entity_r"] == (n - 1) / n
    assert ("entities", "missed", "Operation Miracle (Initiative)") in [
        (i.facet, i.kind, i.text) for i in result.issues
    ]


# --- deadlines -------------------------------------------------------------------------


def with_deadline(view: dict) -> list[dict]:
    return [s for s in view["statements"] if s["deadline"] is not None]


def test_deadline_year_changed(gold_2021: dict, pred: dict) -> None:
    d = len(with_deadline(gold_2021))
    target = next(s for s in with_deadline(pred) if s["deadline"]["year"] == 2022)
    target["deadline"]["year"] = 2023
    result = score(gold_2021, pred)
    assert result.metrics()["deadline_p"] == (d - 1) / d
    assert result.metrics()["deadline_r"] == (d - 1) / d
    assert any("gold 2022" in i.text and "predicted 2023" in i.text for i in result.issues)


def test_deadline_without_year_agrees_and_missing_deadline_is_missed(
    gold_2021: dict, pred: dict
) -> None:
    d = len(with_deadline(gold_2021))
    assert any(s["deadline"]["year"] is None for s in with_deadline(gold_2021))
    next(s for s in with_deadline(pred) if s["deadline"]["year"] is None)["deadline"] = None
    m = score(gold_2021, pred).metrics()
    assert (m["deadline_p"], m["deadline_r"]) == (1.0, (d - 1) / d)


def test_deadlines_of_unmatched_statements_count(gold_2021: dict, pred: dict) -> None:
    d = len(with_deadline(gold_2021))
    pred["statements"].remove(with_deadline(pred)[0])
    extra = {"paragraph": 99, "verb": "pledge", "text": "x", "deadline": {"text": "soon"}}
    pred["statements"].append(extra)
    m = score(gold_2021, pred).metrics()
    assert m["deadline_r"] == (d - 1) / d
    assert m["deadline_p"] == (d - 1) / d  # the extra statement's deadline is a false positive


# --- threads ---------------------------------------------------------------------------


def isolated_thread(view: dict) -> int:
    """Index of a gold thread that no other thread overlaps on both sides."""
    threads = view["threads"]
    for i, t in enumerate(threads):
        if not any(
            j != i
            and set(t["paragraphs"]) & set(o["paragraphs"])
            and set(t["previous"]["paragraphs"]) & set(o["previous"]["paragraphs"])
            for j, o in enumerate(threads)
        ):
            return i
    raise AssertionError("no isolated thread in the gold file")


def test_dropped_thread_lowers_recall(gold_2021: dict, pred: dict) -> None:
    t = len(gold_2021["threads"])
    dropped = pred["threads"].pop(isolated_thread(gold_2021))
    result = score(gold_2021, pred)
    assert result.metrics()["thread_recall"] == (t - 1) / t
    assert result.metrics()["thread_precision"] == 1.0
    missed = [i.text for i in result.issues if i.facet == "threads"]
    assert len(missed) == 1 and missed[0].startswith(dropped["thread"])


def test_wrong_thread_link_lowers_precision(gold_2021: dict, pred: dict) -> None:
    t = len(gold_2021["threads"])
    prev = pred["threads"][0]["previous"]["document"]
    pred["threads"].append(
        {"thread": "bogus", "previous": {"document": prev, "paragraphs": [1]}, "paragraphs": [19]}
    )
    pred["threads"].append(  # right paragraphs, wrong previous document
        {**pred["threads"][0], "previous": {**pred["threads"][0]["previous"], "document": "x"}}
    )
    result = score(gold_2021, pred)
    assert result.metrics()["thread_precision"] == t / (t + 2)
    assert result.metrics()["thread_recall"] == 1.0
    wrong = [i.text for i in result.issues if i.facet == "threads" and i.kind == "wrong"]
    assert wrong[0] == f"bogus: {prev} §[1] → §[19]" and len(wrong) == 2


# --- meeting ---------------------------------------------------------------------------


def test_meeting_fields(gold_2021: dict, pred: dict) -> None:
    fields = score(gold_2021, gold_2021).meeting.total
    assert fields == 19  # 4 SCM fields + 2 heads x 3, MCM 3 fields + 2 heads x 3
    pred["meeting"]["heads"][0]["name"] = "SUH WOOK"  # names ignore case
    assert score(gold_2021, pred).metrics()["meeting"] == 1.0
    pred["meeting"]["city"] = "Washington, D.C."
    pred["meeting"]["associated"][0]["ordinal"] = 45
    result = score(gold_2021, pred)
    assert result.metrics()["meeting"] == (fields - 2) / fields
    texts = [i.text for i in result.issues if i.facet == "meeting"]
    assert texts == [
        "city: gold 'Seoul', predicted 'Washington, D.C.'",
        "associated MCM: ordinal: gold 46, predicted 45",
    ]


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ROK National Assembly", "national assembly"),
        ("ROK-U.S. Combined Forces Command", "combined forces command"),
        ("U.S.-ROK Alliance", "alliance"),
        ("Korea-U.S. Integrated Defense Dialogue", "integrated defense dialogue"),
        ("21-1 Combined Command Post Trainings", "combined command post training"),
        ("2018 Comprehensive Military Agreement", "comprehensive military agreement"),
        ("the 53rd SCM", "scm"),
        ("11th Special Measures Agreement", "special measures agreement"),
        ("The Indo-Pacific region", "indo pacific"),
        ("U.S. Forces Korea", "forces korea"),
        ("Democratic People’s Republic of Korea", "democratic people s republic of korea"),
        ("Space Cooperation Working group", "space cooperation working group"),
        ("Camp Humphreys", "camp humphrey"),
        ("Washington, D.C.", "washington d c"),
        ("ROK", "rok"),  # a qualifier alone is kept
        ("U.S.", "u s"),
        ("Class", "class"),  # "ss" is not a plural
    ],
)
def test_normalise_name(name: str, expected: str) -> None:
    assert normalise_name(name) == expected


def test_normalise_name_with_other_qualifiers() -> None:
    assert normalise_name("U.S. Forces Korea", qualifiers=()) == "u s forces korea"
    assert normalise_name("NATO Defence Ministers", qualifiers=("NATO",)) == "defence minister"
    assert normalise_name("U.S.-Japan Alliance", qualifiers=("U.S.-Japan",)) == "alliance"


# --- thresholds ------------------------------------------------------------------------


def test_parse_minimums() -> None:
    assert parse_minimums(["statement_f1=0.8", "thread_recall = 0.5 "]) == {
        "statement_f1": 0.8,
        "thread_recall": 0.5,
    }
    assert parse_minimums([]) == {}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("statement_f2=0.8", "unknown metric 'statement_f2'; valid keys: meeting, entity_p"),
        ("statement_f1", "expected KEY=VALUE"),
        ("statement_f1=high", "statement_f1: 'high' is not a number"),
        ("statement_f1=1.5", "statement_f1: 1.5 is not between 0 and 1"),
    ],
)
def test_parse_minimums_errors(item: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")) as err:
        parse_minimums([item])
    if "valid keys" in message:
        assert "thread_precision" in str(err.value) and "class_acc" in str(err.value)


def test_failed_minimums(gold_2021: dict, pred: dict) -> None:
    n = len(gold_2021["statements"])
    del pred["statements"][:3]
    report = Report((score(gold_2021, pred),))
    minimums = parse_minimums(["statement_r=0.99", "statement_p=0.99", "class_acc=1"])
    assert failed_minimums(report, minimums) == [f"statement_r {(n - 3) / n:.3f} < minimum 0.990"]
    assert failed_minimums(report, {"statement_r": (n - 3) / n}) == []


# --- reading and rendering ---------------------------------------------------------------


def test_load_view_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON") as err:
        load_view(bad)
    assert err.value.path == str(bad) and "\n" not in str(err.value)
    bad.write_text(json.dumps({"document": "x", "meeting": {}, "entities": []}), encoding="utf-8")
    with pytest.raises(InputError, match="missing key 'statements'"):
        load_view(bad)
    view = {"document": "x", "meeting": {}, "entities": [], "threads": []}
    bad.write_text(json.dumps({**view, "statements": [{"paragraph": 2}]}), encoding="utf-8")
    with pytest.raises(InputError, match=r"statements\[0\]: missing key 'verb'"):
        load_view(bad)
    with pytest.raises(InputError, match="cannot read"):
        load_view(tmp_path / "absent.json")


def test_render_report_lists_facets_and_misses(tmp_path: Path, gold_2021: dict) -> None:
    pred = copy.deepcopy(gold_2021)
    dropped = pred["statements"].pop(7)
    pred["entities"].append({"name": "Camp Bonifas", "acronym": None, "type": "Place"})
    pred["statements"][0]["class"] = "appeal"
    write(tmp_path, pred)
    shutil.copy(GOLD_DIR / "052_scm_2020.json", tmp_path)
    report = evaluate_dirs(GOLD_DIR, tmp_path)
    text = render_report(report)
    for label in (
        "meeting",
        "entities",
        "entity types",
        "statements",
        "classes",
        "actors",
        "mentions",
        "topics",
        "deadlines",
        "threads",
    ):
        assert f"\n  {label} " in text
    assert text.startswith("Overall (2 documents)")
    line = f"statements missed: {DOC} §{dropped['paragraph']} {dropped['verb']}: "
    assert line + dropped["text"][:70] + "\n" in text
    assert f"entities extra: {DOC} Camp Bonifas (Place)" in text
    assert "classes wrong: " in text and "predicted 'appeal'" in text
    assert text == render_report(report)  # deterministic
    short = render_report(report, show_errors=False)
    assert "Camp Bonifas" not in short and "statements" in short


def test_render_json(gold_2021: dict, pred: dict) -> None:
    pred["statements"].pop()
    data = json.loads(render_json(Report((score(gold_2021, pred),))))
    assert list(data["metrics"]) == list(METRIC_KEYS)
    doc = data["documents"][0]
    assert doc["document"] == DOC
    n = len(gold_2021["statements"])
    assert doc["counts"]["statements"] == {
        "gold": n,
        "predicted": n - 1,
        "gold_hit": n - 1,
        "predicted_hit": n - 1,
    }
    assert [i["kind"] for i in doc["issues"] if i["facet"] == "statements"] == ["missed"]
