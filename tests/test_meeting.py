"""Paragraph 1 beyond the variation suite: posts over time, typos, series names
the registry knows, heads the people registry does not, and stable post IRIs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from scmgraph.extract.document import extract
from scmgraph.model import Facts
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.convert import communique_graph
from scmgraph.rdf.terms import SCM, post_iri
from scmgraph.read.reader import read_document
from scmgraph.registry.load import Registry, load_registry
from scmgraph.views.statements import statements_view

DEVSET = Path(__file__).resolve().parent / "fixtures" / "devset"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def read(tmp_path: Path, registry: Registry, first: str) -> Facts:
    path = tmp_path / "060_scm.txt"
    path.write_text(
        f"1. {first}\n\n2. The Secretary and the Minister reaffirmed the Alliance.\n",
        encoding="utf-8",
    )
    return extract(read_document(path), registry)


def heads(facts: Facts) -> list[tuple[str, str, str]]:
    return [(h.name, h.post, h.party) for h in facts.meeting.heads]


def test_a_post_carries_its_names_over_time(registry: Registry) -> None:
    post = registry.post_named("US", "Secretary of War")
    assert post is not None and post is registry.post_named("US", "Secretary of Defense")
    assert post.key == "us-secretary-of-defense"
    assert post.title_on(dt.date(2020, 10, 14)) == "Secretary of Defense"
    assert post.title_on(dt.date(2025, 9, 4)) == "Secretary of Defense"
    assert post.title_on(dt.date(2025, 9, 5)) == "Secretary of War"
    assert registry.post_named("ROK", "Secretary of War") is None


def test_a_renamed_post_keeps_its_iri(registry: Registry) -> None:
    path = DEVSET / "057_scm_2025.txt"
    facts = extract(read_document(path), registry)
    graph = communique_graph(
        facts, registry, BuildInfo.from_inputs("0.1.0", [facts.document.source], registry)
    )
    head = next(h for h in graph.subjects(SCM.postAsWritten, Literal("Secretary of War")))
    assert graph.value(head, SCM.post) == post_iri("us-secretary-of-defense")
    assert not list(graph.triples((URIRef(post_iri("us-secretary-of-war")), None, None)))
    # the statements view, read back from the graph, gives the post as written
    view = statements_view(graph, "057_scm_2025")
    assert [(h["name"], h["post"]) for h in view["meeting"]["heads"]] == [
        ("Ahn Gyu-back", "Minister of National Defense"),
        ("Pete B. Hegseth", "Secretary of War"),
    ]


def test_a_typo_in_a_post_is_read_with_a_warning(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The 60th Security Consultative Meeting (SCM) was held in Seoul on May 1, 2030. "
        "ROK Minster of National Defense Kim Min-su and U.S. Secretary of Defense Jane Roe "
        "led their respective delegations.",
    )
    assert heads(facts) == [
        ("Kim Min-su", "Minister of National Defense", "ROK"),
        ("Jane Roe", "Secretary of Defense", "US"),
    ]
    assert facts.warnings == (
        f"{tmp_path / '060_scm.txt'}: paragraph 1 writes the post "
        "'Minster of National Defense'; read as 'Minister of National Defense'",
    )


def test_the_series_is_the_registry_one_not_the_parties_letters(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "The 60th Korea-U.S. Security Consultative Meeting was held in Seoul on 1 May 2030, "
        "led by U.S. Secretary of Defense Jane Roe and ROK Minister of National Defense "
        "Kim Min-su.",
    )
    m = facts.meeting
    assert (m.series, m.ordinal, m.date, m.city) == ("SCM", 60, dt.date(2030, 5, 1), "Seoul")
    assert m.associated == ()


def test_a_host_is_not_taken_for_the_city(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "Minister of National Defense Kim Min-su hosted U.S. Secretary of Defense Jane Roe, Sr. "
        "for the 60th ROK-U.S. Security Consultative Meeting (SCM) at the Ministry of National "
        "Defense in Seoul on May 1, 2030.",
    )
    assert facts.meeting.city == "Seoul"
    assert heads(facts) == [
        ("Kim Min-su", "Minister of National Defense", "ROK"),
        ("Jane Roe, Sr.", "Secretary of Defense", "US"),
    ]


def test_an_mcm_named_only_in_passing_is_no_meeting(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The 60th SCM was held in Seoul on May 1, 2030. U.S. Secretary of Defense Jane Roe "
        "and ROK Minister of National Defense Kim Min-su welcomed the results of the "
        "Military Committee Meeting.",
    )
    assert facts.meeting.associated == ()
    assert facts.meeting.ordinal == 60


def test_an_official_whose_post_heads_no_series_is_no_head(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "The 60th SCM was held in Seoul on May 1, 2030. U.S. Secretary of Defense Jane Roe, "
        "ROK Minister of National Defense Kim Min-su, and U.S. Combined Forces Command "
        "Commander General John Doe attended the meeting.",
    )
    assert heads(facts) == [
        ("Jane Roe", "Secretary of Defense", "US"),
        ("Kim Min-su", "Minister of National Defense", "ROK"),
    ]


@pytest.mark.parametrize(
    ("date", "title"),
    [("October 22, 2009", "Secretary of Defense"), ("October 22, 2026", "Secretary of War")],
)
def test_a_short_title_takes_the_post_name_in_force_on_the_date(
    tmp_path: Path, registry: Registry, date: str, title: str
) -> None:
    facts = read(
        tmp_path,
        registry,
        "The 60th Security Consultative Meeting between the Republic of Korea and the United "
        f"States took place in Seoul on {date}. Minister Kim Min-su of the Ministry of "
        "National Defense and Secretary Jane Roe of the Department of Defense headed their "
        "delegations.",
    )
    assert heads(facts) == [
        ("Kim Min-su", "Minister of National Defense", "ROK"),
        ("Jane Roe", title, "US"),
    ]
    assert facts.warnings == ()


def test_a_head_named_again_by_short_title_stays_one_head(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "The 60th SCM was held in Seoul on November 4th, 2030. U.S. Secretary of Defense "
        "Jane Q. Roe and ROK Minister of National Defense Kim Min-su led their respective "
        "delegations. Secretary Roe and Minister Kim opened the meeting.",
    )
    assert facts.meeting.date == dt.date(2030, 11, 4)
    assert heads(facts) == [
        ("Jane Q. Roe", "Secretary of Defense", "US"),
        ("Kim Min-su", "Minister of National Defense", "ROK"),
    ]


def test_an_unnumbered_mcm_that_took_place_is_a_meeting(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The 60th SCM was held on May 2, 2030 in Seoul, following the Military Committee "
        "Meeting. U.S. Secretary of Defense Jane Roe and ROK Minister of National Defense Kim "
        "Min-su led their delegations. The ROK-U.S. Military Committee Meeting (MCM) was held "
        "on May 1, 2030 with ROK Chairman of the Joint Chiefs of Staff General Lee Ho-jin and "
        "U.S. Chairman of the Joint Chiefs of Staff Admiral John Doe.",
    )
    (mcm,) = facts.meeting.associated
    assert (mcm.series, mcm.ordinal, mcm.date) == ("MCM", None, dt.date(2030, 5, 1))
    assert [(h.name, h.party) for h in mcm.heads] == [("Lee Ho-jin", "ROK"), ("John Doe", "US")]
    assert facts.meeting.date == dt.date(2030, 5, 2)


@pytest.mark.parametrize(
    ("date", "title"),
    [("October 22, 2019", "Secretary of Defense"), ("October 22, 2026", "Secretary of War")],
)
def test_an_alias_of_a_post_takes_the_name_in_force(
    tmp_path: Path, registry: Registry, date: str, title: str
) -> None:
    facts = read(
        tmp_path,
        registry,
        f"The 60th SCM was held in Seoul on {date}. South Korean Defense Minister Kim Min-su "
        "and U.S. Defense Secretary Jane Roe led their delegations, as the Defense Ministry "
        "said.",
    )
    assert heads(facts) == [
        ("Kim Min-su", "Minister of National Defense", "ROK"),
        ("Jane Roe", title, "US"),
    ]
    assert facts.warnings == ()


@pytest.mark.parametrize("ordinal", [1000, 1234, 20001])
def test_an_ordinal_takes_any_number_of_digits(
    tmp_path: Path, registry: Registry, ordinal: int
) -> None:
    facts = read(
        tmp_path,
        registry,
        f"The {ordinal}th Korea-U.S. Security Consultative Meeting was held in Seoul on "
        "1 May 3030, led by U.S. Secretary of Defense Jane Roe and ROK Minister of National "
        "Defense Kim Min-su.",
    )
    m = facts.meeting
    assert (m.series, m.ordinal, m.date, m.city) == ("SCM", ordinal, dt.date(3030, 5, 1), "Seoul")
    assert heads(facts) == [
        ("Jane Roe", "Secretary of Defense", "US"),
        ("Kim Min-su", "Minister of National Defense", "ROK"),
    ]


def meeting_row(facts: Facts) -> tuple[object, ...]:
    m = facts.meeting
    mcm = [(a.series, a.ordinal, a.date) for a in m.associated]
    return (m.series, m.ordinal, m.date, m.city, mcm)


HEADS = (
    "ROK Minister of National Defense Kim Min-su and U.S. Secretary of Defense Jane Roe led "
    "their respective delegations."
)
CHAIRS = (
    "General Lee Ho-jin, Chairman of the ROK Joint Chiefs of Staff, and Admiral John Doe, "
    "Chairman of the U.S. Joint Chiefs of Staff"
)


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (  # an ordinal spelled out, "Annual" before the series
            "The Sixty-Third Annual Republic of Korea-United States Security Consultative "
            f"Meeting (SCM) took place in Seoul on November 21, 2031. {HEADS}",
            ("SCM", 63, dt.date(2031, 11, 21), "Seoul", []),
        ),
        (  # in lower case, after the date
            f"On September 21, 2031, the sixty-third annual ROK-US SCM was held in Seoul. {HEADS}",
            ("SCM", 63, dt.date(2031, 9, 21), "Seoul", []),
        ),
        (  # two days: the communiqué's, the last
            "The 63rd Security Consultative Meeting between the Republic of Korea and the "
            f"United States was held in Seoul, Korea, on November 3-4, 2031. {HEADS}",
            ("SCM", 63, dt.date(2031, 11, 4), "Seoul", []),
        ),
        (  # another ordinal of the series is another meeting, in another city
            "The 63rd ROK-U.S. Security Consultative Meeting (SCM) was held in Seoul on "
            f"October 21, 2031, one year after the 62nd SCM met in Washington, D.C. {HEADS}",
            ("SCM", 63, dt.date(2031, 10, 21), "Seoul", []),
        ),
        (  # three days, "from ... to ..."
            "The Sixty-Third Annual Republic of Korea-United States Security Consultative "
            f"Meeting was held in Seoul from June 7 to 9, 2031. {HEADS}",
            ("SCM", 63, dt.date(2031, 6, 9), "Seoul", []),
        ),
        (  # two days joined by "and"
            "The Sixty-Third Annual Republic of Korea-United States Security Consultative "
            f"Meeting was held in Seoul, Korea, on May 9 and 10, 2031. {HEADS}",
            ("SCM", 63, dt.date(2031, 5, 10), "Seoul", []),
        ),
        (
            "The 63rd ROK-U.S. Security Consultative Meeting (SCM) was held in Washington, "
            f"D.C., USA, on 6–7 October 2031. {HEADS}",
            ("SCM", 63, dt.date(2031, 10, 7), "Washington, D.C.", []),
        ),
        (  # a venue, then its city
            "Secretary of Defense Jane Roe hosted Minister of National Defense Kim Min-su for "
            "the 63rd U.S.-ROK Security Consultative Meeting (SCM), held at the Pentagon, "
            "Washington, D.C., on December 5, 2031.",
            ("SCM", 63, dt.date(2031, 12, 5), "Washington, D.C.", []),
        ),
        (  # the MCM dated by the SCM
            f"The 63rd SCM was held in Seoul on May 2, 2031. {HEADS} On the previous day, the "
            f"56th ROK-US Military Committee Meeting (MCM) was held with {CHAIRS}, in attendance.",
            ("SCM", 63, dt.date(2031, 5, 2), "Seoul", [("MCM", 56, dt.date(2031, 5, 1))]),
        ),
        (
            f"The 63rd SCM was held in Seoul on May 2, 2031. {HEADS} The 56th Military "
            f"Committee Meeting (MCM), chaired by {CHAIRS}, took place the day before.",
            ("SCM", 63, dt.date(2031, 5, 2), "Seoul", [("MCM", 56, dt.date(2031, 5, 1))]),
        ),
        (
            f"The 56th ROK-U.S. Military Committee Meeting (MCM) convened in Seoul on the eve of "
            f"the SCM, with {CHAIRS}, presiding. The 63rd ROK-U.S. Security Consultative "
            f"Meeting (SCM) was then held in Seoul on March 1, 2031. {HEADS}",
            ("SCM", 63, dt.date(2031, 3, 1), "Seoul", [("MCM", 56, dt.date(2031, 2, 28))]),
        ),
        (  # the SCM dated by the MCM
            f"On December 31, 2031, {CHAIRS}, presided over the 56th U.S.-ROK Military "
            "Committee Meeting (MCM) in Seoul. The following day, U.S. Secretary of Defense "
            "Jane Roe and ROK Minister of National Defense Kim Min-su led their delegations at "
            "the 63rd Security Consultative Meeting (SCM), also held in Seoul.",
            ("SCM", 63, dt.date(2032, 1, 1), "Seoul", [("MCM", 56, dt.date(2031, 12, 31))]),
        ),
        (  # a month and day: the year of the other meeting
            "On Oct. 28, 2031, Minister of National Defense Kim Min-su of the Republic of Korea "
            "and Secretary of Defense Jane Roe of the United States held the 63rd ROK-U.S. "
            f"Security Consultative Meeting (SCM) in Seoul. {CHAIRS}, presided over the 56th "
            "ROK-U.S. Military Committee Meeting (MCM) on Oct. 27.",
            ("SCM", 63, dt.date(2031, 10, 28), "Seoul", [("MCM", 56, dt.date(2031, 10, 27))]),
        ),
        (  # day first
            f"The 63rd SCM was held in Seoul, Korea on 22 October 2031. {HEADS} On 21 October, "
            f"the 56th Military Committee Meeting (MCM) was held with {CHAIRS}.",
            ("SCM", 63, dt.date(2031, 10, 22), "Seoul", [("MCM", 56, dt.date(2031, 10, 21))]),
        ),
        (
            f"The 63rd SCM was held in Seoul on May 2, 2031. {HEADS} A day earlier, {CHAIRS}, "
            "presided over the 56th Military Committee Meeting (MCM).",
            ("SCM", 63, dt.date(2031, 5, 2), "Seoul", [("MCM", 56, dt.date(2031, 5, 1))]),
        ),
    ],
)
def test_paragraph_one_in_the_shapes_of_earlier_decades(
    tmp_path: Path, registry: Registry, first: str, expected: tuple[object, ...]
) -> None:
    facts = read(tmp_path, registry, first)
    assert meeting_row(facts) == expected
    assert sorted((h.name, h.post, h.party) for h in facts.meeting.heads) == [
        ("Jane Roe", "Secretary of Defense", "US"),
        ("Kim Min-su", "Minister of National Defense", "ROK"),
    ]
    for mcm in facts.meeting.associated:
        assert [(h.name, h.party) for h in mcm.heads] == [("Lee Ho-jin", "ROK"), ("John Doe", "US")]


def test_honorifics_are_no_part_of_a_name(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The 63rd Security Consultative Meeting was held in Seoul, Republic of Korea, on "
        "November 23, 2031. The Honorable Jane Roe, Secretary of Defense of the United States "
        "of America, and His Excellency Kim Min-su, Minister of National Defense of the "
        "Republic of Korea, headed their delegations.",
    )
    assert heads(facts) == [
        ("Jane Roe", "Secretary of Defense", "US"),
        ("Kim Min-su", "Minister of National Defense", "ROK"),
    ]
    names = {e.name for e in facts.entities if e.type == "Person"}
    assert names == {"Jane Roe", "Kim Min-su"}


def test_a_speech_act_in_paragraph_one_is_a_statement(tmp_path: Path, registry: Registry) -> None:
    """Paragraph 1 reports the meeting; a sentence of it that says what the heads did
    ("noted with satisfaction") is a statement, the meeting's own sentences are not."""
    facts = read(
        tmp_path,
        registry,
        f"The 63rd SCM was held in Seoul on May 2, 2031. {HEADS} In this 63rd SCM, the "
        "Minister and the Secretary noted with satisfaction that the SCM has served the "
        "Alliance well since 1968.",
    )
    first = [(s.paragraph, s.sentence, s.verb) for s in facts.statements if s.paragraph == 1]
    assert first == [(1, 3, "note")]
