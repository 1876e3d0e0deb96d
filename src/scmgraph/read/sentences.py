"""pysbd's sentence boundaries, found with less work and located without patterns.

pysbd finds every sentence it returns in the text again by compiling the sentence
as a regular expression. Those patterns, one per sentence and never used again,
pushed every other pattern out of ``re``'s cache (512 patterns), so that pysbd's
own rules and the extraction rules were compiled again for every communiqué. A
plain substring search finds the same spans.

pysbd also tries each of its ~190 abbreviations on every text that holds its
letters anywhere ("a", "no", "st" are in every paragraph), one substitution over
the whole text per word that begins with them; only an abbreviation followed by
a full stop can change the text. Each text is segmented with the abbreviations
that can (``_English``): the same sentences, in about half the time.
"""

from __future__ import annotations

import re
from typing import Any

import pysbd
from pysbd.lang.english import English
from pysbd.utils import TextSpan

# Characters that match an ASCII letter when case is ignored (as pysbd's patterns
# ignore it) but are not that letter when lower-cased: a text holding one is given
# every abbreviation.
_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")
# Each abbreviation and the text that must occur for it to apply ("" where it is a
# pattern itself, as "e.g" or "u.s": always tried).
_NEEDLES = tuple(
    (a, f"{a.strip()}." if re.fullmatch(r"[a-z0-9]+", a.strip()) else "")
    for a in English.Abbreviation.ABBREVIATIONS
)


def _can_change(text: str) -> list[str]:
    """The abbreviations pysbd's pass could change ``text`` with, in pysbd's order.

    Every change that pass makes is a full stop right after an abbreviation (matched
    regardless of case) turned into a marker; the rules before it only turn full
    stops into markers too, so an abbreviation never followed by a full stop in the
    text as given changes nothing.
    """
    if not _FOLDS_TO_ASCII.isdisjoint(text):
        return [a for a, _ in _NEEDLES]
    lowered = text.lower()
    return [a for a, needle in _NEEDLES if not needle or needle in lowered]


class _AbbreviationReplacer(English.AbbreviationReplacer):
    """pysbd's English abbreviation pass, given only the abbreviations that can
    change the text."""

    def __init__(self, text: str, lang: Any) -> None:
        kept = _can_change(text)
        abbreviation = type("Abbreviation", (lang.Abbreviation,), {"ABBREVIATIONS": kept})
        super().__init__(text, type(lang.__name__, (lang,), {"Abbreviation": abbreviation}))


class _English(English):
    AbbreviationReplacer = _AbbreviationReplacer


class Segmenter(pysbd.Segmenter):
    """``pysbd.Segmenter`` for English whose abbreviation pass skips what cannot
    apply and whose character spans come from ``str.find``."""

    def __init__(self, language: str = "en", clean: bool = False, char_span: bool = False) -> None:
        super().__init__(language=language, clean=clean, char_span=char_span)
        if self.language_module is English:
            self.language_module = _English

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        """The span of each sentence and the whitespace after it, as pysbd defines it:
        the first occurrence, searched left to right without overlaps, that ends after
        the previous sentence's span."""
        if not all(sentences):  # an empty pattern matches everywhere: pysbd's own way
            return super().sentences_with_char_spans(sentences)
        text: str = self.original_text
        spans: list[TextSpan] = []
        prior = 0
        for sentence in sentences:
            position = 0
            while (start := text.find(sentence, position)) >= 0:
                end = start + len(sentence)
                while end < len(text) and text[end].isspace():  # pysbd's trailing \s*
                    end += 1
                if end > prior:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior = end
                    break
                position = end
        return spans
