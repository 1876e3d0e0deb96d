"""The variation suite: paragraph 1 of every given and development communiqué,
rewritten into many meeting-sentence shapes and four layouts (tests/variations.py),
must give back exactly the meeting facts of its gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from scmgraph.extract.document import extract
from scmgraph.model import MeetingFacts
from scmgraph.read.reader import read_document
from scmgraph.registry.load import Registry, load_registry
from variations import (
    GOLD,
    LAYOUTS,
    SHAPES,
    Meeting,
    expected,
    load_meeting,
    ordinal,
    variation,
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def facts_of(m: MeetingFacts) -> tuple:
    return (
        m.series,
        m.ordinal,
        m.date,
        m.city,
        [(h.name, h.post, h.party) for h in m.heads],
        [
            (a.series, a.ordinal, a.date, [(h.name, h.post, h.party) for h in a.heads])
            for a in m.associated
        ],
    )


def gold_of(m: Meeting) -> tuple:
    return (
        m.series,
        m.ordinal,
        m.date,
        m.city,
        list(m.heads),
        [(a.series, a.ordinal, a.date, list(a.heads)) for a in m.associated],
    )


def test_the_suite_covers_the_given_and_development_communiques() -> None:
    assert sorted(GOLD) == [
        "047_scm_2015",
        "050_scm_2018",
        "052_scm_2020",
        "053_scm_2021",
        "056_scm_2024",
        "057_scm_2025",
    ]
    assert len(SHAPES) >= 12 and set(LAYOUTS) == {"plain", "pdf", "html", "syndication"}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("stem", sorted(GOLD))
def test_meeting_facts_survive_the_rewrite(
    stem: str, shape: str, layout: str, registry: Registry, tmp_path: Path
) -> None:
    text, suffix = variation(stem, shape, layout)
    path = tmp_path / f"{stem}-{shape}-{layout}{suffix}"
    path.write_text(text, encoding="utf-8")
    facts = extract(read_document(path), registry)
    assert facts_of(facts.meeting) == gold_of(expected(load_meeting(stem), shape))
    typos = [w for w in facts.warnings if "writes the post" in w]
    assert len(typos) == (1 if shape == "typo" else 0), facts.warnings


@pytest.mark.parametrize("stem", sorted(GOLD))
def test_the_layouts_carry_what_they_stand_for(stem: str) -> None:
    """Guard the suite itself: each layout keeps the traits it is meant to test."""
    m = load_meeting(stem)
    pdf, _ = variation(stem, "held", "pdf")
    lines = pdf.splitlines()
    suffix = ordinal(m.ordinal).removeprefix(str(m.ordinal))
    assert suffix in lines  # the ordinal's suffix alone on a line
    first, second = (
        lines.index("1. The " + str(m.ordinal)),
        next(i for i, line in enumerate(lines) if line.startswith("2. ")),
    )
    assert f"Appendix 9 | {m.date.year} Annual Report" in lines[first:second]
    page, _ = variation(stem, "held", "html")
    assert "<nav>" in page and "<footer>" in page and f"<b>{m.ordinal}{suffix}</b>" in page
    copy, _ = variation(stem, "held", "syndication")
    assert "(END)" in copy and " -- " in copy.splitlines()[2]
