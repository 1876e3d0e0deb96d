"""Find the named entities of a communiqué and where each sentence names them.

Two sources feed one catalogue per document: the curated registry, and
discovery from the text itself — inline definitions "Long Name (ACRO)", title-case
phrases ending in a head noun ("... Joint Statement", "... Working group"),
people introduced by a rank, title or post ("President Biden") or followed by a
comma and a post, names known by their form, a cue noun or the gazetteer
(``namerules``), and the meeting's own heads and city. Types of discovered
entities come from data/discovery.yaml, so nothing here names an entity of the
corpus. The word-level pieces live in ``names``, the matching in ``mentions``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from scmgraph.extract.mentions import Catalogue, Surface, char_offsets, find_mentions
from scmgraph.extract.merging import merge_headed, merge_numbered, merge_surnames
from scmgraph.extract.namerules import (
    NameRules,
    cue_names,
    form_names,
    load_rules,
    located_places,
    place_type,
    split_at_places,
    without_owner,
)
from scmgraph.extract.names import (
    MONTHS,
    SEASONS,
    YEAR,
    acronym_definitions,
    appositions,
    bare_word,
    clean_name,
    head_type,
    heads_after,
    is_qualifier,
    noun_type,
    numbered_lists,
    person_names,
    post_masks,
    qualifier_words,
    split_at_connectors,
    split_coordination,
    title_runs,
    trim,
    without_date,
)
from scmgraph.model import Entity, MeetingFacts, Sentence
from scmgraph.registry.load import EntityEntry, Registry, name_key, slugify
from scmgraph.registry.patterns import compiled

__all__ = ["Catalogue", "Surface", "build_catalogue", "char_offsets", "find_mentions"]


def build_catalogue(
    sentences: list[Sentence], meeting: MeetingFacts | None, registry: Registry
) -> Catalogue:
    """Collect the entities a document can mention: registry plus discoveries."""
    disc = registry.discovery
    rules = load_rules(registry.data_dir)
    qualifiers = qualifier_words(registry)
    entities: dict[str, Entity] = {}
    surfaces: list[Surface] = []
    lookup: dict[str, str] = {}  # name_key of names and acronyms -> entity key

    def add(entity: Entity, names: Iterable[str], acronym: str | None) -> str:
        names = tuple(names)
        for candidate in (*names, acronym or ""):
            folded = name_key(candidate)
            key = lookup.get(folded) or lookup.get(folded.removesuffix("s")) if folded else None
            if key:
                # Another spelling of a known entity ("Counter Weapons of Mass Destruction
                # Committee (CWMDC)" for the Counter WMD Committee) names it too.
                for name in names:
                    if name and name_key(name) not in lookup and " " in name:
                        lookup[name_key(name)] = key
                        surfaces.append(Surface(name, key, False, plural=True))
                return key
        entities[entity.key] = entity
        for name in names:
            if name:
                lookup[name_key(name)] = entity.key
                multiword = " " in name
                surfaces.append(Surface(name, entity.key, not multiword, plural=multiword))
        if acronym:
            lookup[name_key(acronym)] = entity.key
            surfaces.append(Surface(acronym, entity.key, case_sensitive=True, plural=True))
        return entity.key

    parties = set()
    for party in registry.parties:
        entity = Entity(
            slugify(party.name), party.name, "State", party.acronym, party.wikidata, True
        )
        parties.add(add(entity, party.names, party.acronym))
    for item in registry.entities:
        entity = Entity(item.key, item.name, item.type, item.acronym, item.wikidata, True)
        names = tuple(n for n in (item.name, *item.aliases) if _names_here(n, item, sentences))
        add(entity, names, item.acronym)

    series = {meeting.series} if meeting else set()
    suffixes = set(registry.meeting_cues.name_suffixes) if registry.meeting_cues else set()
    officials = []
    if meeting:
        officials = [*meeting.heads, *(h for m in meeting.associated for h in m.heads)]
        if meeting.city:
            add(Entity(slugify(meeting.city), meeting.city, "Place"), (meeting.city,), None)
    leads: dict[str, set[str]] = {}  # person key -> the ranks and titles that introduce them
    for official in officials:
        person = registry.person_by_name(official.name)
        key = person.key if person else slugify(official.name)
        if official.rank:
            leads.setdefault(key, set()).add(official.rank)
        names = (official.name, *(person.variants if person else ()))
        add(
            Entity(
                key,
                person.name if person else official.name,
                "Person",
                wikidata=person.wikidata if person else None,
                curated=person is not None,
            ),
            names,
            None,
        )
        for post in registry.posts:
            if post.party == official.party and post.title == official.post:
                for short in post.short:
                    surfaces.append(Surface(f"{short} {official.name}", key, True))
                    for token in official.name.split():
                        if token not in suffixes and not re.fullmatch(r"[A-Z]\.", token):
                            surfaces.append(Surface(f"{short} {token}", key, True))

    party_names = {n for p in registry.parties for n in p.names if " " not in n}
    reported_names = tuple(n for s in registry.series if s.reported for n in s.names)

    def discovered(
        words: list[str], acronym: str | None, after: str = "", lent: str | None = None
    ) -> str | None:
        """Add the entity ``words`` name, if they name one; its key."""
        raw = without_owner(
            trim(without_date(words, disc.connectors), disc.connectors), rules, qualifiers
        )
        if acronym and heads_after(after, registry):
            raw = [*raw, after]
        words = clean_name(raw, registry, qualifiers)
        while len(words) > 2 and words[-1] in rules.trailing:  # "Eighth Army Headquarters"
            words = words[:-1]
        if words and words[-1] in party_names and len(raw) > len(words):
            before = raw[-len(words) - 1]
            if is_qualifier(before, qualifiers):  # "US Space Forces Korea" keeps its "US"
                words = [before, *words]
        name = " ".join(words)
        if (acronym is not None and disc.names_concept(acronym, words)) or acronym in series:
            return None
        if len(words) > 2 and words[0] in MONTHS and YEAR.match(words[1]):
            # "the April 2018 Panmunjom Declaration": a known entity, dated.
            known = lookup.get(name_key(" ".join(clean_name(words[2:], registry, qualifiers))))
            if known:
                return None
        dated = len(words) > 1 and YEAR.match(words[-1])
        if dated and lookup.get(name_key(" ".join(words[:-1]))):
            return None  # "Ulchi Freedom Guardian 2014": a known exercise, dated
        if not words or name in disc.not_entities or name in qualifiers:
            return None
        if any(name.endswith(n) for n in reported_names):
            return (
                None  # "United States-Republic of Korea Security Consultative Meeting": the series
            )
        initials = "".join(w[0] for w in words if w[0].isupper())
        spelled_out = len(words) > 1 and not any(w in disc.connectors for w in words)  # no "of"
        if acronym is None and spelled_out and disc.names_concept(initials, words):
            # "Full Operational Capability": spelled out, still a concept (FOC); the
            # "Security of Supply Arrangement" is a name whose capitals spell SSA too.
            return None
        kind = head_type(words, registry)
        if kind is None and acronym is not None and after:
            kind = head_type([*words, after], registry)  # "Freedom Shield (FS) exercise"
        if kind is None and acronym is not None and len(words) > 2:
            # "Future of the Alliance Policy Initiative (FOTA)": the acronym spells the
            # whole run, one name, whose last word types it.
            kind = noun_type(words[-1], registry)
        links = [i for i, w in enumerate(words) if w in rules.place_links]
        if kind is None and acronym is not None and links:
            # "United Nations Interim Force in Lebanon (UNIFIL)": one name, headed
            # before the place it names
            kind = head_type(words[: links[0]], registry)
        if kind is None and lent is not None and len(words) > 1:
            kind = lent  # "the Kill Chain and the Korea Air and Missile Defense system"
        if kind is None and acronym is None and "of" in words[1:]:
            # "Article V of the Treaty of ...": the name may start after an "of".
            return discovered(words[words.index("of", 1) + 1 :], None)
        if kind is None or (len(words) == 1 and acronym is None):
            return None
        if name.endswith("s") and not name.endswith("ss") and kind != "Meeting":
            name = name[:-1] if words[-1][:-1] in disc.head_nouns else name
        return add(Entity(slugify(name), name, kind, acronym), (name,), acronym)

    definitions = [d for s in sentences for d in acronym_definitions(s.text)]
    series_names = {" ".join(words) for acronym, words, _ in definitions if acronym in series}
    # "Intermediate-Range Nuclear Forces (INF) Treaty": the words are the treaty's alone
    extended = {" ".join(w) for _, w, a in definitions if heads_after(a, registry)}
    defined = frozenset(" ".join(words) for _, words, _ in definitions)
    for acronym, words, after in definitions:
        discovered(words, acronym, after)
    for sentence in sentences:  # "Resolutions 1718 and 1874": a name for each number
        for words, written in numbered_lists(sentence.text):
            key = discovered(words, None)
            if key is not None:
                surfaces.append(Surface(written, key, case_sensitive=True))
    runs = [list(title_runs(sentence.text, registry)) for sentence in sentences]  # read once
    for sentence, sentence_runs in zip(sentences, runs, strict=True):
        text = sentence.text
        for run in sentence_runs:
            words = [bare_word(m.group()) for m in _after_owner(run, registry, lookup)]
            words = trim(without_date(words, disc.connectors), disc.connectors)
            parts = _parts(words, rules, registry, defined)
            for number, name in enumerate(parts):
                if " ".join(name) not in series_names | extended:
                    key = discovered(name, None, lent=_lent(parts, number, words, rules, registry))
                    written = " ".join(name[:-1])
                    if key and " ".join(name) not in text and len(name) > 1 and written in text:
                        # "Seohee" of "the Seohee and Jema Units" names the Seohee Unit
                        surfaces.append(Surface(written, key, True))
        introduced = [
            *person_names(text, registry),
            *((None, name) for name in appositions(text, registry, rules)),
        ]
        for lead, name in introduced:
            person = registry.person_by_name(name)
            key = person.key if person else slugify(name)
            if lead:
                leads.setdefault(key, set()).add(lead)
            add(
                Entity(
                    key,
                    person.name if person else name,
                    "Person",
                    wikidata=person.wikidata if person else None,
                    curated=person is not None,
                ),
                (name, *(person.variants if person else ())),
                None,
            )

    _add_unheaded(sentences, runs, registry, rules, qualifiers, lookup, add, surfaces)
    merge_surnames(entities, surfaces, leads)
    merge_numbered(entities, surfaces)
    merge_headed(entities, surfaces, rules.head_markers)

    masks = post_masks(registry)
    masks += tuple(series) + tuple(sorted(series_names))
    surfaces.sort(key=lambda s: (-len(s.text), s.text, s.entity))
    return Catalogue(entities, tuple(surfaces), frozenset(parties), masks)


def _after_owner(
    run: list[re.Match[str]], registry: Registry, lookup: dict[str, str]
) -> list[re.Match[str]]:
    """A run without its owner: "the ROK Government’s Policy for Peace and Prosperity"
    names the policy. A known name that holds a possessive ("Democratic People’s
    Republic of Korea") and a head of one word ("Korean People’s Army") keep it."""
    raw = [m.group() for m in run]
    owners = [i for i, word in enumerate(raw[:-1]) if word.endswith(("’s", "'s"))]
    if not owners or name_key(" ".join(raw)) in lookup:
        return run
    owned = run[owners[-1] + 1 :]
    words = [bare_word(m.group()) for m in owned]
    return owned if len(words) > 1 and head_type(words, registry) else run


def _names_here(name: str, item: EntityEntry, sentences: list[Sentence]) -> bool:
    """Whether ``name`` names the registry's entity in this document: a common noun
    ("tabletop exercise") is a term only where the document writes its acronym (TTX)."""
    if name != name.lower() or not item.acronym:
        return True
    acronym = compiled(rf"(?<![\w-]){re.escape(item.acronym)}(?![\w-])")
    return any(acronym.search(s.text) for s in sentences)


def _parts(
    words: list[str], rules: NameRules, registry: Registry, defined: frozenset[str]
) -> list[list[str]]:
    """The names of a title-case run: cut at the place each is in, at coordinations
    (before a name the document defines, too), and at the place each coordinated name
    is in ("the Eighth Army and Camp Market in Bupyeong")."""
    typed = functools.partial(head_type, registry=registry)
    if " ".join(words) in defined:  # "United Nations Interim Force in Lebanon (UNIFIL)"
        return [words]
    return [
        each
        for part in split_at_places(words, rules, typed)
        for name in split_coordination(part, registry, defined)
        for piece in split_at_places(name, rules, typed)
        for each in split_coordination(piece, registry, defined)  # "X and Y Units in Z"
    ]


def _lent(
    parts: list[list[str]], number: int, words: list[str], rules: NameRules, registry: Registry
) -> str | None:
    """The type a name coordinated with the next one takes from it, if that one's type
    lends itself ("the Kill Chain and the Korea Air and Missile Defense system")."""
    if number + 1 >= len(parts) or "and" not in words:
        return None
    kind = head_type(parts[number + 1], registry)
    return kind if kind in rules.lends else None


def _add_unheaded(
    sentences: list[Sentence],
    runs: list[list[re.Match[str]]],
    registry: Registry,
    rules: NameRules,
    qualifiers: set[str],
    lookup: dict[str, str],
    add: Callable[[Entity, Iterable[str], str | None], str],
    surfaces: list[Surface],
) -> None:
    """Names without head noun or definition: forms, cue nouns, the gazetteer, the
    place a place is in ("Camp Market in Bupyeong").

    A gazetteer word is no place when it is part of a person's name met in the
    document ("Secretary Austin"), a word the document also writes in lower case
    ("the Alliance"), or a title, rank, month or party word.
    """
    disc = registry.discovery
    person_words = {
        w for p in registry.people for n in (p.name, *p.variants) for w in n.split()
    } | {w for s in surfaces if s.text.split()[0] in registry.titles for w in s.text.split()}
    lower = {w for s in sentences for w in re.findall(r"\b[a-z][a-z-]+\b", s.text)}
    banned = (
        set(registry.titles)
        | set(registry.ranks)
        | set(disc.not_entities)
        | qualifiers
        | MONTHS
        | SEASONS
        | person_words
    )

    def acceptable(words: list[str], defined: bool = False) -> bool:
        # An apposition ("Able Response, a combined exercise") defines a name even
        # when the document writes its words in lower case elsewhere.
        return bool(words) and not any(
            w in banned or (w.lower() in lower and not defined) for w in words
        )

    for sentence in sentences:  # a name's form types it wherever the document uses it
        for name, kind in form_names(sentence.text, rules):
            if name not in disc.concept_acronyms and name_key(name) not in lookup:
                add(Entity(slugify(name), name, kind), (name,), None)
    for sentence, sentence_runs in zip(sentences, runs, strict=True):
        text = sentence.text
        for name, phrase, kind, apposed in cue_names(text, rules):
            words = clean_name([bare_word(w) for w in name.split()], registry, qualifiers)
            if not acceptable(words, apposed) or name_key(" ".join(words)) in lookup:
                continue
            if " ".join(words) in disc.concept_acronyms:  # "CWMD capabilities": a concept
                continue
            if head_type(words, registry) is None and (len(words) > 1 or text.find(name) > 0):
                clean = " ".join(words)
                key = add(Entity(slugify(clean), clean, kind), (clean,), None)
                surfaces.append(
                    Surface(phrase[phrase.index(clean) :], key, False, named=len(clean))
                )
        for run in sentence_runs:
            words = trim([bare_word(m.group()) for m in run], disc.connectors)
            for part in split_coordination(words, registry):
                for place in located_places(part, rules, lambda w: head_type(w, registry)):
                    name = " ".join(place)
                    if acceptable(place) and name_key(name) not in lookup:
                        add(Entity(slugify(name), name, "Place"), (name,), None)
            for part in split_at_places(words, rules, lambda w: head_type(w, registry)):
                for chunk in split_at_connectors(part, registry.discovery.connectors):
                    for place in _joined_places(chunk, rules):
                        kind = place_type(place, rules)  # "New York" though "new" is a word
                        if kind and acceptable(place, len(place) > 1):
                            name = " ".join(place)
                            add(Entity(slugify(name), name, kind), (name,), None)


def _joined_places(chunk: list[str], rules: NameRules) -> list[list[str]]:
    """ "the Osan-Pyongtaek area": two places joined by a hyphen, each its own."""
    if (
        len(chunk) == 1
        and "-" in chunk[0]
        and place_type(chunk, rules)
        and chunk[0] not in rules.places
    ):
        return [[piece] for piece in chunk[0].split("-")]
    return [chunk]
