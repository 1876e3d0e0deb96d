"""Undo the layout of a publication form while keeping every character's source span.

A communiqué copied out of a PDF report is hard-wrapped, hyphenates words across
lines, repeats the report's running header and page number on every page (between
paragraphs and inside them) and may set an ordinal suffix on the line after its
number. The reader looks for paragraphs and sentences in a *view* of the file; the
rules here only ever drop characters from that view, so each character kept still
carries the exact span of the file it came from and sentence offsets stay true.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scmgraph.read.language import Script
from scmgraph.read.numbering import Numbering
from scmgraph.registry.files import default_data_dir, read_data
from scmgraph.registry.patterns import compiled

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTENT = re.compile(r"[^\s\ufeff](?:.*[^\s\ufeff])?")  # a line without its edges
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_SPLIT_WORD = re.compile(r"(?<![A-Za-z])([A-Za-z]+)-$")  # "Secre-" at a line end
_COMPOUND = re.compile(r"[A-Za-z0-9]-$")  # "ROK-" / "Hwasong-" at a line end
_NUMBER_AT_END = re.compile(r"(?<![\S])(\d{1,4})$")
_HYPHENATED = re.compile(r"(?<![A-Za-z])[A-Za-z]+-[A-Za-z]+")
_DIGITS = re.compile(r"\d+")
_SPACED_SUFFIX = re.compile(r"(?<![\w.,])(\d{1,4})([ \t\u00a0]+)(st|nd|rd|th)\b")
_PROSE = re.compile(r"[.!?;:,]\s")  # a sentence or clause going on within the line
# A line of prose carried over a page break: opening in lower case, or breaking a
# word at its end ("energy assistance to North Korea ... of denucleari-").
_RUN_ON = re.compile(r"^\s*[a-z]|[A-Za-z]-$")


@dataclass(frozen=True)
class View:
    """Plain text of a file, with the source span each character came from."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    @classmethod
    def plain(cls, text: str) -> View:
        """Plain text is its own view: character i comes from offset i."""
        return cls(text, range(len(text)), range(1, len(text) + 1))

    def without(self, spans: list[tuple[int, int]]) -> View:
        """The view with the characters of ``spans`` dropped; the rest keep their spans."""
        if not spans:
            return self
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for begin, end in sorted(spans):
            begin = max(begin, position)
            chars.append(self.text[position:begin])
            starts.extend(self.starts[position:begin])
            ends.extend(self.ends[position:begin])
            position = max(position, end)
        chars.append(self.text[position:])
        starts.extend(self.starts[position:])
        ends.extend(self.ends[position:])
        return View("".join(chars), starts, ends)


@dataclass(frozen=True)
class LayoutRules:
    """Curated layout cues (data/reader/layout.yaml)."""

    page_numbers: tuple[re.Pattern[str], ...]
    page_headers: tuple[re.Pattern[str], ...]
    header_max_words: int
    header_max_chars: int
    header_min_repeats: int
    suffixes: dict[str, str]
    unread_scripts: tuple[Script, ...]
    datelines: tuple[re.Pattern[str], ...]
    end_marks: tuple[re.Pattern[str], ...]
    numbering: Numbering
    bullet: re.Pattern[str] | None

    def is_page_number(self, line: str) -> bool:
        return any(p.fullmatch(line) for p in self.page_numbers)

    def suffix_of(self, number: str) -> str:
        """The ordinal suffix a number takes ("52" → "nd", "12" → "th")."""
        if len(number) > 1 and number[-2] == "1":
            return self.suffixes["teens"]
        return self.suffixes.get(number[-1], self.suffixes["other"])


def load_layout_rules(path: Path | None = None) -> LayoutRules:
    """Read the layout cues; called per document so edits apply at once."""
    path = path or default_data_dir() / "reader" / "layout.yaml"
    data: dict[str, Any] = read_data(path)
    header = data.get("running_header") or {}
    return LayoutRules(
        page_numbers=tuple(
            compiled(str(p), re.IGNORECASE) for p in data.get("page_number_patterns") or ()
        ),
        page_headers=tuple(
            compiled(str(p), re.IGNORECASE) for p in data.get("page_header_patterns") or ()
        ),
        header_max_words=int(header.get("max_words", 12)),
        header_max_chars=int(header.get("max_chars", 160)),
        header_min_repeats=int(header.get("min_repeats", 2)),
        suffixes={str(k): str(v) for k, v in (data.get("ordinal_suffixes") or {}).items()},
        unread_scripts=tuple(
            Script(
                str(s["name"]),
                tuple((int(low), int(high)) for low, high in s["ranges"]),
                float(s["min_share"]),
            )
            for s in data.get("unread_scripts") or ()
        ),
        datelines=tuple(compiled(str(p)) for p in data.get("dateline_patterns") or ()),
        end_marks=tuple(
            compiled(rf"(?:{p})(?=[ \t]*(?:\r|\n|\Z))") for p in data.get("end_marks") or ()
        ),
        numbering=Numbering.from_data(data.get("paragraph_numbers") or {}),
        bullet=(
            compiled(rf"(?:{data['list_bullets']})[ \t\u00a0]+(?=\S)")
            if data.get("list_bullets")
            else None
        ),
    )


def normalise(view: View, rules: LayoutRules, abbreviations: tuple[str, ...] = ()) -> View:
    """Drop page furniture, then join the words and numbers a line break split.

    ``abbreviations`` ("U.S.", "Jr.") end a line without ending its sentence.
    """
    view = _drop_furniture(_cut_at_end_mark(view, rules), rules, abbreviations)
    return _drop_bullets(_join_split_lines(view, rules), rules)


def _drop_bullets(view: View, rules: LayoutRules) -> View:
    """Drop the bullet that opens a list item's line ("- adjust …;") below paragraph 1:
    the list continues the sentence, and the bullet is no part of it."""
    if rules.bullet is None:
        return view
    lines = _lines(view.text)
    first = rules.numbering.first_line([line.text for line in lines], rules.datelines)
    if first is None:
        return view
    spans = []
    for line in lines[first + 1 :]:
        found = rules.bullet.match(line.text)
        if found:
            spans.append((line.begin, line.begin + found.end()))
    return view.without(spans)


def _cut_at_end_mark(view: View, rules: LayoutRules) -> View:
    """Drop an agency copy's end mark ("(END)") and everything after it.

    The mark counts at the end of a line after paragraph 1 has opened, also when it
    is glued to the last sentence.
    """
    lines = _lines(view.text)
    first = rules.numbering.first_line([line.text for line in lines], rules.datelines)
    if first is None:
        return view
    for mark in rules.end_marks:
        found = mark.search(view.text, lines[first].begin)
        if found:
            return view.without([(found.start(), len(view.text))])
    return view


# --- lines ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """A line of the view: its content (without edges) and where the next line starts."""

    begin: int
    end: int
    next: int
    text: str


def _lines(text: str) -> list[_Line]:
    breaks = list(_LINE_BREAK.finditer(text))
    starts = [0, *(m.end() for m in breaks)]
    stops = [*(m.start() for m in breaks), len(text)]
    lines = []
    for start, stop, following in zip(starts, stops, [*starts[1:], len(text)], strict=True):
        found = _CONTENT.search(text, start, stop)
        if found:
            lines.append(_Line(found.start(), found.end(), following, found.group()))
        else:
            lines.append(_Line(start, start, following, ""))
    return lines


# --- page furniture --------------------------------------------------------------


def _furniture(lines: list[_Line], rules: LayoutRules) -> list[bool]:
    """Which lines are page numbers or running headers and footers.

    A header shown only once must sit right against its page number (no blank line
    between) without punctuation that runs a sentence on, below paragraph 1's
    opening: above it, such a line may be the document's own heading, and after a
    page break the first line of text may be short ("... (MCM). The 47").
    """
    page = _page_numbers(lines, rules)
    texts = [line.text for line in lines]
    style = rules.numbering.style_of(texts, rules.datelines)

    def candidate(i: int) -> bool:
        text = lines[i].text
        return (
            bool(text)
            and not page[i]
            and any(c.isalpha() for c in text)
            and len(text) <= rules.header_max_chars
            and len(text.split()) <= rules.header_max_words
            and not _SENTENCE_END.search(text)
            and not rules.numbering.opens(text, style)
        )

    keys: Counter[str] = Counter()
    forms: defaultdict[str, set[str]] = defaultdict(set)
    for i, line in enumerate(lines):
        if candidate(i):
            key = _DIGITS.sub("#", line.text)
            keys[key] += 1
            forms[key].add(line.text)

    def beside_page_number(i: int, across_blanks: bool = True) -> bool:
        for step in (-1, 1):
            j = i + step
            while across_blanks and 0 <= j < len(lines) and not lines[j].text:
                j += step
            if 0 <= j < len(lines) and page[j]:
                return True
        return False

    opening = rules.numbering.first_line(texts, rules.datelines)
    opening = len(lines) if opening is None else opening
    furniture = list(page)
    for i, line in enumerate(lines):
        if not candidate(i):
            continue
        key = _DIGITS.sub("#", line.text)
        repeated = keys[key] >= rules.header_min_repeats
        once = (  # a header shown once: against its page number, no prose in it
            i > opening
            and beside_page_number(i, across_blanks=False)
            and not _PROSE.search(line.text)
            and not _RUN_ON.search(line.text)
        )
        furniture[i] = (
            (repeated and len(forms[key]) > 1)  # the same line, page after page
            or (repeated and beside_page_number(i))  # the same title by each page number
            or once
            or any(p.fullmatch(line.text) for p in rules.page_headers)  # "Title | 213"
        )
    return furniture


def _page_numbers(lines: list[_Line], rules: LayoutRules) -> list[bool]:
    """Lines that number pages: set apart by a blank line, or one of a running count.

    A number wrapped onto a line of its own inside a sentence ("met in" / "2030" /
    "in Seoul") is neither, so it stays text.
    """
    numbers = {
        i: int(_DIGITS.findall(line.text)[0])
        for i, line in enumerate(lines)
        if line.text and rules.is_page_number(line.text)
    }
    values = set(numbers.values())
    page = [False] * len(lines)
    for i, value in numbers.items():
        apart = any(j < 0 or j >= len(lines) or not lines[j].text for j in (i - 1, i + 1))
        page[i] = apart or value - 1 in values or value + 1 in values
    return page


def _drop_furniture(view: View, rules: LayoutRules, abbreviations: tuple[str, ...]) -> View:
    """Remove page numbers and running headers.

    Where a paragraph runs on across the page break (the line before does not end
    a sentence, or the line after starts in lower case), the lines on either side
    are joined as if the page had not broken; elsewhere the furniture becomes blank.
    """
    lines = _lines(view.text)
    furniture = _furniture(lines, rules)
    style = rules.numbering.style_of([line.text for line in lines], rules.datelines)

    def opens(text: str) -> bool:
        return rules.numbering.opens(text, style)

    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not furniture[i]:
            i += 1
            continue
        first = i
        while first > 0 and not lines[first - 1].text:
            first -= 1
        last = i
        while last + 1 < len(lines) and (furniture[last + 1] or not lines[last + 1].text):
            last += 1
        before = lines[first - 1] if first > 0 else None
        after = lines[last + 1] if last + 1 < len(lines) else None
        if before and after and _runs_on(before.text, after.text, abbreviations, opens):
            spans.append((before.next, lines[last].next))
        else:
            spans.extend((lines[k].begin, lines[k].end) for k in range(i, last + 1) if furniture[k])
        i = last + 1
    return view.without(spans)


def _runs_on(
    before: str, after: str, abbreviations: tuple[str, ...], opens: Callable[[str], bool]
) -> bool:
    """Whether the text after a page break continues the sentence before it.

    It does unless the line before ends a sentence: a full stop after an initial
    ("Lloyd J."), an abbreviation ("(U.S.)", "Korea-U.S.", "Jr.") ends no sentence.
    """
    if opens(after):
        return False
    if after[:1].islower() or not _SENTENCE_END.search(before):
        return True
    word = before.rsplit(maxsplit=1)[-1].rstrip("\"'”’)]")
    initial = re.search(r"(?:^|[^A-Za-z])[A-Z]\.$", word) is not None
    return initial or "." in word[:-1] or any(word.endswith(a) for a in abbreviations)


# --- split words and numbers -------------------------------------------------------


def _join_split_lines(view: View, rules: LayoutRules) -> View:
    """Join a word hyphenated across lines and an ordinal suffix set apart.

    "Secre-" + "tary" → "Secretary" when the next line starts in lower case, unless
    the document writes the hyphenated compound elsewhere ("cost-" + "sharing");
    "ROK-" + "U.S." keeps its hyphen and loses only the line break; "52" + "nd" → "52nd",
    on the next line or after a space.
    """
    lines = _lines(view.text)
    compounds = {m.group().casefold() for m in _HYPHENATED.finditer(view.text)}
    spans: list[tuple[int, int]] = []
    for line, following in itertools.pairwise(lines):
        if not line.text or not following.text:
            continue
        gap = (line.end, following.begin)
        split = _SPLIT_WORD.search(line.text)
        if split and following.text[0].islower():
            rest = re.match(r"[a-z]+", following.text)
            compound = f"{split.group(1)}-{rest.group() if rest else ''}".casefold()
            spans.append(gap if compound in compounds else (line.end - 1, following.begin))
        elif _COMPOUND.search(line.text) and (
            following.text[0].isupper() or following.text[0].isdigit()
        ):
            spans.append(gap)
        else:
            number = _NUMBER_AT_END.search(line.text)
            if number and re.match(rf"{rules.suffix_of(number.group(1))}\b", following.text):
                spans.append(gap)
    for found in _SPACED_SUFFIX.finditer(view.text):  # "52 nd": a raised suffix set apart
        if found.group(3) == rules.suffix_of(found.group(1)):
            spans.append(found.span(2))
    return view.without(spans)
