"""Thread links between two small composed communiqués: a statement carried
forward in other words, in another paragraph, or split in two still links to its
predecessor, with the kind of change."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from scmgraph.extract.document import extract
from scmgraph.extract.threads import CueWords, Weights, folded, link_series, load_lexicons
from scmgraph.model import Facts
from scmgraph.read.reader import read_document
from scmgraph.registry.load import load_registry

OPENING = (
    "1. The {n}th United States (U.S.)-Republic of Korea (ROK) Security Consultative Meeting "
    "(SCM) was held in Seoul on October {day}, {year}. U.S. Secretary of Defense {us} and "
    "ROK Minister of National Defense {rok} led their respective delegations."
)

EARLIER = [
    "The Secretary and the Minister reaffirmed the commitment to the Mutual Defense Treaty "
    "and pledged to strengthen the combined defense posture on the Korean Peninsula.",
    "The two sides pledged to complete the relocation of the Combined Forces Command "
    "headquarters to Camp Humphreys by next year.",
    "They decided to explore options for space cooperation with U.S. Space Forces Korea.",
    "Both sides noted the progress of the Nuclear Consultative Group and committed to hold "
    "the Iron Mace tabletop exercise on nuclear planning.",
]
LATER = [
    "Both sides welcomed the completed relocation of the Combined Forces Command "
    "headquarters to Camp Humphreys.",
    "The Minister and the Secretary reiterated their pledge under the Mutual Defense Treaty "
    "and vowed to bolster the combined defense posture of the Korean Peninsula.",
    "They committed to fully implement space cooperation with U.S. Space Forces Korea.",
    "Both sides noted the progress of the Nuclear Consultative Group. They committed to hold "
    "the Iron Mace tabletop exercise on nuclear planning again.",
]


def write(
    tmp_path: Path,
    n: int,
    year: int,
    paragraphs: list[str],
    heads: tuple[str, str] = ("Jane Roe", "Park Min-ho"),
) -> Facts:
    body = "\n\n".join(f"{i}. {p}" for i, p in enumerate(paragraphs, start=2))
    path = tmp_path / f"{n:03d}_scm_{year}.txt"
    opening = OPENING.format(n=n, day=20, year=year, us=heads[0], rok=heads[1])
    path.write_text(opening + "\n\n" + body + "\n", "utf-8")
    return extract(read_document(path), load_registry())


@pytest.fixture(scope="module")
def links(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, int], str]:
    folder = tmp_path_factory.mktemp("threads")
    facts = [write(folder, 61, 2029, EARLIER), write(folder, 62, 2030, LATER)]
    return {(t.current.paragraph, t.previous.paragraph): t.kind for t in link_series(facts)}


def test_reworded_statements_in_another_paragraph_link_back(links) -> None:
    # the defence commitment moved from paragraph 2 to 3 and was reworded
    assert {p for (c, p) in links if c == 3} == {2}
    # the relocation moved from paragraph 3 to 2
    assert {p for (c, p) in links if c == 2} == {3}


def test_link_kinds(links) -> None:
    assert links[(2, 3)] == "fulfilled"  # "completed relocation" after "pledged to complete"
    assert links[(4, 4)] == "strengthened"  # "explore options" became "fully implement"


def test_a_split_statement_links_each_part_to_its_predecessor(links) -> None:
    assert {p for (c, p) in links if c == 5} == {5}


def test_weights_and_thresholds_come_from_the_data() -> None:
    lex = load_lexicons()
    assert lex.weights == Weights(
        wording=0.5, entities=0.25, topics=0.1, verb_class=0.0, context=0.15
    )
    assert (lex.link_threshold, lex.repeated_similarity) == (0.25, 0.6)


def test_the_people_who_speak_are_no_evidence_for_a_link(tmp_path: Path) -> None:
    earlier = write(
        tmp_path,
        61,
        2029,
        [
            "Minister Park highlighted the launch of the ROK Strategic Command, and Secretary "
            "Roe welcomed it as a partner of the Alliance.",
            "The two sides reviewed progress in space cooperation.",
        ],
    )
    later = write(
        tmp_path,
        62,
        2030,
        [
            "The Minister observed the growing role of the ROK Strategic Command in linking ROK "
            "assets to the posture of the Alliance.",
        ],
        heads=("John Doe", "Lee Jun-ho"),
    )
    links = {(t.current.paragraph, t.previous.paragraph) for t in link_series([earlier, later])}
    assert links == {(2, 2)}


def test_a_text_is_searched_for_a_cue_word_only_when_its_folded_form_holds_the_stem() -> None:
    # ``folded`` keeps one character for each (so places agree), and every character a
    # case-blind pattern matches to an ASCII character folds to that character: a text
    # whose folded form lacks a stem cannot hold the word.
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert len(folded(every)) == len(every)
    for ascii_char in string.ascii_letters + string.digits + string.punctuation + " ":
        pattern = re.compile(re.escape(ascii_char), re.IGNORECASE)
        twins = {m.group() for m in pattern.finditer(every)}
        assert {folded(c) for c in twins} == {ascii_char.lower()}, ascii_char
    # e.g. the dotless i and the long s, which lower() leaves as they are
    assert {"\u0131", "\u0130"} <= {c for c in every if re.fullmatch("i", c, re.IGNORECASE)}
    words = CueWords.of(["fulfil*", "in place", "ratified"])
    for text in ("FULFILLED and fulfils", "Put ın place, ratıfied", "ſigned", "nothing"):
        expected = sum(len(p.findall(text)) for p in words.patterns)
        assert words.count(text, folded(text)) == expected
    assert words.count("Fulfilled; in place.", folded("Fulfilled; in place.")) == 2
    assert words.count("Put ın place", folded("Put ın place")) == 1
