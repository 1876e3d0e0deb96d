"""Read the meeting facts of paragraph 1: who met, where and when.

Paragraph 1 of a communiqué reports the meeting in many shapes ("The 52nd ...
SCM was held in Washington, D.C., on ...", "Seoul hosted the 47th SCM ...",
"Minister X hosted Secretary Y for the 56th SCM ...") and often the Military
Committee Meeting held alongside it. It is read in two steps: `meeting_spans`
finds candidates in each sentence (series mentions with ordinals, dates, places,
posts, ranks, names), then posts are paired with names in either order and every
candidate is assigned to a meeting by constraints: each meeting gets its own
ordinal, date and heads; a head whose post heads a series (data/registry/
series.yaml) belongs to that series' meeting; otherwise candidates go to the
nearest meeting named in their sentence.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from scmgraph.extract.meeting_officials import Head, find_heads
from scmgraph.extract.meeting_spans import (
    MONTHS,
    Lexicon,
    Span,
    find_spans,
    parse_date,
    plain_sentence,
    unknown_series,
)
from scmgraph.model import MeetingFacts, Official, Paragraph
from scmgraph.registry.load import Registry, name_key

__all__ = ["MONTHS", "parse_date", "read_meeting"]

_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w'’-]*)"
CITY = rf"{_WORD}(?:\s+{_WORD})*(?:,\s*(?:[A-Z]\.){{2,}})?"
PLACE = re.compile(rf"\bin\s+(?P<place>{CITY})")
# "held at the Pentagon, Washington, D.C.": a venue, then its city.
VENUE = re.compile(rf"\bat\s+(?:the\s+)?{CITY},\s+(?P<place>{CITY})")


@dataclass(frozen=True)
class _Sentence:
    index: int
    text: str
    spans: list[Span]


@dataclass(frozen=True)
class _Anchor:
    """A mention that names one of the meetings reported."""

    sentence: int
    span: Span


def _distance(a: Span, b: Span) -> int:
    return max(0, b.begin - a.end, a.begin - b.end)


def _best_match(
    left: Sequence[Span], right: Sequence[Span], most: int = 6
) -> list[tuple[int, int]]:
    """Pair two short lists of spans one to one, nearest in the text overall.

    Only the first ``most`` of each list are paired, which bounds the search.
    """
    left, right = left[:most], right[:most]
    if len(left) > len(right):
        return [(i, j) for j, i in _best_match(right, left, most)]
    best: list[tuple[int, int]] = []
    best_cost: int | None = None
    for chosen in itertools.permutations(range(len(right)), len(left)):
        pairs = list(enumerate(chosen))
        total = sum(_distance(left[i], right[j]) for i, j in pairs)
        if best_cost is None or total < best_cost:
            best, best_cost = pairs, total
    return best


def _anchors(
    sentences: list[_Sentence], lex: Lexicon
) -> tuple[str | None, dict[str, list[_Anchor]]]:
    """The reported series and, per series, the mentions that name its meeting.

    A mention without an ordinal only names the meeting when the paragraph gives
    that series no ordinal at all; otherwise it refers back ("the day before the
    SCM"). A series the registry does not know counts only when no known one is
    reported, and only when its sentence says the meeting took place.
    """
    mentions = [(s.index, span) for s in sentences for span in s.spans if span.kind == "series"]
    reported = [x.acronym for x in lex.registry.series if x.reported]
    main = next((span.series for _, span in mentions if span.series in reported), None)
    if main is None:
        for s in sentences:
            if any(span.kind == "meet" for span in s.spans):
                found = unknown_series(s.text, lex)
                if found:
                    mentions.append((s.index, found[0]))
                    main = found[0].series
                    break
    if main is None:
        return None, {}
    anchors: dict[str, list[_Anchor]] = {}
    for series in dict.fromkeys(span.series for _, span in mentions):
        own = [(i, span) for i, span in mentions if span.series == series]
        numbered = [(i, span) for i, span in own if span.ordinal is not None]
        # another ordinal of the series names another meeting ("one year after the 36th
        # SCM met in Washington"), not the one reported
        numbered = [(i, span) for i, span in numbered if span.ordinal == numbered[0][1].ordinal]
        if series != main and not numbered:
            own = [(i, span) for i, span in own if _reports_a_meeting(sentences[i], main)]
            if not own:
                continue
        chosen = numbered or own
        anchors[str(series)] = [_Anchor(i, span) for i, span in chosen]
    return main, anchors


def _reports_a_meeting(sentence: _Sentence, main: str) -> bool:
    """An unnumbered meeting held alongside ("The ROK-U.S. MCM was held on DATE
    with ..."): its sentence says it took place, when, and leaves the reported
    meeting out, so a passing reference ("following the MCM") is no meeting."""
    kinds = {span.kind for span in sentence.spans}
    names_main = any(span.kind == "series" and span.series == main for span in sentence.spans)
    return "date" in kinds and bool(kinds & {"meet", "lead"}) and not names_main


def _dates(
    sentences: list[_Sentence], anchors: dict[str, list[_Anchor]], main: str
) -> dict[str, dt.date]:
    """Each meeting's date: the dates of a sentence go to the meetings it names. A
    date written from the other meeting's ("the previous day", "on Oct. 27") is
    resolved once that one is dated."""
    dated: dict[str, dt.date] = {}
    relative: dict[str, Span] = {}
    loose: list[dt.date] = []
    for s in sentences:
        dates = [span for span in s.spans if span.kind == "date"]
        here = {
            series: next(a.span for a in found if a.sentence == s.index)
            for series, found in anchors.items()
            if series not in dated and any(a.sentence == s.index for a in found)
        }
        if not here:
            loose.extend(d.date for d in dates if d.date)
            continue
        names = list(here)
        for i, j in _best_match([here[n] for n in names], dates):
            if dates[j].date:
                dated[names[i]] = dates[j].date
            else:
                relative.setdefault(names[i], dates[j])
    if main not in dated and main not in relative and loose:
        dated[main] = loose[0]
    for series, span in relative.items():
        others = [date for name, date in dated.items() if name != series]
        reference = dated.get(main) if series != main else None
        reference = reference or (others[0] if others else None)
        if series in dated or reference is None:
            continue
        if span.shift is not None:
            dated[series] = reference + dt.timedelta(days=span.shift)
        elif span.day is not None:
            with contextlib.suppress(ValueError):  # "on Feb. 29" in a year without one
                dated[series] = dt.date(reference.year, *span.day)
    return dated


def _city(
    sentences: list[_Sentence], anchors: dict[str, list[_Anchor]], main: str, lex: Lexicon
) -> str | None:
    """The reported meeting's city: the place nearest to its mention."""
    best: tuple[tuple[int, int], str] | None = None
    main_anchors = anchors.get(main, [])
    for s in sentences:
        places = _places(s, lex)
        for place in places:
            near = [_distance(a.span, place) for a in main_anchors if a.sentence == s.index]
            others = any(
                a.sentence == s.index for x, found in anchors.items() if x != main for a in found
            )
            key = (0, min(near)) if near else (2 if others else 1, place.begin)
            if best is None or key < best[0]:
                best = (key, place.text)
    return best[1] if best else None


def _places(sentence: _Sentence, lex: Lexicon) -> list[Span]:
    """ "in Seoul", "at the Pentagon in Washington, D.C.", "Seoul hosted the ..."."""
    taken = [s for s in sentence.spans if s.kind not in ("name", "rank")]
    found = []
    for m in itertools.chain(PLACE.finditer(sentence.text), VENUE.finditer(sentence.text)):
        begin, end = m.start("place"), m.end("place")
        words = m["place"].split()
        if words[0].lower().rstrip(".") in MONTHS or words[0] in lex.party_of:
            continue
        if any(begin < s.end and s.begin < end for s in taken):
            continue
        found.append(Span("place", begin, end, m["place"]))
    verbs = "|".join(re.escape(v) for v in lex.cues.place_verbs)
    for m in re.finditer(rf"(?:^|,\s+)(?P<place>{CITY})\s+(?:{verbs})\s", sentence.text):
        begin, end = m.start("place"), m.end("place")
        follow = next((s for s in sentence.spans if s.begin >= m.end()), None)
        if any(begin < s.end and s.begin < end for s in taken):
            continue
        if follow is not None and follow.kind in ("series", "party"):
            found.append(Span("place", begin, end, m["place"]))
    return found


def _same_person(new: Head, known: Head) -> bool:
    """ "Secretary Austin" after "Secretary of Defense Lloyd J. Austin III"."""
    if name_key(new.name) == name_key(known.name):
        return True
    same_post = (
        new.post is None
        or known.post is None
        or bool(set(new.post.titles) & set(known.post.titles))
    )
    return same_post and set(new.name.split()) <= set(known.name.split())


def _assign_heads(
    heads: list[Head], anchors: dict[str, list[_Anchor]], main: str, lex: Lexicon
) -> dict[str, list[Head]]:
    """Each head to a meeting: by the series its post heads, else the nearest mention.

    A series whose heads' posts the registry lists takes no one else as a head.
    """
    by_post = {
        title: x.acronym for x in lex.registry.series if x.acronym in anchors for title in x.heads
    }
    headed_by = {x.acronym: set(x.heads) for x in lex.registry.series if x.heads}
    result: dict[str, list[Head]] = {series: [] for series in anchors}
    for head in heads:
        series = None
        if head.post is not None:
            series = next((by_post[t] for t in head.post.titles if t in by_post), None)
        if series is None:
            near = [
                (_distance(a.span, head.span), name)
                for name, found in anchors.items()
                for a in found
                if a.sentence == head.sentence
            ]
            series = min(near)[1] if near else main
        listed = headed_by.get(series)
        if listed and head.post is not None and not listed & set(head.post.titles):
            continue  # a post that never heads this series: a participant, not a head
        if not any(_same_person(head, h) for h in result[series]):
            result[series].append(head)
    return result


def _officials(heads: list[Head], date: dt.date | None, lex: Lexicon) -> tuple[Official, ...]:
    """Complete each head from the others: a counterpart's post, the one party left."""
    posts = [h.post for h in heads if h.post is not None]
    codes = [p.code for p in lex.registry.parties]
    officials = []
    for head in heads:
        post = head.post or (posts[0] if len(set(posts)) == 1 else None)
        party = head.party
        if party is None and post is not None:
            owners = {p.party for p in lex.registry.posts if set(p.titles) & set(post.titles)}
            if len(owners) == 1:
                party = owners.pop()
        if party is None:
            others = [h.party for h in heads if h is not head and h.party]
            left = [c for c in codes if c not in others]
            party = left[0] if len(left) == 1 else None
        if post is None or party is None:
            continue
        own = lex.registry.post_named(party, post.title) or post
        # The post as the text names it; a typo or a counterpart takes the name
        # the post carried on the meeting date.
        written = None if head.typo else head.title
        title = written or own.title_on(date) or head.title or own.title
        officials.append(Official(name=head.name, post=title, party=party, rank=head.rank))
    return tuple(officials)


def _whole(paragraph: Paragraph) -> list[str]:
    """The sentences of paragraph 1, a piece that ends without a full stop joined
    to the next (a page break or a line break may cut one in two)."""
    texts: list[str] = []
    for sentence in paragraph.sentences:
        if texts and not re.search(r"[.!?][\"'”’)]*$", texts[-1]):
            texts[-1] = f"{texts[-1]} {sentence.text}"
        else:
            texts.append(sentence.text)
    return texts


def read_meeting(
    paragraph: Paragraph, registry: Registry, warnings: list[str] | None = None
) -> MeetingFacts | None:
    """The meeting facts of paragraph 1, or None when it does not read as such.

    Posts read through a typo are reported in ``warnings``.
    """
    lex = Lexicon(registry)
    sentences = [
        _Sentence(i, text, find_spans(text, lex))
        for i, text in enumerate(plain_sentence(t, lex) for t in _whole(paragraph))
    ]
    main, anchors = _anchors(sentences, lex)
    if main is None:
        return None
    heads = [h for s in sentences for h in find_heads(s.index, s.text, s.spans, lex)]
    if warnings is not None:
        for head in heads:
            if head.typo:
                warnings.append(f"writes the post {head.typo!r}; read as {head.title!r}")
    dates = _dates(sentences, anchors, main)
    assigned = _assign_heads(heads, anchors, main, lex)
    ordinals = {
        series: next((a.span.ordinal for a in found), None) for series, found in anchors.items()
    }
    associated = tuple(
        MeetingFacts(
            series=series,
            ordinal=ordinals[series],
            date=dates.get(series),
            city=None,
            heads=_officials(assigned[series], dates.get(series), lex),
        )
        for series in anchors
        if series != main
    )
    return MeetingFacts(
        series=main,
        ordinal=ordinals.get(main),
        date=dates.get(main),
        city=_city(sentences, anchors, main, lex),
        heads=_officials(assigned.get(main, []), dates.get(main), lex),
        associated=associated,
    )
