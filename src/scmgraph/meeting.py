"""Read the meeting facts of paragraph 1: who met, where and when.

Paragraph 1 of a communiqué follows a fixed genre: "The 52nd ... Security
Consultative Meeting (SCM) was held in Washington, D.C., on October 14, 2020.
<post> <name> and <post> <name> led their respective delegations ... On
<date>, <post>, <rank> <name>, and ... presided over the 45th ... Military
Committee Meeting (MCM)." The parties, posts and ranks come from the registry.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from scmgraph.model import MeetingFacts, Official, Paragraph
from scmgraph.registry import Party, Registry

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Z][a-z]{2,8})\.?"
DATE_PATTERNS = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"),
    re.compile(r"(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>\d{4})"),
)
ORDINAL = re.compile(r"\b(?P<ordinal>\d{1,3})(?:st|nd|rd|th)\s+")
ACRONYM_IN_PARENS = re.compile(r"\((?P<acronym>[^()\s]{2,12})\)")
MEETING_NAME_END = re.compile(
    r"\s(?:was|were|took|in|on|at|from|and|with|between|among)\s|[,;]\s|(?<![A-Z])\.(?:\s|$)|$"
)
HELD = re.compile(r"\b(?:was|were)\s+(?:held|convened)\b|\btook place\b")
PLACE_AFTER_HELD = re.compile(
    r"(?:held|convened|took place)\s+(?:at\s+[^,.;]{1,60}?\s+)?in\s+(?P<city>.+?)"
    r"(?:,?\s+on\s+|,?\s+from\s+|\s*[.;]\s*$|,\s+\d)"
)
LEAD_VERBS = re.compile(
    r",?\s+(?:led|headed|co-chaired|chaired|presided over|co-hosted|hosted|attended)\b"
)
NAME_SUFFIXES = ("Jr.", "Sr.", "II", "III", "IV")


@dataclass(frozen=True)
class _Lexicon:
    """Registry lookups prepared once per document."""

    adjectives: tuple[tuple[str, Party], ...]  # longest first
    posts: tuple[tuple[str, str], ...]  # (title, party) longest first
    ranks: tuple[str, ...]


def _lexicon(registry: Registry) -> _Lexicon:
    adjectives = sorted(
        ((adj, party) for party in registry.parties for adj in (*party.adjectives, *party.names)),
        key=lambda item: -len(item[0]),
    )
    posts = sorted(((p.title, p.party) for p in registry.posts), key=lambda t: -len(t[0]))
    return _Lexicon(tuple(adjectives), tuple(posts), tuple(sorted(registry.ranks, key=len)[::-1]))


def parse_date(text: str) -> dt.date | None:
    """The first calendar date written out in ``text`` ("October 14, 2020", "2 December 2021")."""
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = MONTHS.get(match["month"].lower())
            if month is None:
                continue
            try:
                return dt.date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                continue
    return None


def _series_acronym(name: str, acronym: str | None) -> str:
    if acronym:
        return acronym.strip('"“”')
    words = [w for w in re.findall(r"[A-Za-z][\w-]*", name) if w[0].isupper()]
    return "".join(w[0] for w in words)


def _named_meeting(text: str, lex: _Lexicon) -> tuple[int | None, str] | None:
    """Find "the 45th U.S.-ROK Military Committee Meeting (MCM)" in ``text``.

    Returns the ordinal (None when the text gives none, as for meetings that are
    not numbered) and the series acronym: the last acronym in parentheses that
    is not a party's, or the initials of the capitalised words.
    """
    match = ORDINAL.search(text)
    rest = text[match.end() :] if match else text
    end = MEETING_NAME_END.search(rest)
    span = rest[: end.start()] if end else rest
    party_words = {adjective for adjective, _ in lex.adjectives}
    acronyms = [a for a in ACRONYM_IN_PARENS.finditer(span) if a["acronym"] not in party_words]
    ordinal = int(match["ordinal"]) if match else None
    if acronyms:
        last = acronyms[-1]
        name = span[: last.start()].rsplit(")", 1)[-1]
        return ordinal, _series_acronym(name, last["acronym"])
    if match:
        return ordinal, _series_acronym(span, None)
    return None


def _strip_party(text: str, lex: _Lexicon) -> tuple[str, Party | None]:
    """Remove a leading party adjective ("U.S.", "ROK") and report the party."""
    text = text.strip(" ,")
    for adjective, party in lex.adjectives:
        if text.startswith(adjective + " "):
            return text[len(adjective) :].strip(" ,"), party
    return text, None


def _split_name(text: str, lex: _Lexicon) -> tuple[str | None, str]:
    """Split "General Mark Milley" into rank and name."""
    text = text.strip(" ,")
    for rank in lex.ranks:
        if text.startswith(rank + " "):
            return rank.rstrip("."), text[len(rank) :].strip(" ,")
    return None, text


def _parse_official(chunk: str, lex: _Lexicon) -> Official | None:
    """Read "<party> <post>[,] [<rank>] <name>" into an Official."""
    rest, party = _strip_party(chunk, lex)
    if party is None:
        return None
    post = None
    for title, post_party in lex.posts:
        if post_party == party.code and rest.startswith(title):
            post, rest = title, rest[len(title) :]
            break
    if post is None:
        # Unknown post: the name is the trailing capitalised words (two, plus
        # initials and suffixes); what comes before is the post title.
        tokens = rest.replace(",", " ").split()
        cut = len(tokens)
        taken = 0
        while cut > 0 and taken < 2:
            cut -= 1
            token = tokens[cut]
            if token in NAME_SUFFIXES or re.fullmatch(r"[A-Z]\.", token):
                continue
            taken += 1
        name_tokens = tokens[cut:]
        while cut > 0 and re.fullmatch(r"[A-Z]\.", tokens[cut - 1]):
            cut -= 1
            name_tokens.insert(0, tokens[cut])
        post, rest = " ".join(tokens[:cut]), " ".join(name_tokens)
    rank, name = _split_name(rest, lex)
    if not name or not post:
        return None
    return Official(name=name, post=post, party=party.code, rank=rank)


def _city(place: str, lex: _Lexicon) -> str:
    """ "Seoul, Republic of Korea" -> "Seoul": a trailing country is not the city."""
    parts = [p.strip() for p in place.strip(" ,").split(",")]
    names = {adjective for adjective, _ in lex.adjectives}
    while len(parts) > 1 and re.sub(r"^the\s+", "", parts[-1]) in names:
        parts.pop()
    return ", ".join(parts)


def _parse_officials(subject: str, lex: _Lexicon) -> tuple[Official, ...]:
    """Read a coordinated subject: "<official>, <official>, and <official>".

    Each official starts with a party adjective ("U.S. Secretary of Defense ..."),
    so the list splits before those; commas inside one official ("..., General
    Mark Milley,") do not split it.
    """
    adjectives = "|".join(re.escape(a) for a, _ in lex.adjectives)
    chunks = re.split(rf"(?:,\s+(?:and\s+)?|\s+and\s+)(?=(?:{adjectives})\s)", subject)
    officials = [_parse_official(chunk, lex) for chunk in chunks]
    return tuple(o for o in officials if o is not None)


def _subject_before_lead_verb(sentence: str) -> str | None:
    match = LEAD_VERBS.search(sentence)
    if match is None:
        return None
    subject = sentence[: match.start()]
    # Drop a leading adverbial of time: "On October 13, 2020, ..."
    subject = re.sub(r"^(?:On|In)\s+.*?\d{4},\s*", "", subject)
    return subject


def read_meeting(paragraph: Paragraph, registry: Registry) -> MeetingFacts | None:
    """The meeting facts of paragraph 1, or None when it does not read as such."""
    lex = _lexicon(registry)
    series = ordinal = date = city = None
    heads: tuple[Official, ...] = ()
    associated: list[MeetingFacts] = []
    for sentence in paragraph.sentences:
        text = sentence.text
        named = _named_meeting(text, lex)
        if series is None and named and HELD.search(text):
            ordinal, series = named
            date = parse_date(text)
            place = PLACE_AFTER_HELD.search(text)
            city = _city(place["city"], lex) if place else None
            continue
        subject = _subject_before_lead_verb(text)
        if subject is None:
            continue
        officials = _parse_officials(subject, lex)
        if not officials:
            continue
        other = _named_meeting(text[len(subject) :], lex)
        if other and other[1] != series:
            associated.append(
                MeetingFacts(
                    series=other[1],
                    ordinal=other[0],
                    date=parse_date(text),
                    city=None,
                    heads=officials,
                )
            )
        elif not heads:
            heads = officials
    if series is None:
        return None
    return MeetingFacts(
        series=series,
        ordinal=ordinal,
        date=date,
        city=city,
        heads=heads,
        associated=tuple(associated),
    )
