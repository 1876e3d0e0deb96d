"""Find the named entities of a communiqué and where each sentence names them.

Two sources feed one catalogue per document: the curated registry, and
discovery from the text itself — inline definitions "Long Name (ACRO)", title-case
phrases ending in a head noun ("... Joint Statement", "... Working group"),
people introduced by a rank or title ("President Biden"), and the meeting's own
heads and city. Types of discovered entities come from their head noun
(data/discovery.yaml), so nothing here names an entity of the corpus.
"""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from scmgraph.model import Entity, MeetingFacts, Mention, Sentence, SourceFile
from scmgraph.namerules import (
    NameRules,
    cue_names,
    form_names,
    load_rules,
    place_type,
    split_at_places,
)
from scmgraph.registry import Registry, name_key, slugify

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9’'\-.&/]*")
YEAR_OR_ORDINAL = re.compile(r"^(?:\d{4}|\d{1,3}(?:st|nd|rd|th)|\d{1,2}-\d{1,2})$")
VERSION = re.compile(r"^\d+(?:\.\d+)+$")  # "Defense Reform 2.0"
CODED = re.compile(r"^\d+[A-Z]+$")  # "4D Operational Concept"
SEASONS = frozenset({"Spring", "Summer", "Fall", "Autumn", "Winter"})
MONTHS = frozenset(calendar.month_name[1:])
NAME_SUFFIXES = frozenset({"Jr.", "Sr.", "II", "III", "IV"})
_HYPHEN_IN_NAME = re.compile(r"(?<=[a-z])-(?=[A-Z][a-z])")  # "Future-Combined", not "U.S.-ROK"
DEFINITION = re.compile(r"\((?P<acronym>[A-Z][A-Za-z0-9&\- ]{0,10}?)(?:’s|'s)?\)")


@dataclass(frozen=True)
class Surface:
    """A way of writing an entity that the matcher looks for."""

    text: str
    entity: str  # Entity.key
    case_sensitive: bool
    plural: bool = False  # also match with a trailing "s" (acronyms: "CCPTs")
    named: int = 0  # when set, only the first ``named`` characters are the mention


@dataclass(frozen=True)
class Catalogue:
    """The entities of one document and the surfaces that name them."""

    entities: dict[str, Entity]
    surfaces: tuple[Surface, ...]
    parties: frozenset[str]  # entity keys of the parties: never mentions
    masks: tuple[str, ...]  # phrases that hide what they contain (post titles, the series)


# --- offsets -------------------------------------------------------------------


def char_offsets(source: SourceFile, sentence: Sentence) -> list[int]:
    """Source offset of each character of ``sentence.text``.

    ``sentence.text`` is the source span with whitespace collapsed (and, for
    HTML, tags removed and character references decoded); walking both in step
    gives every character its place in the file.
    """
    if len(sentence.offsets) == len(sentence.text):
        return list(sentence.offsets)  # the reader's exact map
    raw = source.text
    is_html = source.media_type == "text/html"
    offsets: list[int] = []
    i, end = sentence.begin, sentence.end
    pending_space: int | None = None
    while i < end:
        ch = raw[i]
        if is_html and ch == "<":
            close = raw.find(">", i)
            i = end if close < 0 else close + 1
            continue
        if is_html and ch == "&":
            ref = re.match(r"&#?[A-Za-z0-9]+;", raw[i:end])
            if ref:
                decoded = html.unescape(ref.group())
                if decoded.isspace():
                    pending_space = pending_space if pending_space is not None else i
                else:
                    if pending_space is not None and offsets:
                        offsets.append(pending_space)
                    pending_space = None
                    offsets.extend([i] * len(decoded))
                i += len(ref.group())
                continue
        if ch.isspace():
            if pending_space is None:
                pending_space = i
        else:
            if pending_space is not None and offsets:
                offsets.append(pending_space)
            pending_space = None
            offsets.append(i)
        i += 1
    if len(offsets) != len(sentence.text):  # defensive: fall back to proportional offsets
        return [
            sentence.begin + min(k, end - sentence.begin - 1) for k in range(len(sentence.text))
        ]
    return offsets


# --- discovery ------------------------------------------------------------------


def _qualifier_words(registry: Registry) -> set[str]:
    """Words that qualify a name nationally ("U.S.", "ROK", "Korea-U.S.", "U.S.-DPRK")."""
    words = {a for p in registry.parties for a in (*p.adjectives, *p.names, p.acronym or "")}
    words |= {e.acronym for e in registry.entities if e.type == "State" and e.acronym}
    words |= {e.name for e in registry.entities if e.type == "State"}
    return {w for w in words if w}


def _is_qualifier(token: str, qualifiers: set[str]) -> bool:
    parts = [p for p in re.split(r"-(?=[A-Z])", token) if p]
    return bool(parts) and all(p in qualifiers for p in parts)


def _clean_name(words: list[str], registry: Registry, qualifiers: set[str]) -> list[str]:
    """Drop leading years, ordinals, seasons, qualifiers and determiners."""
    drop = {w.lower() for w in registry.discovery.drop_prefixes}
    words = list(words)
    keep_date = len(words) >= 3 and words[0] in MONTHS and re.fullmatch(r"\d{4}", words[1])
    if keep_date:
        rest = [w for w in words[2:] if not _is_qualifier(w, qualifiers)]
        if len(rest) <= 2:
            return words
    keep = load_rules(registry.data_dir).keep_prefix_heads
    connectors = registry.discovery.connectors
    while (
        words
        and (
            # "ROK-U.S. Combined Division": the qualifier goes, "Combined" stays.
            not (len(words) == 2 and words[1] in keep and words[0].lower() not in connectors)
        )
        and (
            YEAR_OR_ORDINAL.match(words[0])
            or words[0] in SEASONS
            or words[0] in MONTHS
            or words[0].lower() in drop
            or words[0] in registry.discovery.connectors
            or _is_qualifier(words[0], qualifiers)
        )
    ):
        words.pop(0)
    return words


def _noun_type(word: str, registry: Registry) -> str | None:
    """The entity type a head noun gives, singular or plural, any case."""
    singulars = [word, word[:-1] if word.endswith("s") else word]
    if word.endswith("ies"):
        singulars.append(word[:-3] + "y")
    for candidate in singulars:
        for noun, kind in registry.discovery.head_nouns.items():
            if candidate == noun or candidate.lower() == noun.lower():
                return kind
    return None


def _head_type(words: list[str], registry: Registry) -> str | None:
    """The entity type named by the head noun.

    The head is the word before "of"/"for" ("Treaty of ..."); when that names no
    type and no "the" follows, the last word ("Security of Supply Arrangement",
    while "Commander of the ... Command" names the command alone). A trailing
    party name is not the head ("Space Forces Korea"). A modifier anywhere in the
    name may change the type ("Cyber Operations Command"). A prefix noun types
    a name without a head noun ("Camp Humphreys", but "Camp David ... Summit").
    """
    disc = registry.discovery
    if not words:
        return None
    last = len(words) - 1
    party_words = {n for p in registry.parties for n in (*p.names, *p.adjectives)}
    while last > 0 and (words[last] in party_words or VERSION.match(words[last])):
        last -= 1
    heads = [last]
    markers = load_rules(registry.data_dir).head_markers
    for i, word in enumerate(words):
        if i > 0 and word in markers:
            after_the = i + 1 < len(words) and words[i + 1].lower() == "the"
            heads = [i - 1] if after_the else [i - 1, last]
            break
    for index in heads:
        kind = _noun_type(words[index], registry)
        if kind is not None:
            for word in words:
                kind = disc.modifiers.get(word, {}).get(kind, kind)
            return kind
    if words[0] in disc.prefix_nouns and len(words) >= 2:
        return disc.prefix_nouns[words[0]]
    return None


def _runs(text: str, registry: Registry) -> Iterable[list[re.Match[str]]]:
    """Title-case runs of tokens, joined only by single spaces and connectors."""
    connectors = registry.discovery.connectors
    run: list[re.Match[str]] = []
    for match in TOKEN.finditer(text):
        word = match.group()
        gap = text[run[-1].end() : match.start()] if run else " "
        bare = word.rstrip(".")
        capital = word[0].isupper() or YEAR_OR_ORDINAL.match(bare) is not None
        capital = capital or CODED.match(bare) is not None or bool(run and VERSION.match(bare))
        if run and gap != " ":
            yield run
            run = []
        if capital or (run and word in connectors):
            run.append(match)
        else:
            if run:
                yield run
            run = []
    if run:
        yield run


def _word(token: str) -> str:
    """A token without sentence punctuation or possessive ("Summit." -> "Summit", "U.S." stays)."""
    token = token.removesuffix("’s").removesuffix("'s")
    if token.endswith(".") and not re.search(r"(?:^|[-.])[A-Z]\.$", token):
        token = token.rstrip(".")
    return token


def _split_coordination(words: list[str], registry: Registry) -> list[list[str]]:
    """Split "Panmunjom Declaration and the Pyongyang Joint Declaration" in two.

    Before "and the" a name ends even when its left side names nothing: "Minister
    Ahn and the ROK Ministry of National Defense" is a person and a ministry.
    """
    for i, word in enumerate(words):
        if word != "and" or not 0 < i < len(words) - 1:
            continue
        rest = words[i + 1 :]
        determined = rest[0] == "the"
        while rest and rest[0] == "the":
            rest = rest[1:]
        if (determined or _head_type(words[:i], registry)) and _head_type(rest, registry):
            return [words[:i], *_split_coordination(rest, registry)]
    return [words]


def _without_date(words: list[str], connectors: frozenset[str]) -> list[str]:
    """Cut a trailing "in August", "of May 21, 2022": when, not part of the name."""
    for i in range(1, len(words) - 1):
        following = words[i + 1]
        if words[i] in connectors and (following in MONTHS or following in SEASONS):
            return list(words[:i])
    return list(words)


def _trim(words: list[str], connectors: frozenset[str]) -> list[str]:
    while words and words[-1] in connectors:
        words.pop()
    return words


def _acronym_definitions(text: str) -> Iterable[tuple[str, list[str], str]]:
    """Inline definitions: the acronym, the words before it whose initials spell it,
    and the word right after the parenthesis ("(UFS) exercise": "exercise")."""
    for match in DEFINITION.finditer(text):
        after = re.match(r"\s+([a-z]+)\b", text[match.end() :])
        acronym = match["acronym"].strip()
        letters = [c.lower() for c in acronym if c.isalpha()]
        if acronym.endswith("s") and len(letters) > 2 and acronym[:-1].isupper():
            acronym, letters = acronym[:-1], letters[:-1]
        before = TOKEN.findall(text[: match.start()])[-(len(letters) * 2 + 3) :]
        # The run of words ending at the parenthesis whose initials include the
        # acronym's letters in order, starting with its first letter; of several, the
        # one whose capitalised initials spell most of it, then the shortest
        # ("Conditions-based Wartime ... Transition Plan (COTP)", not "Control ...").
        best: tuple[int, list[str]] | None = None
        for start in range(len(before) - 1, -1, -1):
            words = before[start:]
            if not words[0][0].isalpha() or words[0][0].lower() != letters[0]:
                continue
            chars = "".join(w.lower() for w in words)
            pos, ok = 0, True
            for letter in letters:
                pos = chars.find(letter, pos)
                if pos < 0:
                    ok = False
                    break
                pos += 1
            initials = sum(1 for w in words if w[0].isalpha() and w[0].lower() in letters)
            if ok and initials >= min(len(letters), 2) - 1:
                spelled = _spelled(words, letters)
                if best is None or spelled > best[0]:
                    best = (spelled, words)
        if best is not None:
            yield acronym, [_word(w) for w in best[1]], after.group(1) if after else ""


def _spelled(words: list[str], letters: list[str]) -> int:
    """How many of the acronym's letters, in order, capitalised words begin with."""
    parts = [p for w in words for p in w.split("-") if p[:1].isupper()]
    count, k = 0, 0
    for part in parts:
        if k < len(letters) and part[0].lower() == letters[k]:
            count, k = count + 1, k + 1
    return count


def _person_names(text: str, registry: Registry) -> Iterable[str]:
    """People introduced by a rank or title: "President Donald J. Trump"."""
    leads = sorted({*registry.ranks, *registry.titles}, key=len, reverse=True)
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(t) for t in leads) + r")\s+"
        r"(?P<name>(?:[A-Z][a-z]*[A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Za-z]+)?|[A-Z]\.)(?![A-Za-z])"
        r"(?:\s+(?:[A-Z][a-z]*[A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Za-z]+)?|[A-Z]\.|II|III|IV|Jr\.)"
        r"(?![A-Za-z]))*)"
    )
    for match in pattern.finditer(text):
        name = match["name"]
        if name.split()[0] in ("of", "the") or name in registry.discovery.not_entities:
            continue
        yield name


def build_catalogue(
    sentences: list[Sentence], meeting: MeetingFacts | None, registry: Registry
) -> Catalogue:
    """Collect the entities a document can mention: registry plus discoveries."""
    disc = registry.discovery
    rules = load_rules(registry.data_dir)
    qualifiers = _qualifier_words(registry)
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
        add(entity, (item.name, *item.aliases), item.acronym)

    series = {meeting.series} if meeting else set()
    officials = []
    if meeting:
        officials = [*meeting.heads, *(h for m in meeting.associated for h in m.heads)]
        if meeting.city:
            add(Entity(slugify(meeting.city), meeting.city, "Place"), (meeting.city,), None)
    for official in officials:
        person = registry.person_by_name(official.name)
        key = person.key if person else slugify(official.name)
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
                        if token not in NAME_SUFFIXES and not re.fullmatch(r"[A-Z]\.", token):
                            surfaces.append(Surface(f"{short} {token}", key, True))

    def discovered(words: list[str], acronym: str | None, after: str = "") -> None:
        words = _clean_name(
            _trim(_without_date(words, disc.connectors), disc.connectors), registry, qualifiers
        )
        name = " ".join(words)
        if acronym in disc.concept_acronyms or acronym in series:
            return
        if len(words) > 2 and words[0] in MONTHS and re.fullmatch(r"\d{4}", words[1]):
            # "the April 2018 Panmunjom Declaration": a known entity, dated.
            known = lookup.get(name_key(" ".join(_clean_name(words[2:], registry, qualifiers))))
            if known:
                return
        if not words or name in disc.not_entities or name in qualifiers:
            return
        initials = "".join(w[0] for w in words if w[0].isupper())
        if acronym is None and len(words) > 1 and initials in disc.concept_acronyms:
            return  # "Full Operational Capability": spelled out, still a concept (FOC)
        kind = _head_type(words, registry)
        if kind is None and acronym is not None and after:
            kind = _head_type([*words, after], registry)  # "Freedom Shield (FS) exercise"
        if kind is None and acronym is None and "of" in words[1:]:
            # "Article V of the Treaty of ...": the name may start after an "of".
            return discovered(words[words.index("of", 1) + 1 :], None)
        if kind is None or (len(words) == 1 and acronym is None):
            return
        if name.endswith("s") and not name.endswith("ss") and kind != "Meeting":
            name = name[:-1] if words[-1][:-1] in disc.head_nouns else name
        add(Entity(slugify(name), name, kind, acronym), (name,), acronym)

    definitions = [d for s in sentences for d in _acronym_definitions(s.text)]
    series_names = {" ".join(words) for acronym, words, _ in definitions if acronym in series}
    for acronym, words, after in definitions:
        discovered(words, acronym, after)
    for sentence in sentences:
        text = sentence.text
        for run in _runs(text, registry):
            words = _trim([_word(m.group()) for m in run], disc.connectors)
            for part in split_at_places(words, rules, lambda w: _head_type(w, registry)):
                for words in _split_coordination(part, registry):
                    if " ".join(words) not in series_names:
                        discovered(words, None)
        for name in _person_names(text, registry):
            person = registry.person_by_name(name)
            key = person.key if person else slugify(name)
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

    _add_unheaded(sentences, registry, rules, qualifiers, lookup, add, surfaces)
    _merge_surnames(entities, surfaces, registry)

    masks = tuple(p.title for p in registry.posts if " of " in p.title)
    masks += tuple(series) + tuple(sorted(series_names))
    surfaces.sort(key=lambda s: (-len(s.text), s.text, s.entity))
    return Catalogue(entities, tuple(surfaces), frozenset(parties), masks)


def _add_unheaded(
    sentences: list[Sentence],
    registry: Registry,
    rules: NameRules,
    qualifiers: set[str],
    lookup: dict[str, str],
    add: Callable[[Entity, Iterable[str], str | None], str],
    surfaces: list[Surface],
) -> None:
    """Names without head noun or definition: forms, cue nouns, the gazetteer.

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

    def acceptable(words: list[str]) -> bool:
        return bool(words) and not any(w in banned or w.lower() in lower for w in words)

    for sentence in sentences:
        text = sentence.text
        for name, kind in form_names(text, rules):
            if name not in disc.concept_acronyms and name_key(name) not in lookup:
                add(Entity(slugify(name), name, kind), (name,), None)
        for name, phrase, kind in cue_names(text, rules):
            words = _clean_name(name.split(), registry, qualifiers)
            if not acceptable(words) or name_key(" ".join(words)) in lookup:
                continue
            if _head_type(words, registry) is None and (len(words) > 1 or text.find(name) > 0):
                clean = " ".join(words)
                key = add(Entity(slugify(clean), clean, kind), (clean,), None)
                surfaces.append(
                    Surface(phrase[phrase.index(clean) :], key, False, named=len(clean))
                )
        for run in _runs(text, registry):
            words = _trim([_word(m.group()) for m in run], disc.connectors)
            for part in split_at_places(words, rules, lambda w: _head_type(w, registry)):
                for chunk in _split_at_connectors(part, registry.discovery.connectors):
                    kind = place_type(chunk, rules)
                    if kind and acceptable(chunk):
                        name = " ".join(chunk)
                        add(Entity(slugify(name), name, kind), (name,), None)


def _split_at_connectors(words: list[str], connectors: frozenset[str]) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for word in words:
        if word in connectors:
            chunks.append([])
        else:
            chunks[-1].append(word)
    return [c for c in chunks if c]


def _merge_surnames(
    entities: dict[str, Entity], surfaces: list[Surface], registry: Registry
) -> None:
    """A person named by one word ("General Scaparrotti", "Chairman Kim") is the one
    person of the document whose full name starts or ends with that word."""
    people = [e for e in entities.values() if e.type == "Person"]
    for short in [e for e in people if " " not in e.name]:
        full = [
            e
            for e in people
            if e is not short
            and short.name in (e.name.split()[0], *[w for w in e.name.split()[-2:]])
        ]
        if len(full) != 1 or short.curated:
            continue
        del entities[short.key]
        for i, surface in enumerate(surfaces):
            if surface.entity == short.key:
                surfaces[i] = Surface(
                    surface.text, full[0].key, surface.case_sensitive, surface.plural
                )


# --- matching -------------------------------------------------------------------


def _boundary_ok(text: str, begin: int, end: int) -> bool:
    before = text[begin - 1] if begin > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def find_mentions(source: SourceFile, sentence: Sentence, catalogue: Catalogue) -> list[Mention]:
    """The entities ``sentence`` names, longest match first, without overlaps."""
    text = sentence.text
    taken = [False] * len(text)
    for mask in catalogue.masks:
        for match in re.finditer(re.escape(mask), text):
            if _boundary_ok(text, match.start(), match.end()):
                for k in range(match.start(), match.end()):
                    taken[k] = True
    found: list[tuple[int, int, str]] = []
    # Names of several words also match with hyphens for spaces ("Future-Combined
    # Forces Command"); the replacement keeps every offset in place.
    joined = _HYPHEN_IN_NAME.sub(" ", text)
    haystacks = {(True, False): text, (False, False): text.lower()}
    haystacks |= {(True, True): joined, (False, True): joined.lower()}
    for surface in catalogue.surfaces:
        several = " " in surface.text
        needle = _HYPHEN_IN_NAME.sub(" ", surface.text) if several else surface.text
        needle = needle if surface.case_sensitive else needle.lower()
        haystack = haystacks[(surface.case_sensitive, several)]
        start = haystack.find(needle)
        while start >= 0:
            end = start + len(needle)
            if surface.plural and end < len(text) and text[end] == "s":
                end += 1
            if _boundary_ok(text, start, end) and not any(taken[start:end]):
                span_start, span_end = start, end
                if " " in surface.text and surface.case_sensitive and not surface.text[0].islower():
                    # "Secretary Austin": the mention is the name, not the title.
                    span_start = start + surface.text.rindex(" ") + 1
                if surface.named:  # "Iron Mace tabletop exercise": the name alone
                    span_end = start + surface.named
                found.append((span_start, span_end, surface.entity))
                for k in range(start, end):
                    taken[k] = True
            start = haystack.find(needle, start + 1)
    offsets = char_offsets(source, sentence)
    mentions = []
    for begin, end, key in sorted(found):
        src_begin = offsets[begin]
        src_end = offsets[end - 1] + 1
        mentions.append(
            Mention(key, sentence.paragraph, sentence.number, src_begin, src_end, text[begin:end])
        )
    return mentions
