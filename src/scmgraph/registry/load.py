"""Curated knowledge, loaded from the YAML files under ``data/``.

Everything the extractor knows about a series of communiqués — its parties,
posts, people, entities, topics and reporting verbs — lives in data, so the same
pipeline reads another alliance's statements given other registry files.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scmgraph.errors import InputError
from scmgraph.registry.entity_types import view_types
from scmgraph.registry.files import default_data_dir, read_data
from scmgraph.registry.posts import MeetingCues, Post, Series, cues_from, post_from, slugify


def name_key(name: str) -> str:
    """Compare names ignoring case, spaces, hyphens and dots: variants collapse."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


@dataclass(frozen=True)
class Party:
    code: str
    name: str
    acronym: str | None
    wikidata: str | None
    names: tuple[str, ...]
    adjectives: tuple[str, ...]

    @property
    def key(self) -> str:
        return slugify(self.name)


class _Keyed:
    """A curated node whose key (its IRI's last step) is its name, slugified."""

    name: str

    @property
    def key(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class PersonEntry(_Keyed):
    name: str
    variants: tuple[str, ...]
    wikidata: str | None


@dataclass(frozen=True)
class EntityEntry(_Keyed):
    name: str
    type: str
    acronym: str | None
    aliases: tuple[str, ...]
    wikidata: str | None


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    definition: str
    keywords: tuple[str, ...]
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    entities: tuple[str, ...]


@dataclass(frozen=True)
class EventCode:
    code: str
    label: str | None


@dataclass(frozen=True)
class VerbClass:
    id: str
    label: str
    definition: str
    cameo: EventCode | None
    plover: EventCode | None


@dataclass(frozen=True)
class Verb:
    lemma: str
    verb_class: str
    forms: tuple[str, ...]
    light: bool
    # a light verb whose object may be any noun: without a known one it keeps its class
    keeps_class: bool = False


@dataclass(frozen=True)
class Subjects:
    determiners: tuple[str, ...]
    group_nouns: tuple[str, ...]
    both: tuple[str, ...]
    plural_pronouns: tuple[str, ...]
    singular_pronouns: tuple[str, ...]
    adverbs: tuple[str, ...]
    group_modifiers: tuple[str, ...] = ()  # "the two defense chiefs"


@dataclass(frozen=True)
class Coordination:
    """Cues for a second reporting verb joined to the first with "and"."""

    irregular_past: frozenset[str] = frozenset()  # past forms without "-ed": "took", "held"
    # a present verb after a past one ("assessed …, and expect to hold") is a statement
    # after ", and" when one of these words follows it
    tense_shift_complements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Discovery:
    head_nouns: dict[str, str]
    prefix_nouns: dict[str, str]
    concept_acronyms: frozenset[str]
    connectors: frozenset[str]
    drop_prefixes: tuple[str, ...]
    not_entities: frozenset[str]
    # word in a name -> {type its head gives -> type it becomes}: "Cyber ... Command"
    modifiers: dict[str, dict[str, str]] = field(default_factory=dict)
    # concept acronym -> what it stands for (lower case), where names share its letters
    concept_expansions: dict[str, frozenset[str]] = field(default_factory=dict)

    def names_concept(self, acronym: str, words: list[str]) -> bool:
        """Whether ``words``, spelling ``acronym``, name a concept: a concept acronym,
        unless the data says what it stands for and these words stand for something
        else (the "International Olympic Committee (IOC)")."""
        if acronym not in self.concept_acronyms:
            return False
        spelled = self.concept_expansions.get(acronym)
        return spelled is None or " ".join(words).lower() in spelled

    @functools.cached_property
    def folded_head_nouns(self) -> dict[str, str]:
        """``head_nouns`` by lower-case noun, the first of nouns that differ in case
        alone: a head noun is looked up, not compared with every noun."""
        folded: dict[str, str] = {}
        for noun, kind in self.head_nouns.items():
            folded.setdefault(noun.lower(), kind)
        return folded


@dataclass(frozen=True)
class Registry:
    """All curated knowledge, read once and handed to the stages that need it."""

    data_dir: Path
    parties: tuple[Party, ...]
    posts: tuple[Post, ...]
    people: tuple[PersonEntry, ...]
    ranks: tuple[str, ...]
    titles: tuple[str, ...]
    entities: tuple[EntityEntry, ...]
    topics: tuple[Topic, ...]
    verb_classes: tuple[VerbClass, ...]
    verbs: tuple[Verb, ...]
    light_nouns: dict[str, str]
    that_class: str
    subjects: Subjects
    discovery: Discovery
    files: tuple[Path, ...]  # the registry files read, for provenance
    series: tuple[Series, ...] = ()
    meeting_cues: MeetingCues | None = None
    coordination: Coordination = field(default_factory=Coordination)

    def party(self, code: str) -> Party:
        for party in self.parties:
            if party.code == code:
                return party
        raise KeyError(code)

    def post_named(self, party: str, title: str) -> Post | None:
        """The registry post of ``party`` that has carried the name ``title``."""
        for post in self.posts:
            if post.party == party and title in post.titles:
                return post
        return None

    def verb_forms(self) -> dict[str, Verb]:
        """Map every inflected form (lower-case) to its verb."""
        return {form.lower(): verb for verb in self.verbs for form in verb.forms}

    def person_by_name(self, name: str) -> PersonEntry | None:
        """The first registry person one of whose names has the key of ``name``."""
        return self._people_by_key.get(name_key(name))

    @functools.cached_property
    def _people_by_key(self) -> dict[str, PersonEntry]:
        found: dict[str, PersonEntry] = {}
        for person in self.people:
            for known in (person.name, *person.variants):
                found.setdefault(name_key(known), person)
        return found


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _read_yaml(path: Path) -> dict[str, Any]:
    loaded = read_data(path, "registry file")
    if not loaded:
        raise InputError(path, "registry file must hold a mapping")
    return loaded


def _event_code(value: Any) -> EventCode | None:
    if not value:
        return None
    return EventCode(code=str(value["code"]), label=value.get("label"))


def load_registry(data_dir: Path | None = None) -> Registry:
    """Read every registry file under ``data_dir`` (default: the shipped data/).

    ``data_dir`` is laid out like the shipped folder: ``registry/*.yaml``,
    ``discovery.yaml`` and ``meeting.yaml``.
    """
    data_dir = data_dir or default_data_dir()
    reg = data_dir / "registry"
    paths = {
        name: reg / f"{name}.yaml"
        for name in ("parties", "posts", "people", "ranks", "entities", "topics")
    }
    paths["verb-classes"] = reg / "verb-classes.yaml"
    paths["verbs"] = reg / "verbs.yaml"
    paths["subjects"] = reg / "subjects.yaml"
    paths["discovery"] = data_dir / "discovery.yaml"
    paths["series"] = reg / "series.yaml"
    paths["meeting"] = data_dir / "meeting.yaml"
    raw = {name: _read_yaml(path) for name, path in paths.items()}

    entities = []
    known_types = {t.name for t in view_types()}
    for item in raw["entities"]["entities"]:
        if item["type"] not in known_types:
            raise InputError(paths["entities"], f"unknown entity type {item['type']!r}")
        entities.append(
            EntityEntry(
                name=item["name"],
                type=item["type"],
                acronym=item.get("acronym"),
                aliases=_tuple(item.get("aliases")),
                wikidata=item.get("wikidata"),
            )
        )
    classes = tuple(
        VerbClass(
            id=c["id"],
            label=c["label"],
            definition=c["definition"],
            cameo=_event_code(c.get("cameo")),
            plover=_event_code(c.get("plover")),
        )
        for c in raw["verb-classes"]["classes"]
    )
    class_ids = {c.id for c in classes}
    verbs = []
    for v in raw["verbs"]["verbs"]:
        if v["class"] not in class_ids:
            raise InputError(
                paths["verbs"], f"verb {v['lemma']!r} has unknown class {v['class']!r}"
            )
        verbs.append(
            Verb(
                lemma=v["lemma"],
                verb_class=v["class"],
                forms=_tuple(v.get("forms")),
                light=bool(v.get("light", False)),
                keeps_class=bool(v.get("keeps_class", False)),
            )
        )
    subj = raw["subjects"]
    disc = raw["discovery"]
    return Registry(
        data_dir=data_dir,
        parties=tuple(
            Party(
                code=p["code"],
                name=p["name"],
                acronym=p.get("acronym"),
                wikidata=p.get("wikidata"),
                names=_tuple(p.get("names")),
                adjectives=_tuple(p.get("adjectives")),
            )
            for p in raw["parties"]["parties"]
        ),
        posts=tuple(post_from(p, paths["posts"]) for p in raw["posts"]["posts"]),
        people=tuple(
            PersonEntry(
                name=p["name"], variants=_tuple(p.get("variants")), wikidata=p.get("wikidata")
            )
            for p in raw["people"]["people"]
        ),
        ranks=_tuple(raw["ranks"].get("ranks")),
        titles=_tuple(raw["ranks"].get("titles")),
        entities=tuple(entities),
        topics=tuple(
            Topic(
                id=t["id"],
                label=t["label"],
                definition=t["definition"],
                keywords=_tuple(t.get("keywords")),
                strong=_tuple(t.get("strong")),
                weak=_tuple(t.get("weak")),
                entities=_tuple(t.get("entities")),
            )
            for t in raw["topics"]["topics"]
        ),
        verb_classes=classes,
        verbs=tuple(verbs),
        light_nouns={str(k): str(v) for k, v in raw["verbs"].get("light_nouns", {}).items()},
        that_class=str(raw["verbs"].get("that_class", "assessment")),
        subjects=Subjects(
            determiners=_tuple(subj.get("determiners")),
            group_nouns=_tuple(subj.get("group_nouns")),
            both=_tuple(subj.get("both")),
            plural_pronouns=_tuple(subj.get("plural_pronouns")),
            singular_pronouns=_tuple(subj.get("singular_pronouns")),
            adverbs=_tuple(subj.get("adverbs")),
            group_modifiers=_tuple(subj.get("group_modifiers")),
        ),
        coordination=Coordination(
            irregular_past=frozenset(w.lower() for w in _tuple(raw["verbs"].get("irregular_past"))),
            tense_shift_complements=frozenset(
                w.lower() for w in _tuple(raw["verbs"].get("tense_shift_complements"))
            ),
        ),
        discovery=Discovery(
            head_nouns={str(k): str(v) for k, v in disc.get("head_nouns", {}).items()},
            prefix_nouns={str(k): str(v) for k, v in disc.get("prefix_nouns", {}).items()},
            concept_acronyms=frozenset(_tuple(disc.get("concept_acronyms"))),
            connectors=frozenset(_tuple(disc.get("connectors"))),
            drop_prefixes=_tuple(disc.get("drop_prefixes")),
            not_entities=frozenset(_tuple(disc.get("not_entities"))),
            modifiers={
                str(word): {str(k): str(v) for k, v in (change or {}).items()}
                for word, change in (disc.get("modifiers") or {}).items()
            },
            concept_expansions={
                str(acronym): frozenset(str(s).lower() for s in _tuple(spelled))
                for acronym, spelled in (disc.get("concept_expansions") or {}).items()
            },
        ),
        files=tuple(sorted(paths.values())),
        series=tuple(
            Series(
                acronym=str(item["acronym"]),
                names=_tuple(item.get("names")),
                reported=bool(item.get("reported", False)),
                heads=_tuple(item.get("heads")),
            )
            for item in raw["series"]["series"]
        ),
        meeting_cues=cues_from(raw["meeting"]),
    )
