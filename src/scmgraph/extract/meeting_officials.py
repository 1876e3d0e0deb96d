"""Pair posts with names in a sentence of paragraph 1, in either order.

"U.S. Secretary of Defense Mark Esper", "Minister of National Defense Ahn
Gyu-back of the Republic of Korea (ROK)", "General X, ROK Chairman of the Joint
Chiefs of Staff", "James Mattis, U.S. Secretary of Defense", "Jeong Kyeongdoo
of the ROK, Minister of National Defense", "General X and General Y, the ROK
and US Chairmen of the Joint Chiefs of Staff", "his ROK counterpart, General Z",
"X led the U.S. delegation". The pairing works on the candidate spans of
`meeting_spans`, judging only the few characters between two neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from scmgraph.extract.meeting_spans import Lexicon, Span
from scmgraph.registry.posts import Post

DIRECT = re.compile(r"\s*")
COMMA = re.compile(r"\s*,\s*(?:the\s+)?")
OF = re.compile(r"\s+of\s+")
AND = re.compile(r"\s*(?:,\s*)?(?:and\s+)?")
PARTY_LIST = re.compile(r"\s*(?:,|and|,\s*and)\s*")


@dataclass(frozen=True)
class Head:
    """A head of delegation as one sentence names them, before assignment."""

    sentence: int
    span: Span  # the name
    name: str
    rank: str | None
    post: Post | None  # None: "his counterpart", resolved from the other head
    title: str | None  # the post's name as matched in the registry
    party: str | None
    typo: str | None = None  # the post as written, when read through a typo


def _gap(text: str, left: Span, right: Span) -> str:
    return text[left.end : right.begin]


def _at(spans: list[Span], i: int) -> Span | None:
    return spans[i] if 0 <= i < len(spans) else None


def _party_after(text: str, spans: list[Span], i: int) -> str | None:
    """ "... of the United States (U.S.)" right after span ``i``."""
    nxt = _at(spans, i + 1)
    if nxt is not None and nxt.kind == "party" and OF.fullmatch(_gap(text, spans[i], nxt)):
        return nxt.party
    return None


def _party_before(text: str, spans: list[Span], i: int) -> str | None:
    """ "U.S. Secretary ...": a party written right before span ``i``."""
    prev = _at(spans, i - 1)
    if prev is not None and prev.kind == "party" and DIRECT.fullmatch(_gap(text, prev, spans[i])):
        return prev.party
    return None


def _delegation_party(text: str, spans: list[Span], i: int, lex: Lexicon) -> str | None:
    """ "X led the U.S. delegation": the party of the delegation a name leads."""
    verb, party = _at(spans, i + 1), _at(spans, i + 2)
    if verb is None or party is None or verb.kind not in ("lead", "meet") or party.kind != "party":
        return None
    nouns = "|".join(re.escape(n) for n in lex.cues.delegation_nouns)
    if re.match(rf"\s+(?:{nouns})\b", text[party.end :]):
        return party.party
    return None


def _name_chain(text: str, spans: list[Span], i: int) -> list[int]:
    """The names coordinated before and with name ``i`` ("General X and General Y")."""
    chain = [i]
    j = i
    while True:
        start = j - 1 if _at(spans, j - 1) and spans[j - 1].kind == "rank" else j
        prev = _at(spans, start - 1)
        if prev is None or prev.kind != "name" or not AND.fullmatch(_gap(text, prev, spans[start])):
            return chain
        j = start - 1
        chain.insert(0, j)


def _name_first(text: str, spans: list[Span], i: int) -> tuple[int, list[str]] | None:
    """ "NAME, [the] [PARTY [and PARTY]] POST" or "NAME of the PARTY, POST"."""
    nxt = _at(spans, i + 1)
    parties: list[str] = []
    j = i + 1
    if nxt is not None and nxt.kind == "party" and OF.fullmatch(_gap(text, spans[i], nxt)):
        after = _at(spans, i + 2)
        if after is None or after.kind != "post" or after.short:
            return None
        if not COMMA.fullmatch(_gap(text, nxt, after)):
            return None
        return i + 2, [str(nxt.party)]
    if nxt is None or not COMMA.fullmatch(_gap(text, spans[i], nxt)):
        return None
    while (span := _at(spans, j)) is not None and span.kind == "party":
        parties.append(str(span.party))
        after = _at(spans, j + 1)
        if after is None:
            return None
        gap = _gap(text, span, after)
        if after.kind == "post" and not after.short and DIRECT.fullmatch(gap):
            return j + 1, parties
        if after.kind != "party" or not PARTY_LIST.fullmatch(gap):
            return None
        j += 1
    if (span := _at(spans, j)) is not None and span.kind == "post" and not span.short:
        return j, parties
    return None


def _post_first(text: str, spans: list[Span], start: int) -> tuple[int, bool] | None:
    """ "POST [,] [RANK] NAME": the post before a name, and whether a comma parts them."""
    prev = _at(spans, start - 1)
    if prev is None or prev.kind != "post" or prev.plural:
        return None
    gap = _gap(text, prev, spans[start])
    if DIRECT.fullmatch(gap):
        return start - 1, False
    if re.fullmatch(r"\s*,\s*", gap) and not prev.short:
        return start - 1, True
    return None


def _counterpart(text: str, spans: list[Span], start: int, lex: Lexicon) -> tuple[bool, str | None]:
    """ "his ROK counterpart, General Z": the other head's post, and a party."""
    words = "|".join(re.escape(w) for w in lex.cues.counterparts)
    before = text[: spans[start].begin]
    match = re.search(rf"(?<![\w])(?:{words})\s*,?\s*$", before)
    if match is None:
        return False, None
    prev = _at(spans, start - 1)
    if (
        prev is not None
        and prev.kind == "party"
        and re.fullmatch(rf"\s+(?:{words})\s*,?\s*", _gap(text, prev, spans[start]))
    ):
        return True, prev.party
    return True, None


def find_heads(index: int, text: str, spans: list[Span], lex: Lexicon) -> list[Head]:
    """Every post-name pair of one sentence, in text order."""
    heads: dict[int, Head] = {}
    used: set[int] = set()
    pending: list[tuple[int, int, bool]] = []  # (name, post, comma) read post-first
    for i, span in enumerate(spans):
        if span.kind != "name":
            continue
        start = i - 1 if _at(spans, i - 1) and spans[i - 1].kind == "rank" else i
        if start != i and not DIRECT.fullmatch(_gap(text, spans[start], span)):
            start = i
        rank = spans[start].text.rstrip(".") if start != i else None
        first = _post_first(text, spans, start)
        if first is not None and not first[1]:
            pending.append((i, first[0], False))
            continue
        named = _name_first(text, spans, i)
        if named is not None and named[0] not in used:
            post_at, parties = named
            post = spans[post_at]
            used.add(post_at)
            chain = _name_chain(text, spans, i) if len(parties) > 1 else [i]
            if len(chain) != len(parties):
                chain, parties = [i], parties[:1]
            for name_at, party in zip(chain, parties or [None], strict=False):
                party = party or post.party or _party_after(text, spans, post_at)
                heads[name_at] = _head(index, spans, name_at, text, post, party, lex)
            continue
        if first is not None:
            pending.append((i, first[0], True))
            continue
        is_counterpart, party = _counterpart(text, spans, start, lex)
        if is_counterpart:
            heads[i] = Head(index, span, span.text, rank, None, None, party)
    for i, post_at, _comma in pending:
        if post_at in used or i in heads:
            continue
        used.add(post_at)
        post = spans[post_at]
        party = (
            _party_before(text, spans, post_at)
            or post.party
            or _party_after(text, spans, i)
            or _delegation_party(text, spans, i, lex)
        )
        heads[i] = _head(index, spans, i, text, post, party, lex)
    return [heads[i] for i in sorted(heads)]


def _head(
    index: int, spans: list[Span], i: int, text: str, post: Span, party: str | None, lex: Lexicon
) -> Head:
    span = spans[i]
    before = _at(spans, i - 1)
    rank = None
    if before is not None and before.kind == "rank" and DIRECT.fullmatch(_gap(text, before, span)):
        rank = before.text.rstrip(".")
    if party is None:
        party = _party_before(text, spans, spans.index(post))
    title = _matched_title(post)
    return Head(
        index,
        span,
        span.text,
        rank,
        post.post,
        title,
        party,
        typo=post.text if post.typo else None,
    )


def _matched_title(post: Span) -> str | None:
    """The registry name of the post a span matched (its singular, typo mended)."""
    if post.post is None or post.short:
        return None  # a short form or an alias names no title: the one in force on the date
    written = re.sub(r"\s+", " ", post.text)
    title = max(post.post.titles, key=lambda t: fuzz.ratio(written, t))
    return None if title in post.post.aliases else title
