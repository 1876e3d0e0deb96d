"""Candidates of paragraph 1: what each sentence names, and where.

A sentence of paragraph 1 is read as a row of typed spans — parties, posts,
ranks, names, series mentions with their ordinals, dates, places and cue verbs —
found independently of one another. `meeting` then pairs posts with names and
assigns everything to the meetings by constraints; no pattern here describes a
whole sentence.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz
from text_to_num import alpha2digit

from scmgraph.registry.load import Party, Registry
from scmgraph.registry.patterns import compiled
from scmgraph.registry.posts import MeetingCues, Post

# Month names and their abbreviations (English, as the genre writes them) -> number.
MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
_MONTH = r"(?P<month>[A-Z][a-z]{2,8})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
# a meeting of several days: "November 3-4, 1993", "May 9 and 10, 1984", "from June 7
# to 9, 1988"
_FIRST_DAY = r"(?:\d{1,2}(?:\s*[-–]\s*|\s+(?:and|to|through)\s+))?"
DATE_PATTERNS = (
    re.compile(_MONTH + r"\s+" + _FIRST_DAY + _DAY + r",?\s+(?P<year>\d{4})"),
    re.compile(_FIRST_DAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>\d{4})"),
)
# "on Oct. 27", "On 21 October": a day of the year the other meeting of paragraph 1
# is dated in.
DAYS_OF_YEAR = (
    re.compile(r"\b[Oo]n\s+" + _MONTH + r"\s+" + _DAY + r"\b(?!,?\s*\d{4})"),
    re.compile(r"\b[Oo]n\s+" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?![\w.]*,?\s*\d{4})"),
)
ORDINAL = re.compile(r"(?<![\w.])(?P<number>\d+)\s*(?:st|nd|rd|th)\b")
NAME_TOKEN = r"(?:[A-Z][a-z]?\.|[A-Z][\w'’]*(?:-[\w'’]+)*)"
ACRONYM_IN_PARENS = re.compile(r"\((?P<acronym>[A-Z][A-Za-z.&+]{1,11})\)")


@dataclass(frozen=True)
class Span:
    """One candidate: its kind, where it lies in the sentence, and what it means."""

    kind: str  # party, post, rank, name, series, date, place, verb
    begin: int
    end: int
    text: str
    party: str | None = None  # party, post (a party written inside the post)
    post: Post | None = None
    plural: bool = False
    typo: bool = False
    short: bool = False  # a short form ("Secretary"): pairs only with a name right after it
    series: str | None = None
    ordinal: int | None = None
    date: dt.date | None = None
    shift: int | None = None  # a date this many days from the other meeting's
    day: tuple[int, int] | None = None  # a month and day in the other meeting's year


def parse_dates(text: str) -> list[tuple[int, int, dt.date]]:
    """Every calendar date written out in ``text``, with its offsets."""
    found = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = MONTHS.get(match["month"].lower())
            if month is None:
                continue
            try:
                date = dt.date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                continue
            found.append((match.start(), match.end(), date))
    return sorted(found, key=lambda item: item[0])


def parse_date(text: str) -> dt.date | None:
    """The first calendar date written out in ``text`` ("October 14, 2020", "2 December 2021")."""
    found = parse_dates(text)
    return found[0][2] if found else None


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _plural(title: str) -> str:
    """ "Chairman of ..." -> "Chairmen of ...": the plural of the head word."""
    head, _, rest = title.partition(" ")
    if head.endswith("man"):
        head = head[:-3] + "men"
    elif head.endswith("y"):
        head = head[:-1] + "ies"
    else:
        head += "s"
    return f"{head} {rest}".strip()


class Lexicon:
    """Registry knowledge compiled into the patterns that find candidates."""

    def __init__(self, registry: Registry) -> None:
        if registry.meeting_cues is None:
            raise ValueError("the registry has no meeting cues (data/meeting.yaml)")
        self.registry = registry
        self.cues: MeetingCues = registry.meeting_cues
        self.party_of: dict[str, Party] = {}
        for party in registry.parties:
            for form in (*party.names, *party.adjectives, party.acronym or ""):
                if form:
                    self.party_of.setdefault(form, party)

    @cached_property
    def party_pattern(self) -> re.Pattern[str]:
        forms = _alternation(list(self.party_of))
        return compiled(
            rf"(?<![\w.])(?:the\s+)?(?P<form>{forms})(?:\s*\((?P<acronym>{forms})\))?(?![\w])"
        )

    @cached_property
    def post_patterns(self) -> list[tuple[re.Pattern[str], Post, str, bool]]:
        """(pattern, post, name, plural), longest names first."""
        adjectives = _alternation(list(self.party_of))
        joiner = rf"\s+(?:(?:{adjectives})\s+)?"
        found = []
        for post in self.registry.posts:
            for title in post.titles:
                for form, plural in ((title, False), (_plural(title), True)):
                    words = [re.escape(w) for w in form.split()]
                    pattern = compiled(r"(?<![\w])" + joiner.join(words) + r"(?![\w])")
                    found.append((pattern, post, title, plural))
        return sorted(found, key=lambda item: -len(item[2]))

    @cached_property
    def known_names(self) -> frozenset[str]:
        """Names the registry gives other things: never a misspelt post."""
        return frozenset(n for e in self.registry.entities for n in (e.name, *e.aliases))

    @cached_property
    def short_posts(self) -> list[tuple[re.Pattern[str], Post]]:
        """ "Secretary Robert M. Gates": a short form that belongs to one post only."""
        owners: dict[str, list[Post]] = {}
        for post in self.registry.posts:
            for short in post.short:
                owners.setdefault(short, []).append(post)
        return [
            (compiled(rf"(?<![\w]){re.escape(short)}(?=\s+[A-Z])"), posts[0])
            for short, posts in sorted(owners.items(), key=lambda item: -len(item[0]))
            if len(posts) == 1
        ]

    @cached_property
    def rank_pattern(self) -> re.Pattern[str]:
        ranks = _alternation(list(self.registry.ranks))
        return compiled(rf"(?<![\w.])(?:{ranks})(?=\s+[A-Z])")

    @cached_property
    def series_patterns(self) -> list[tuple[re.Pattern[str], str]]:
        found = []
        for series in self.registry.series:
            acronym = re.escape(series.acronym)
            for name in series.names:
                words = r"\s+".join(re.escape(w) for w in name.split())
                found.append(
                    (compiled(rf"(?<![\w]){words}(?:\s*\({acronym}\))?(?![\w])"), series.acronym)
                )
            found.append((compiled(rf"(?<![\w-]){acronym}(?![\w-])"), series.acronym))
        return found

    @cached_property
    def honorific_pattern(self) -> re.Pattern[str] | None:
        if not self.cues.honorifics:
            return None
        return compiled(rf"(?<![\w.])(?:{_alternation(list(self.cues.honorifics))})(?=\s+[A-Z])")

    @cached_property
    def relative_days(self) -> dict[str, int]:
        """ "the previous day" -> -1: phrases that date a meeting from the other one."""
        return {phrase.lower(): days for phrase, days in self.cues.relative_days}

    @cached_property
    def relative_pattern(self) -> re.Pattern[str] | None:
        if not self.relative_days:
            return None
        phrases = _alternation(list(self.relative_days))
        return compiled(rf"(?i)(?<![\w-])(?:{phrases})(?![\w-])")

    def verb_pattern(self, verbs: tuple[str, ...]) -> re.Pattern[str]:
        return compiled(rf"(?<![\w-])(?:{_alternation(list(verbs))})(?![\w-])")

    @cached_property
    def name_pattern(self) -> re.Pattern[str]:
        suffixes = _alternation(list(self.cues.name_suffixes))
        return compiled(rf"{NAME_TOKEN}(?:\s+{NAME_TOKEN})*(?:,?\s+(?:{suffixes})(?![\w]))?")


def _free(taken: list[Span], begin: int, end: int) -> bool:
    return all(end <= s.begin or begin >= s.end for s in taken)


def _fuzzy_posts(text: str, lex: Lexicon, taken: list[Span]) -> list[Span]:
    """Posts written with a typo ("Minster of National Defense"), scored by rapidfuzz."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"[^\s,;()]+", text)]
    found: list[Span] = []
    for post in lex.registry.posts:
        for title in post.titles:
            width = len(title.split())
            if width < lex.cues.typo_min_words:
                continue
            for i in range(len(tokens) - width + 1):
                begin, end = tokens[i][0], tokens[i + width - 1][1]
                window = text[begin:end]
                if not window[0].isupper() or window == title or window in lex.known_names:
                    continue
                if not _free([*taken, *found], begin, end):
                    continue
                if fuzz.ratio(window, title) >= lex.cues.typo_score:
                    found.append(Span("post", begin, end, window, post=post, typo=True))
    return found


def _ordinal_before(text: str, begin: int, lex: Lexicon, loose: bool) -> int | None:
    """The ordinal of a series mention: "47th" with only party names between."""
    fillers = {w.lower() for w in lex.cues.ordinal_fillers}
    for match in reversed(list(ORDINAL.finditer(text, 0, begin))):
        gap = lex.party_pattern.sub(" ", text[match.end() : begin])
        gap = re.sub(r"\([^()]*\)", " ", gap)
        words = [w for w in re.split(r"[\s\-–—/]+", gap) if w]
        if all(w.lower() in fillers or (loose and w[0].isupper()) for w in words):
            return int(match["number"])
        return None
    return None


def plain_sentence(text: str, lex: Lexicon) -> str:
    """A sentence of paragraph 1 as its spans are read: ordinals spelled out written
    in figures ("the Twenty-Third Annual SCM" -> "the 23rd Annual SCM", text2num), and
    courtesy titles ("The Honorable", "His Excellency") blanked out, so that neither
    a name nor a gap between candidates holds them."""
    text = alpha2digit(text, "en")
    if lex.honorific_pattern is not None:
        text = lex.honorific_pattern.sub(lambda m: " " * len(m[0]), text)
    return text


def find_spans(text: str, lex: Lexicon) -> list[Span]:
    """Every candidate in one sentence, in text order, none overlapping another."""
    spans: list[Span] = []
    for begin, end, date in parse_dates(text):
        if _free(spans, begin, end):
            spans.append(Span("date", begin, end, text[begin:end], date=date))
    spans.extend(_relative_dates(text, lex, spans))
    for pattern, acronym in lex.series_patterns:
        for m in pattern.finditer(text):
            if _free(spans, m.start(), m.end()):
                ordinal = _ordinal_before(text, m.start(), lex, loose=False)
                spans.append(
                    Span("series", m.start(), m.end(), m[0], series=acronym, ordinal=ordinal)
                )
    for pattern, post, _title, plural in lex.post_patterns:
        for m in pattern.finditer(text):
            if _free(spans, m.start(), m.end()):
                inner = lex.party_pattern.search(m[0])
                party = lex.party_of[inner["form"]].code if inner else None
                spans.append(
                    Span("post", m.start(), m.end(), m[0], party=party, post=post, plural=plural)
                )
    spans.extend(_fuzzy_posts(text, lex, spans))
    for pattern, post in lex.short_posts:
        for m in pattern.finditer(text):
            if _free(spans, m.start(), m.end()):
                spans.append(Span("post", m.start(), m.end(), m[0], post=post, short=True))
    for m in lex.party_pattern.finditer(text):
        if _free(spans, m.start(), m.end()):
            code = lex.party_of[m["form"]].code
            spans.append(Span("party", m.start(), m.end(), m[0], party=code))
    for m in lex.rank_pattern.finditer(text):
        if _free(spans, m.start(), m.end()):
            spans.append(Span("rank", m.start(), m.end(), m[0]))
    for kind, verbs in (("meet", lex.cues.meeting_verbs), ("lead", lex.cues.lead_verbs)):
        for m in lex.verb_pattern(verbs).finditer(text):
            if _free(spans, m.start(), m.end()):
                spans.append(Span(kind, m.start(), m.end(), m[0]))
    spans.sort(key=lambda s: s.begin)
    spans.extend(_names(text, spans, lex))
    spans.sort(key=lambda s: s.begin)
    return spans


def _relative_dates(text: str, lex: Lexicon, taken: list[Span]) -> list[Span]:
    """Dates that need the other meeting's: "the previous day", "on Oct. 27"."""
    found: list[Span] = []
    if lex.relative_pattern is not None:
        for m in lex.relative_pattern.finditer(text):
            if _free([*taken, *found], m.start(), m.end()):
                shift = lex.relative_days[m[0].lower()]
                found.append(Span("date", m.start(), m.end(), m[0], shift=shift))
    for pattern in DAYS_OF_YEAR:
        for m in pattern.finditer(text):
            month = MONTHS.get(m["month"].lower())
            if month is not None and _free([*taken, *found], m.start(), m.end()):
                found.append(Span("date", m.start(), m.end(), m[0], day=(month, int(m["day"]))))
    return found


def _names(text: str, spans: list[Span], lex: Lexicon) -> list[Span]:
    """Capitalised runs outside every other candidate: names, places, words."""
    found = []
    edges = [0, *(x for s in spans for x in (s.begin, s.end)), len(text)]
    for begin, end in zip(edges[::2], edges[1::2], strict=True):
        for m in lex.name_pattern.finditer(text, begin, end):
            name = m[0].rstrip(",")
            if name.endswith(".") and not re.search(rf"{NAME_TOKEN}\.$", name):
                name = name[:-1]
            found.append(Span("name", m.start(), m.start() + len(name), name))
    return found


def unknown_series(text: str, lex: Lexicon) -> list[Span]:
    """A meeting the registry does not know, named with its acronym: "... (SCC)"."""
    found = []
    for m in ACRONYM_IN_PARENS.finditer(text):
        if m["acronym"] in lex.party_of:
            continue
        ordinal = _ordinal_before(text, m.start(), lex, loose=True)
        found.append(Span("series", m.start(), m.end(), m[0], series=m["acronym"], ordinal=ordinal))
    return found
