"""The sentence spans the reader takes from pysbd are pysbd's own, found without a
pattern per sentence."""

from __future__ import annotations

from pathlib import Path

import pysbd
import pytest

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
