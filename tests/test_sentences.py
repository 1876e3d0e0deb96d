"""The sentence spans the reader takes from pysbd are pysbd's own, found without a
pattern per sentence."""

from __future__ import annotations

from pathlib import Path

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scmgraph.read.reader import read_document
from scmgraph.read.sentences import Segmenter

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for folder in ("data/communiques", "tests/fixtures/devset", "tests/fixtures/own")
    for p in (ROOT / folder).iterdir()
    if p.suffix in (".txt", ".html")
)


def spans(segmenter: pysbd.Segmenter, text: str) -> list[tuple[str, int, int]]:
    return [(s.sent, s.start, s.end) for s in segmenter.segment(text)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_spans_are_pysbds(path: Path) -> None:
    ours = Segmenter(language="en", clean=False, char_span=True)
    theirs = pysbd.Segmenter(language="en", clean=False, char_span=True)
    paragraphs = [p.text for p in read_document(path).paragraphs]
    assert len(paragraphs) > 5
    for text in paragraphs:
        found = spans(ours, text)
        assert found == spans(theirs, text)
        assert len(found) == len({start for _, start, _ in found})


def test_repeated_sentence_is_found_after_the_previous_one() -> None:
    """A sentence that occurs twice is the occurrence after the sentence before it."""
    text = "It was agreed. The Minister left. It was agreed.  Both sides met."
    ours = spans(Segmenter(language="en", clean=False, char_span=True), text)
    assert ours == spans(pysbd.Segmenter(language="en", clean=False, char_span=True), text)
    assert [start for _, start, _ in ours] == [0, 15, 34, 50]


WORDS = st.sampled_from(
    [
        *("Gen.", "gen.", "GEN.", "No.", "no", "Dr.", "St.", "st", "Mr.", "Jan.", "Sept."),
        *("U.S.", "e.g.", "i.e.", "Ph.D.", "a.m.", "p.m.", "Co.", "KG", "Inc.", "vs.", "Fig."),
        *("A", "a", "I", "The", "Alliance", "Minister", "Kim", "5", "(1)", "'s", "and", "St"),
        *(".", ",", "?", "!", ";", "“", "”", "\n", "\u212a", "\u017ft.", "\u0131", "\u0130"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=30))
def test_abbreviations_cut_to_those_that_can_apply_give_pysbds_sentences(words) -> None:
    """Each text is segmented with only the abbreviations followed by a full stop in
    it (all of them where it holds a character that folds to an ASCII letter)."""
    text = " ".join(words)
    ours = spans(Segmenter(language="en", clean=False, char_span=True), text)
    assert ours == spans(pysbd.Segmenter(language="en", clean=False, char_span=True), text)


def test_an_abbreviation_before_a_full_stop_is_kept() -> None:
    text = "Gen. Kim met No. 5 unit. It was agreed. \u212aim left at 5 p.m. Both met."
    ours = [s.sent for s in Segmenter(language="en", clean=False, char_span=True).segment(text)]
    assert ours == [
        "Gen. Kim met No. 5 unit. ",
        "It was agreed. ",
        "\u212aim left at 5 p.m. ",
        "Both met.",
    ]
