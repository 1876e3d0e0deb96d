"""pysbd's sentence boundaries, located in the text without a pattern per sentence.

pysbd finds every sentence it returns in the text again by compiling the sentence
as a regular expression. Those patterns, one per sentence and never used again,
pushed every other pattern out of ``re``'s cache (512 patterns), so that pysbd's
own rules and the extraction rules were compiled again for every communiqué. A
plain substring search finds the same spans.
"""

from __future__ import annotations

import pysbd
from pysbd.utils import TextSpan


class Segmenter(pysbd.Segmenter):
    """``pysbd.Segmenter`` whose character spans come from ``str.find``."""

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
