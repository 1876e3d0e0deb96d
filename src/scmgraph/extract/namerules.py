"""Recognise names that carry no head noun and no inline definition.

A communiqué names places, weapon systems, ships and exercises without saying
what they are: "Busan", "Hwasong-18", "USS Ronald Reagan", "the Iron Mace
tabletop exercise". Their form (a designation with a number, a ship prefix), a
cue noun that follows them, or a gazetteer says what they are. The patterns,
cue nouns and gazetteer settings live in data/discovery.yaml; the cities,
countries and continents come from the gazetteer (``scmgraph.extract.gazetteer``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from scmgraph.extract.gazetteer import gazetteer
from scmgraph.registry.files import read_data
from scmgraph.registry.patterns import compiled


@dataclass(frozen=True)
class NameRules:
    """How names without a head noun are recognised and typed."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (type, pattern of the whole name)
    cue_nouns: dict[str, str]  # noun after a name -> type ("exercise" -> Exercise)
    cue_order: tuple[str, ...]  # the cue nouns, longest first (as a pattern tries them)
    cue_gap: int  # lower-case words allowed between a name and its cue noun
    cue_stopwords: frozenset[str]  # words that end a cue phrase ("the", "of", "and")
    head_markers: frozenset[str]  # "Treaty on ...": the head sits before these words
    place_links: frozenset[str]  # "Camp Humphreys in Pyeongtaek": two names
    compass: frozenset[str]  # "West Africa": a compass word before a place is part of it
    keep_prefix_heads: frozenset[str]  # "Combined Division": the prefix stays
    post_words: tuple[str, ...]  # "Paul J. Smith, Commander of ...": a person before a post
    versioned: str | None  # type of a title-case name ending in a version ("... 4.0")
    places: dict[str, str]  # gazetteer name -> type (Place, State)
    lends: frozenset[str] = frozenset()  # types a coordinated name without a head takes
    trailing: frozenset[str] = frozenset()  # "Headquarters": ends a name, names no body
    owners: frozenset[str] = frozenset()  # "... of the ROK Government": owns, is no part


@functools.lru_cache(maxsize=4)
def load_rules(data_dir: Path) -> NameRules:
    """The rules of ``data_dir/discovery.yaml`` (read once per data folder)."""
    raw = read_data(data_dir / "discovery.yaml")
    forms = raw.get("forms") or {}
    cues = raw.get("cues") or {}
    settings = raw.get("gazetteer") or {}
    places = dict(gazetteer(int(settings.get("min_population", 15000))))
    for name in settings.get("exclude") or ():
        places.pop(str(name), None)
    for kind, names in (settings.get("add") or {}).items():
        places.update({str(n): str(kind) for n in names})
    return NameRules(
        patterns=tuple(
            (str(kind), re.compile(str(p))) for kind, ps in forms.items() for p in ps or ()
        ),
        cue_nouns={str(n): str(k) for k, ns in (cues.get("nouns") or {}).items() for n in ns},
        cue_order=tuple(
            sorted(
                (str(n) for ns in (cues.get("nouns") or {}).values() for n in ns),
                key=len,
                reverse=True,
            )
        ),
        cue_gap=int(cues.get("gap", 3)),
        cue_stopwords=frozenset(str(w) for w in cues.get("stopwords") or ()),
        head_markers=frozenset(str(w) for w in raw.get("head_markers") or ("of", "for")),
        place_links=frozenset(str(w) for w in settings.get("links") or ()),
        compass=frozenset(str(w) for w in settings.get("compass") or ()),
        keep_prefix_heads=frozenset(str(w) for w in raw.get("keep_prefix_heads") or ()),
        post_words=tuple(str(w) for w in raw.get("post_words") or ()),
        versioned=str(raw["versioned"]) if raw.get("versioned") else None,
        places=places,
        lends=frozenset(str(k) for k in raw.get("coordination_lends") or ()),
        trailing=frozenset(str(w) for w in raw.get("trailing_words") or ()),
        owners=frozenset(str(w) for w in raw.get("owner_nouns") or ()),
    )


def without_owner(words: list[str], rules: NameRules, qualifiers: set[str]) -> list[str]:
    """A name without the owner after its "of": "the Northern Policy of the ROK
    Government" names the policy.

    >>> rules = NameRules((), {}, (), 0, frozenset(), frozenset({"of"}), frozenset(),
    ...     frozenset(), frozenset(), (), None, {}, owners=frozenset({"Government"}))
    >>> without_owner("Northern Policy of the ROK Government".split(), rules, {"ROK"})
    ['Northern', 'Policy']
    """
    if len(words) < 4 or words[-1] not in rules.owners or "of" not in words[1:-1]:
        return words
    cut = len(words) - 1 - words[::-1].index("of")
    between = words[cut + 1 : -1]
    return words[:cut] if all(w == "the" or w in qualifiers for w in between) else words


def form_names(text: str, rules: NameRules) -> Iterable[tuple[str, str]]:
    """Names recognised by their form alone: (name, type)."""
    for kind, pattern in rules.patterns:
        for match in pattern.finditer(text):
            name = match["name"] if "name" in pattern.groupindex else match.group()
            yield name.rstrip("."), kind


def cue_names(text: str, rules: NameRules) -> Iterable[tuple[str, str, str, bool]]:
    """Title-case names followed by a cue noun: (name, phrase up to the cue, type,
    whether an apposition defines it).

    "the Iron Mace tabletop exercise" gives ("Iron Mace", "Iron Mace tabletop
    exercise", "Exercise"); a name coordinated before it ("Scud and Rodong
    ballistic missiles"), set off by a comma and an article ("Able Response, a
    combined exercise", "Invincible Spirit, the combined naval and air exercise") or
    set off after it ("the missile warning exercise,
    Pacific Dragon,") gives (name, name, type). The caller decides whether the
    name is acceptable.
    """
    if not rules.cue_nouns:
        return
    pattern, before, after = _cue_patterns(rules.cue_order, rules.cue_gap)
    for match in pattern.finditer(text):
        gap = match["gap"].split()
        if match["apposed"]:  # "the combined naval and air exercise": modifiers coordinated
            gap = [w for w in gap if w not in ("and", "or")]
        if any(w in rules.cue_stopwords for w in gap):
            continue
        kind = rules.cue_nouns[match["cue"]]
        name = _owned(match["name"])
        if match["apposed"]:
            yield name, name, kind, True
            continue
        yield name, match.group()[len(match["name"]) - len(name) :], kind, False
        coordinated = before.search(text, 0, match.start())
        if coordinated:
            yield _owned(coordinated["name"]), _owned(coordinated["name"]), kind, False
    for match in after.finditer(text):
        kind = rules.cue_nouns[match["cue"]]
        yield _owned(match["name"]), _owned(match["name"]), kind, True


@functools.lru_cache(maxsize=4)
def _cue_patterns(nouns: tuple[str, ...], gap: int) -> tuple[re.Pattern[str], ...]:
    """The patterns of a name before its cue noun, of a name coordinated before that
    one, and of a name set off after its cue noun ("the missile warning exercise with
    Japan, Pacific Dragon, held ...")."""
    cues = "|".join(re.escape(n) for n in nouns)
    name = r"(?P<name>(?:[A-Z][\w’'-]*|\d+[A-Z]+)(?: [A-Z][\w’'-]*){0,3})"
    words = rf"(?P<gap>(?: [a-z][a-z-]*){{0,{gap}}})"
    return (
        compiled(rf"(?<![\w.’'-]){name}(?P<apposed>, (?:an?|the))?{words} (?P<cue>{cues})\b"),
        compiled(rf"(?<![\w.’'-]){name} and $"),
        compiled(rf"\b(?P<cue>{cues})(?: with [A-Z][\w’'-]*)?, {name},"),
    )


def _owned(name: str) -> str:
    """A name without its owner: "North Korea's Musudan" is the Musudan.

    >>> _owned("North Korea’s Musudan"), _owned("Iron Mace")
    ('Musudan', 'Iron Mace')
    """
    return re.split(r"(?:’s|'s) ", name)[-1]


_NAME_WORD = r"(?:[A-Z][a-z]*[A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Za-z]+)?|[A-Z]\.|Jr\.|II|III|IV)"


def appositive_people(text: str, rules: NameRules) -> Iterable[str]:
    """Names of two to five words followed by a comma and a post:
    "Paul J. Smith, Commander of the Combined Forces Command"."""
    if not rules.post_words:
        return
    posts = "|".join(re.escape(w) for w in rules.post_words)
    pattern = compiled(
        rf"(?<![\w.’'-])(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,4}}),"
        rf" (?:the )?(?:[A-Z][\w.-]* )?(?:{posts})\b"
    )
    for match in pattern.finditer(text):
        yield match["name"]


def place_type(words: list[str], rules: NameRules) -> str | None:
    """The gazetteer type of a name ("Busan", "South Sudan", "West Africa"), or None;
    places joined by a hyphen ("Osan-Pyongtaek") are a place."""
    name = " ".join(words)
    if name in rules.places:
        return rules.places[name]
    if len(words) >= 2 and words[0] in rules.compass and " ".join(words[1:]) in rules.places:
        return "Place"
    pieces = name.split("-")
    if len(words) == 1 and len(pieces) > 1 and all(p in rules.places for p in pieces):
        return "Place"
    return None


def split_at_places(
    words: list[str], rules: NameRules, head_type: Callable[[list[str]], str | None]
) -> list[list[str]]:
    """Cut "Camp Humphreys in Pyeongtaek", "Cheonghae Unit in the Gulf of Aden" into
    the name and the place it is in (a gazetteer name, a name typed Place, or any
    name after a place: "Camp Market in Bupyeong", ``located_places``)."""
    for i, place, rest in _place_links(words, rules):
        if (
            place_type(place, rules)
            or head_type(place) == "Place"
            or _in_place(words[:i], head_type, place)
        ):
            return [words[:i], rest]
    return [words]


def located_places(
    words: list[str], rules: NameRules, head_type: Callable[[list[str]], str | None]
) -> list[list[str]]:
    """The names a place is said to be in: "Bupyeong" of "Camp Market in Bupyeong",
    a place the gazetteer may not know (a district, a town)."""
    return [
        place
        for i, place, _ in _place_links(words, rules)
        if _in_place(words[:i], head_type, place) and not place_type(place, rules)
    ]


def _in_place(
    before: list[str], head_type: Callable[[list[str]], str | None], place: list[str]
) -> bool:
    """A place (by its head or prefix noun) in a name of capitalised words."""
    return head_type(before) == "Place" and all(w[:1].isupper() for w in place)


def _place_links(words: list[str], rules: NameRules) -> Iterable[tuple[int, list[str], list[str]]]:
    """Each place link of a run of words: where it is, the name after it (up to the
    next link: "... in Pyeongtaek in June"), and the words after it."""
    if rules.place_links.isdisjoint(words):
        return
    for i, word in enumerate(words):
        if word not in rules.place_links or not 0 < i < len(words) - 1:
            continue
        rest = words[i + 1 :]
        while rest and rest[0].lower() == "the":
            rest = rest[1:]
        ends = [k for k, w in enumerate(rest) if w in rules.place_links] + [len(rest)]
        if rest[: ends[0]]:
            yield i, rest[: ends[0]], rest
