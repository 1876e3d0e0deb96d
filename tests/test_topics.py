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
