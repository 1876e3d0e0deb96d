"""How the genre numbers its paragraphs, and where the numbered paragraphs open.

Communiqués number their paragraphs "1.", "1)", "(1)" or "1 ." (the styles live in
data/reader/layout.yaml); a page may set the number in an element of its own, so
the number stands alone on its line and the text follows on the next. A document
keeps one style throughout: the style that numbers the longest run of lines in
sequence is the document's, so a list written "(1) … (2) …" inside a paragraph
numbered "1." never opens a paragraph, and a number opens one only at the start
of a line (a block, in a page), after a sentence end or a blank line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scmgraph.registry.patterns import compiled

_SENTENCE_FINAL = re.compile(r"[.!?][\"'”’)\]]*$")
# After the number: the paragraph text on the same line, or nothing (the number alone).
_TAIL = r"(?:[ \t\u00a0]+(?=\S)|[ \t\u00a0]*$)"


@dataclass(frozen=True)
class Line:
    """A line of the view without its surrounding whitespace (start == end: blank)."""

    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return self.start == self.end

    @property
    def ends_sentence(self) -> bool:
        return bool(_SENTENCE_FINAL.search(self.text))


@dataclass(frozen=True)
class Marker:
    """A numbered paragraph: the line holding its number and where its text begins."""

    line: int  # index of the line holding the number
    number: int
    text_line: int  # index of the line the text begins on (the next one for a lone number)
    start: int  # view offset of the first character of the text


@dataclass(frozen=True)
class Numbering:
    """The numbering styles of the genre (data/reader/layout.yaml ``paragraph_numbers``)."""

    styles: tuple[re.Pattern[str], ...]
    max_gap: int  # largest jump between paragraph numbers accepted after a sentence end

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Numbering:
        styles = tuple(str(s) for s in data.get("styles") or (r"(?P<n>\d{1,3})\.",))
        for style in styles:
            if "(?P<n>" not in style:
                raise ValueError(f"paragraph number style {style!r} captures no number 'n'")
        return cls(tuple(compiled(s + _TAIL) for s in styles), int(data.get("max_gap", 10)))

    def style_of(
        self, texts: Sequence[str], datelines: tuple[re.Pattern[str], ...] = ()
    ) -> re.Pattern[str] | None:
        """The style of the document: the one numbering most lines in sequence (a
        number may follow an agency's dateline).

        A tie goes to the style whose run starts first; None when no line is numbered.
        """
        starts = [_after_dateline(text, datelines) for text in texts]
        best: tuple[int, int] | None = None
        chosen = None
        for style in self.styles:
            count, previous, first = 0, 0, len(texts)
            for i, text in enumerate(texts):
                match = style.match(text, starts[i])
                if match and previous < int(match["n"]) <= previous + self.max_gap:
                    count, previous, first = count + 1, int(match["n"]), min(first, i)
            if count and (best is None or (count, -first) > best):
                best, chosen = (count, -first), style
        return chosen

    def opens(self, text: str, style: re.Pattern[str] | None) -> bool:
        """Whether a line (trimmed) starts with a paragraph number of ``style``."""
        return style is not None and style.match(text) is not None

    def first_line(
        self, texts: Sequence[str], datelines: tuple[re.Pattern[str], ...] = ()
    ) -> int | None:
        """Index of the first line numbered 1 in the document's style."""
        style = self.style_of(texts, datelines)
        if style is None:
            return None
        return next(
            (
                i
                for i, text in enumerate(texts)
                if _number(style.match(text, _after_dateline(text, datelines))) == 1
            ),
            None,
        )

    def markers(
        self,
        lines: list[Line],
        warnings: list[str] | None = None,
        datelines: tuple[re.Pattern[str], ...] = (),
    ) -> list[Marker]:
        """Each numbered paragraph of the view, in order.

        The first paragraph is number 1; later numbers must increase by at most
        ``max_gap`` and follow a blank line or a sentence end, so a hard-wrapped
        line that happens to start with a number ("1978. ...", "Article\\n2. ...")
        is not a paragraph.
        """
        style = self.style_of([line.text for line in lines], datelines)
        if style is None:
            return []
        first = _first_paragraph(lines, style, datelines)
        if first is None:
            return []
        markers = [first]
        previous = 1
        boundary = lines[first.text_line].ends_sentence
        i = first.text_line + 1
        while i < len(lines):
            line = lines[i]
            if line.blank:
                boundary = True
                i += 1
                continue
            match = style.match(line.text)
            marker = _marker(lines, i, match) if match else None
            if marker:
                if boundary and previous < marker.number <= previous + self.max_gap:
                    markers.append(marker)
                    previous = marker.number
                    boundary = lines[marker.text_line].ends_sentence
                    i = marker.text_line + 1
                    continue
                if boundary and warnings is not None:
                    warnings.append(
                        f"paragraph number {marker.number} after paragraph {previous} is "
                        + (
                            "repeated or out of order"
                            if marker.number <= previous
                            else "too far ahead"
                        )
                        + f"; its text is kept in paragraph {previous}"
                    )
            boundary = line.ends_sentence
            i += 1
        return markers


def _after_dateline(text: str, datelines: tuple[re.Pattern[str], ...]) -> int:
    """Where a line's text begins after an agency dateline (0: no dateline)."""
    dated = next((d.match(text) for d in datelines if d.match(text)), None)
    return dated.end() if dated else 0


def _number(match: re.Match[str] | None) -> int | None:
    return int(match["n"]) if match else None


def _marker(lines: list[Line], index: int, match: re.Match[str]) -> Marker | None:
    """The paragraph a number opens: its text on the same line, or (a number alone on
    its line) on the next line that is not blank; None when no text follows."""
    line = lines[index]
    if match.end() < len(line.text):
        return Marker(index, int(match["n"]), index, line.start + match.end())
    following = next((j for j in range(index + 1, len(lines)) if not lines[j].blank), None)
    if following is None:
        return None
    return Marker(index, int(match["n"]), following, lines[following].start)


def _first_paragraph(
    lines: list[Line], style: re.Pattern[str], datelines: tuple[re.Pattern[str], ...]
) -> Marker | None:
    """Paragraph 1: the first line numbered 1, also after a syndication dateline
    ("SEOUL, Nov. 2 (Agency) -- 1. ..."); a copy that does not number it and sets
    its text after the dateline has it there, when a paragraph 2 follows."""
    after_dateline = None
    for i, line in enumerate(lines):
        dated = next((d.match(line.text) for d in datelines if d.match(line.text)), None)
        match = style.match(line.text, dated.end() if dated else 0)
        number = _number(match)
        opened = _marker(lines, i, match) if match and number == 1 else None
        if opened:
            return opened
        if dated and after_dateline is None and dated.end() < len(line.text):
            after_dateline = Marker(i, 1, i, line.start + dated.end())
        if after_dateline and number == 2:
            return after_dateline
    return None
