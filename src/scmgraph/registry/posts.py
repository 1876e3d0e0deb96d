"""Posts over time and the series of meetings, as the registry describes them."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scmgraph.errors import InputError


def slugify(text: str) -> str:
    """A readable, stable IRI segment: "Won In-Choul" -> "won-in-choul"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = folded.replace("&", " and ").replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def tuple_of(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@dataclass(frozen=True)
class PostName:
    """A name a post carries during a period (either end open)."""

    name: str
    start: dt.date | None = None
    end: dt.date | None = None

    def holds_on(self, date: dt.date) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)


@dataclass(frozen=True)
class Post:
    title: str  # the name the post's IRI is made from; never changes
    party: str
    short: tuple[str, ...]
    names: tuple[PostName, ...] = ()  # names over time; empty when it never changed
    aliases: tuple[str, ...] = ()  # other written forms ("Defense Secretary"), never a title

    @functools.cached_property  # asked for by every head of every communiqué
    def key(self) -> str:
        return slugify(f"{self.party} {self.title}")

    @functools.cached_property
    def titles(self) -> tuple[str, ...]:
        """Every name the post has carried, the stable title first, then its aliases."""
        return tuple(dict.fromkeys((self.title, *(n.name for n in self.names), *self.aliases)))

    def title_on(self, date: dt.date | None) -> str | None:
        """The post's name on ``date``; None when no name of it held then."""
        if not self.names:
            return self.title
        if date is None:
            return None
        for name in self.names:
            if name.holds_on(date):
                return name.name
        return None


@dataclass(frozen=True)
class Series:
    """A series of meetings: the reported one, or one held alongside it."""

    acronym: str
    names: tuple[str, ...]
    reported: bool  # the series the communiqués are issued for
    heads: tuple[str, ...]  # titles of the posts whose holders head its delegations


@dataclass(frozen=True)
class MeetingCues:
    """Cue words of paragraph 1, from data/meeting.yaml."""

    meeting_verbs: tuple[str, ...]
    place_verbs: tuple[str, ...]
    lead_verbs: tuple[str, ...]
    delegation_nouns: tuple[str, ...]
    counterparts: tuple[str, ...]
    ordinal_fillers: tuple[str, ...]
    name_suffixes: tuple[str, ...]
    typo_score: float
    typo_min_words: int
    honorifics: tuple[str, ...] = ()
    relative_days: tuple[tuple[str, int], ...] = ()  # ("the previous day", -1)


def _date(value: Any, path: Path) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError(path, f"not an ISO date: {value!r}") from exc


def post_from(item: dict[str, Any], path: Path) -> Post:
    names = tuple(
        PostName(str(n["name"]), _date(n.get("from"), path), _date(n.get("until"), path))
        for n in item.get("names") or ()
    )
    return Post(
        title=item["title"],
        party=item["party"],
        short=tuple_of(item.get("short")),
        names=names,
        aliases=tuple_of(item.get("aliases")),
    )


def cues_from(raw: dict[str, Any]) -> MeetingCues:
    return MeetingCues(
        meeting_verbs=tuple_of(raw.get("meeting_verbs")),
        place_verbs=tuple_of(raw.get("place_verbs")),
        lead_verbs=tuple_of(raw.get("lead_verbs")),
        delegation_nouns=tuple_of(raw.get("delegation_nouns")),
        counterparts=tuple_of(raw.get("counterparts")),
        ordinal_fillers=tuple_of(raw.get("ordinal_fillers")),
        name_suffixes=tuple_of(raw.get("name_suffixes")),
        typo_score=float(raw.get("typo_score", 90)),
        typo_min_words=int(raw.get("typo_min_words", 3)),
        honorifics=tuple_of(raw.get("honorifics")),
        relative_days=tuple((str(k), int(v)) for k, v in (raw.get("relative_days") or {}).items()),
    )
