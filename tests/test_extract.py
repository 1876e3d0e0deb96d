"""Extraction on the real corpus: meeting facts, entities, statements, deadlines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scmgraph.extract.document import extract
from scmgraph.model import Facts
from scmgraph.read.reader import read_document
from scmgraph.registry.load import load_registry

CORPUS = Path(__file__).resolve().parents[1] / "data" / "communiques"


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def facts(registry) -> dict[str, Facts]:
    return {
        name: extract(read_document(CORPUS / f"{name}.txt"), registry)
        for name in ("052_scm_2020", "053_scm_2021")
    }


def statements_in(facts: Facts, paragraph: int) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(s.verb, s.verb_class, s.actors) for s in facts.statements if s.paragraph == paragraph]


def test_meeting_facts_of_the_52nd(facts):
    meeting = facts["052_scm_2020"].meeting
    assert (meeting.series, meeting.ordinal, meeting.date, meeting.city) == (
        "SCM",
        52,
        dt.date(2020, 10, 14),
        "Washington, D.C.",
    )
    assert [(h.name, h.post, h.party) for h in meeting.heads] == [
        ("Mark Esper", "Secretary of Defense", "US"),
        ("Suh Wook", "Minister of National Defense", "ROK"),
    ]
    (mcm,) = meeting.associated
    assert (mcm.series, mcm.ordinal, mcm.date) == ("MCM", 45, dt.date(2020, 10, 13))
    assert [(h.name, h.rank, h.party) for h in mcm.heads] == [
        ("Mark Milley", "General", "US"),
        ("Won In-choul", "General", "ROK"),
    ]


def test_meeting_facts_of_the_53rd(facts):
    meeting = facts["053_scm_2021"].meeting
    assert (meeting.series, meeting.ordinal, meeting.date, meeting.city) == (
        "SCM",
        53,
        dt.date(2021, 12, 2),
        "Seoul",
    )
    assert [h.name for h in meeting.heads] == ["Suh Wook", "Lloyd J. Austin III"]
    (mcm,) = meeting.associated
    assert (mcm.ordinal, mcm.date) == (46, dt.date(2021, 12, 1))
    assert [h.name for h in mcm.heads] == ["Won In-Choul", "Mark Milley"]


def test_paragraph_one_holds_no_statements(facts):
    for each in facts.values():
        assert not [s for s in each.statements if s.paragraph == 1]


def test_coordinated_verbs_are_two_statements(facts):
    # "The Secretary and the Minister assessed that the U.S.-ROK Alliance is strong
    # and reaffirmed the two nations' mutual commitment ..."
    assert statements_in(facts["052_scm_2020"], 6)[:2] == [
        ("assess", "assessment", ("ROK", "US")),
        ("reaffirm", "reaffirmation", ("ROK", "US")),
    ]


def test_pronouns_resolve_to_the_last_speaker(facts):
    # §4 of the 52nd: "The Minister also expressed his expectation ... He expressed that ..."
    paragraph = statements_in(facts["052_scm_2020"], 4)
    assert ("express", "expectation", ("ROK",)) in paragraph
    assert ("express", "assessment", ("ROK",)) in paragraph
    # §6 of the 53rd: "He and the Minister pledged" after "The Secretary reaffirmed"
    assert ("pledge", "commitment", ("ROK", "US")) in statements_in(facts["053_scm_2021"], 6)


def test_light_verbs_take_the_class_of_their_noun(facts):
    classes = {(s.paragraph, s.verb, s.verb_class) for s in facts["052_scm_2020"].statements}
    assert (3, "have", "deliberation") in classes  # had an in-depth discussion
    assert (10, "express", "appreciation") in classes  # expressed appreciation
    assert (13, "express", "commitment") in classes  # expressed their shared goal
    assert (19, "offer", "appreciation") in classes  # offered his appreciation


def test_verbs_inside_that_clauses_are_not_statements(facts):
    # "... the buffer zone, agreed to through the CMA, would contribute ..."
    assert "agree" not in {s.verb for s in facts["052_scm_2020"].statements}


def test_speakers_resolve_to_the_post_holder(facts, registry):
    austin = [s for s in facts["053_scm_2021"].statements if s.speakers == ("lloyd-j-austin-iii",)]
    assert austin and all(s.actors == ("US",) for s in austin)
    esper = [s for s in facts["052_scm_2020"].statements if "mark-esper" in s.speakers]
    assert esper


def test_deadlines_resolve_their_year(facts):
    deadlines = {
        (name, s.paragraph, s.verb): (s.deadline.text, s.deadline.year)
        for name, each in facts.items()
        for s in each.statements
        if s.deadline
    }
    assert deadlines[("052_scm_2020", 11, "note")] == ("by the end of the year", 2020)
    assert deadlines[("053_scm_2021", 11, "pledge")] == ("by next year", 2022)
    assert deadlines[("053_scm_2021", 12, "pledge")] in {
        ("in 2022", 2022),
        ("by the 54th SCM", None),
    }
    assert ("by early 2022", 2022) in deadlines.values()


def test_deadline_offsets_point_into_the_source(facts):
    for each in facts.values():
        for statement in each.statements:
            if statement.deadline:
                d = statement.deadline
                assert each.document.source.text[d.begin : d.end] == d.text


def test_entities_are_typed(facts):
    types = {e.name: e.type for e in facts["053_scm_2021"].entities}
    assert types["Combined Forces Command"] == "MilitaryCommand"
    assert types["Strategic Planning Guidance"] == "Plan"
    assert types["Space Cooperation Working group"] == "ConsultativeBody"
    assert types["Operation Miracle"] == "Initiative"
    assert types["Paul J. LaCamera"] == "Person"
    assert "Security Consultative Meeting" not in types  # the reported series


def test_one_person_across_spelling_variants(facts):
    keys = {
        name: {e.key for e in each.entities if e.type == "Person" and e.key.startswith("won-")}
        for name, each in facts.items()
    }
    assert keys["052_scm_2020"] == keys["053_scm_2021"] == {"won-in-choul"}


def test_mention_offsets_slice_the_surface(facts):
    for each in facts.values():
        for mention in each.mentions:
            assert each.document.source.text[mention.begin : mention.end] == mention.surface


def test_titled_names_are_mentions_of_people(facts):
    # "Secretary Austin noted ..." names Lloyd J. Austin III.
    statement = next(
        s for s in facts["053_scm_2021"].statements if s.text.startswith("Secretary Austin noted")
    )
    assert "lloyd-j-austin-iii" in statement.mentions
    assert "united-states" not in statement.mentions  # parties are actors, never mentions


def test_every_statement_has_one_to_three_known_topics(facts, registry):
    known = {t.id for t in registry.topics}
    for each in facts.values():
        for statement in each.statements:
            assert 1 <= len(statement.topics) <= 3
            assert set(statement.topics) <= known


# --- subjects and verbs on small texts ------------------------------------------------------

OPENING = (
    "1. The 62nd U.S.-ROK Security Consultative Meeting (SCM) was held in Seoul on "
    "October 2, 2030. U.S. Secretary of Defense John A. Roe, Jr. and ROK Minister of National "
    "Defense Kim Min-su led their respective delegations.\n\n"
)


def clauses_of(tmp_path: Path, registry, paragraph_2: str) -> list[tuple]:
    path = tmp_path / "small.txt"
    path.write_text(f"{OPENING}2. {paragraph_2}\n", encoding="utf-8")
    facts = extract(read_document(path), registry)
    return [(s.verb, s.verb_class, s.actors, s.speakers) for s in facts.statements]


BOTH = ("ROK", "US")
HEADS = ("john-a-roe-jr", "kim-min-su")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The two defense chiefs reaffirmed the Alliance.",
            [("reaffirm", "reaffirmation", BOTH, HEADS)],
        ),
        (
            "Both concurred that the Alliance is strong and reaffirmed their commitment.",
            [
                ("concur", "assessment", BOTH, HEADS),
                ("reaffirm", "reaffirmation", BOTH, HEADS),
            ],
        ),
        (
            "Both the Secretary and the Minister pledged to act.",
            [("pledge", "commitment", BOTH, HEADS)],
        ),
        (
            "The ROK Minister welcomed the visit.",
            [("welcome", "appreciation", ("ROK",), ("kim-min-su",))],
        ),
        (  # a promise to the other side
            "The ROK side assured the U.S. side that it would support the drill.",
            [("assure", "commitment", ("ROK",), ())],
        ),
    ],
)
def test_subject_phrases_of_the_genre(tmp_path: Path, registry, text: str, expected) -> None:
    assert clauses_of(tmp_path, registry, text) == expected


def test_a_head_named_as_subject_speaks_for_the_heads_party(tmp_path: Path, registry) -> None:
    text = (
        "Minister Kim conveyed the plan of the ROK Government to raise spending, and "
        "Secretary Roe applauded the decision. Kim Min-su reaffirmed the plan."
    )
    assert clauses_of(tmp_path, registry, text) == [
        ("convey", "assessment", ("ROK",), ("kim-min-su",)),
        ("applaud", "appreciation", ("US",), ("john-a-roe-jr",)),
        ("reaffirm", "reaffirmation", ("ROK",), ("kim-min-su",)),
    ]


@pytest.mark.parametrize("odd", ["", " \ue000"])
def test_a_head_and_a_registry_phrase_share_a_subject(tmp_path: Path, registry, odd) -> None:
    """Heads' names are masked before the registry's subject pattern reads a sentence;
    a sentence holding the mask character itself is read with a pattern of its own."""
    text = (
        f"Secretary Roe and the ROK Minister reaffirmed the plan{odd}. "
        f"The U.S. side and Minister Kim Min-su pledged to act{odd}."
    )
    assert clauses_of(tmp_path, registry, text) == [
        ("reaffirm", "reaffirmation", BOTH, HEADS),
        ("pledge", "commitment", BOTH, ("kim-min-su",)),
    ]


def test_a_verb_of_several_words_and_its_coordinated_verb(tmp_path: Path, registry) -> None:
    text = "The two sides took note of the report and vowed to act."
    assert clauses_of(tmp_path, registry, text) == [
        ("take", "assessment", BOTH, HEADS),
        ("vow", "commitment", BOTH, HEADS),
    ]


@pytest.mark.parametrize(
    ("text", "verbs"),
    [
        # a new clause after ", and", the participle before it is not in a series
        (
            "They noted that the plan was reviewed as planned, and decided to revise it.",
            ["note", "decide"],
        ),
        # a series of participles inside the that-clause
        ("The Minister noted that the plan was drafted, reviewed, and approved.", ["note"]),
        # participles sharing an auxiliary
        ("They welcomed the plan that was discussed and endorsed by the committee.", ["welcome"]),
        # a present verb after a past one: a statement after ", and" before a complement
        (
            "Both sides assessed that the talks went well, and expect to hold the next SCM.",
            ["assess", "expect"],
        ),
        # ... and a noun elsewhere
        ("The Secretary reaffirmed the commitment and support for the ROK.", ["reaffirm"]),
    ],
)
def test_coordinated_verbs_by_tense_and_punctuation(
    tmp_path: Path, registry, text: str, verbs: list[str]
) -> None:
    assert [c[0] for c in clauses_of(tmp_path, registry, text)] == verbs
