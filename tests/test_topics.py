"""Topics of composed clauses: keywords of the genre, entities that carry a topic,
and elliptic clauses that take their paragraph's subject."""

from __future__ import annotations

import pytest

from scmgraph.extract.topics import TopicScorer
from scmgraph.registry.load import load_registry


@pytest.fixture(scope="module")
def scorer() -> TopicScorer:
    return TopicScorer.from_registry(load_registry())


def topics(scorer: TopicScorer, clause: str, paragraph: str, names: tuple[str, ...] = ()):
    return scorer.choose(scorer.score(clause, names), scorer.score(paragraph, names))


def test_shipbuilding_and_procurement_are_defence_industry(scorer: TopicScorer) -> None:
    clause = "They pledged to expand shipbuilding cooperation and to conclude procurement talks."
    assert topics(scorer, clause, clause) == ("technology",)


def test_a_named_exercise_is_readiness(scorer: TopicScorer) -> None:
    clause = "They applauded the expanded scale of Foal Eagle."
    assert topics(scorer, clause, clause, ("Foal Eagle",)) == ("readiness",)


def test_an_elliptic_clause_takes_its_paragraphs_subject(scorer: TopicScorer) -> None:
    paragraph = (
        "The Minister and the Secretary approved the plan for wartime operational control "
        "(OPCON) transition and the bridging capabilities it needs. They decided to review "
        "progress each year at the SCM."
    )
    clause = "They decided to review progress each year at the SCM."
    assert topics(scorer, clause, paragraph)[0] == "opcon"


def test_an_elliptic_clause_takes_its_sentences_subject_first(scorer: TopicScorer) -> None:
    # the paragraph is about cost sharing; the sentence, and so its second clause, is not
    paragraph = (
        "The two sides signed the new Special Measures Agreement on cost-sharing. "
        "The Secretary confirmed that U.S. troop levels on the Peninsula would be kept as they "
        "are, and the Minister voiced thanks for this pledge."
    )
    sentence = (
        "The Secretary confirmed that U.S. troop levels on the Peninsula would be kept as they "
        "are, and the Minister voiced thanks for this pledge."
    )
    clause = "and the Minister voiced thanks for this pledge."
    found = scorer.choose(scorer.score(clause), scorer.score(paragraph), scorer.score(sentence))
    assert found[0] == "stationing"
    assert "cost-sharing" not in found


@pytest.mark.parametrize(
    ("clause", "names", "first"),
    [
        (
            "The Minister said the ROK would field the core military capabilities it needs "
            "to lead the combined defense.",
            (),
            "opcon",
        ),
        (
            "They asked the Combined Forces Command to brief them at the next meeting.",
            ("Combined Forces Command",),
            "readiness",
        ),
        (
            "They praised the Korea-U.S. Integrated Defense Dialogue for its work on policy.",
            ("Korea-U.S. Integrated Defense Dialogue",),
            "alliance",
        ),
        ("They pledged to sustain maritime security in the Red Sea.", (), "global"),
        ("They agreed to share missile warning data in real time.", (), "deterrence"),
        ("They decided to update the combined operation plan next year.", (), "readiness"),
        ("They welcomed the second inter-Korean summit held this spring.", (), "dprk"),
        ("They backed the Four-Party Talks the leaders proposed.", (), "dprk"),
        ("He said the planned troop reductions would be postponed.", (), "stationing"),
        ("He said his nation would keep its forces at current levels.", (), "stationing"),
        ("They agreed to relocate the headquarters to the south.", (), "stationing"),
        ("They agreed to resume the burden-sharing talks.", (), "cost-sharing"),
    ],
)
def test_cues_of_the_genre(
    scorer: TopicScorer, clause: str, names: tuple[str, ...], first: str
) -> None:
    assert topics(scorer, clause, clause, names)[0] == first


def test_stationing_costs_are_cost_sharing(scorer: TopicScorer) -> None:
    clause = "He thanked the ROK for its share of the stationing costs of U.S. forces."
    assert "cost-sharing" in topics(scorer, clause, clause, ())


def test_the_non_proliferation_regime_is_a_wmd_matter(scorer: TopicScorer) -> None:
    clause = (
        "They urged North Korea to return to the NPT and to full compliance with its "
        "obligations to the IAEA."
    )
    assert set(topics(scorer, clause, clause, ())) >= {"dprk", "wmd"}
