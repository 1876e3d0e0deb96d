"""Words of names: title-case runs, head nouns, qualifiers, inline definitions.

The pieces ``entities.build_catalogue`` puts together to discover the entities
of a communiqué. Types come from head nouns (data/discovery.yaml); nothing here
names an entity of the corpus.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Iterable

from text_to_num import alpha2digit

from scmgraph.extract.namerules import NameRules, appositive_people, load_rules, place_type
from scmgraph.registry.load import Registry
from scmgraph.registry.patterns import compiled

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9’'\-.&/]*")
YEAR_OR_ORDINAL = re.compile(r"^(?:\d{4}|\d+(?:st|nd|rd|th)|\d{1,2}-\d{1,2})$")
VERSION = re.compile(r"^\d+(?:\.\d+)+$")  # "Defense Reform 2.0"
CODED = re.compile(r"^\d+[A-Z]+$")  # "4D Operational Concept"
NUMBER = re.compile(r"^\d{1,5}$")  # "Resolution 2270", "Change 1": a numbered name
YEAR = re.compile(r"^\d{4}$")
DAY = re.compile(r"^\d{1,2}$")
SEASONS = frozenset({"Spring", "Summer", "Fall", "Autumn", "Winter"})
MONTHS = frozenset(calendar.month_name[1:])
# "(KAMD)", "(2ID)": a short form in parentheses with a capital letter, never a year.
DEFINITION = re.compile(r"\((?P<acronym>(?=\d*[A-Z])[A-Z\d][A-Za-z0-9&\- ]{0,10}?)(?:’s|'s)?\)")


def qualifier_words(registry: Registry) -> set[str]:
    """Words that qualify a name nationally ("U.S.", "ROK", "Korea-U.S.", "U.S.-DPRK")."""
    words = {a for p in registry.parties for a in (*p.adjectives, *p.names, p.acronym or "")}
    words |= {e.acronym for e in registry.entities if e.type == "State" and e.acronym}
    words |= {e.name for e in registry.entities if e.type == "State"}
    return {w for w in words if w}


def is_qualifier(token: str, qualifiers: set[str]) -> bool:
    parts = [p for p in re.split(r"-(?=[A-Z])", token) if p]
    return bool(parts) and all(p in qualifiers for p in parts)


def clean_name(words: list[str], registry: Registry, qualifiers: set[str]) -> list[str]:
    """Drop leading years, ordinals, seasons, qualifiers and determiners."""
    drop = {w.lower() for w in registry.discovery.drop_prefixes}
    words = list(words)
    keep_date = len(words) >= 3 and words[0] in MONTHS and re.fullmatch(r"\d{4}", words[1])
    if keep_date:
        rest = [w for w in words[2:] if not is_qualifier(w, qualifiers)]
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
            or _counted_meeting(words, registry)
            or words[0] in SEASONS
            or words[0] in MONTHS
            or (words[0].lower() in drop and not _designated(words))
            or words[0] in registry.discovery.connectors
            or is_qualifier(words[0], qualifiers)
        )
    ):
        words.pop(0)
    return words


def _designated(words: list[str]) -> bool:
    """A name that ends in its number keeps its modifiers: "Combined Task Force 151"."""
    return words[0].lower() != "the" and len(words) > 2 and NUMBER.match(words[-1]) is not None


def _counted_meeting(words: list[str], registry: Registry) -> bool:
    """ "Twentieth ... Military Committee Meeting": a meeting counted in words, which
    "20th" would write (a unit keeps its number: "Eighth Army")."""
    if len(words) < 2 or noun_type(words[-1], registry) != "Meeting":
        return False
    return YEAR_OR_ORDINAL.match(alpha2digit(words[0], "en")) is not None


def noun_type(word: str, registry: Registry) -> str | None:
    """The entity type a head noun gives, singular or plural, any case."""
    singulars = [word, word[:-1] if word.endswith("s") else word]
    if word.endswith("ies"):
        singulars.append(word[:-3] + "y")
    folded = registry.discovery.folded_head_nouns
    for candidate in singulars:
        kind = folded.get(candidate.lower())
        if kind is not None:
            return kind
    return None


def heads_after(word: str, registry: Registry) -> bool:
    """Whether the word after a defined acronym is a capitalised head noun that ends
    the name: "Wartime Host Nation Support (WHNS) Agreement"."""
    return word[:1].isupper() and noun_type(word, registry) is not None


def head_type(words: list[str], registry: Registry) -> str | None:
    """The entity type named by the head noun.

    The head is the word before "of"/"for" ("Treaty of ..."); when that names no
    type and no "the" follows, the last word ("Security of Supply Arrangement",
    while "Commander of the ... Command" names the command alone). A trailing
    party name, version or number is not the head ("Space Forces Korea",
    "Resolution 2270"). A modifier anywhere in the
    name may change the type ("Cyber Operations Command"). A prefix noun types
    a name without a head noun ("Camp Humphreys", but "Camp David ... Summit").
    """
    disc = registry.discovery
    if not words:
        return None
    last = len(words) - 1
    party_words = {n for p in registry.parties for n in (*p.names, *p.adjectives)}
    while last > 0 and (
        words[last] in party_words or VERSION.match(words[last]) or NUMBER.match(words[last])
    ):
        last -= 1
    heads = [last]
    markers = load_rules(registry.data_dir).head_markers
    for i, word in enumerate(words):
        if i > 0 and word in markers:
            after_the = i + 1 < len(words) and words[i + 1].lower() == "the"
            heads = [i - 1] if after_the else [i - 1, last]
            break
    for index in heads:
        kind = noun_type(words[index], registry)
        if kind is not None:
            for word in words:
                kind = disc.modifiers.get(word, {}).get(kind, kind)
            return kind
    if words[0] in disc.prefix_nouns and len(words) >= 2:
        return disc.prefix_nouns[words[0]]
    versioned = load_rules(registry.data_dir).versioned
    if versioned and len(words) >= 3 and (VERSION.match(words[-1]) or YEAR.match(words[-1])):
        return versioned  # "Defense Innovation 4.0", "Strategic Alliance 2015": a programme
    return None


def title_runs(text: str, registry: Registry) -> Iterable[list[re.Match[str]]]:
    """Title-case runs of tokens, joined only by single spaces and connectors."""
    connectors = registry.discovery.connectors
    run: list[re.Match[str]] = []
    for match in TOKEN.finditer(text):
        word = match.group()
        gap = text[run[-1].end() : match.start()] if run else " "
        bare = word.rstrip(".")
        capital = word[0].isupper() or YEAR_OR_ORDINAL.match(bare) is not None
        capital = capital or CODED.match(bare) is not None
        capital = capital or bool(run and (VERSION.match(bare) or NUMBER.match(bare)))
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


# Names listed by number after their plural head: "Resolutions 1718, 1874 and 2094".
NUMBERED_LIST = re.compile(
    r"(?<![\w.’'-])(?P<name>(?:[A-Z][\w.’'-]* ){0,6})(?P<head>[A-Z][a-z]+)s "
    r"(?P<numbers>\d{1,5}(?:, \d{1,5})*,? and \d{1,5})\b"
)


def numbered_lists(text: str) -> Iterable[tuple[list[str], str]]:
    """Each name of a numbered list, and how the text writes it: the first with its
    stem ("United Nations Security Council Resolutions 1718"), the others by number.

    >>> [(" ".join(w), s) for w, s in numbered_lists("They cited Key Resolutions 12 and 13.")]
    [('Key Resolution 12', 'Key Resolutions 12'), ('Key Resolution 13', '13')]
    """
    for match in NUMBERED_LIST.finditer(text):
        numbers = re.findall(r"\d+", match["numbers"])
        stem = [*match["name"].split(), match["head"]]
        first = f"{match['name']}{match['head']}s {numbers[0]}"
        for i, number in enumerate(numbers):
            yield [*stem, number], first if i == 0 else number


def bare_word(token: str) -> str:
    """A token without sentence punctuation or possessive ("Summit." -> "Summit", "U.S." stays)."""
    token = token.removesuffix("’s").removesuffix("'s")
    if token.endswith(".") and not re.search(r"(?:^|[-.])[A-Z]\.$", token):
        token = token.rstrip(".")
    return token


def split_coordination(
    words: list[str], registry: Registry, known: Collection[str] = ()
) -> list[list[str]]:
    """Split "Panmunjom Declaration and the Pyongyang Joint Declaration" in two.

    Before "and the" a name ends even when its left side names nothing: "Minister
    Ahn and the ROK Ministry of National Defense" is a person and a ministry. "the
    Eighth Army and the Rodriguez Live Fire Complex and Camp Market" names three.
    Before a ``known`` name (one the document defines) a name ends too: "Kill Chain
    and Korea Air and Missile Defense (KAMD)" names two.
    """
    if "and" not in words:
        return [words]
    shared = _shared_head(words, registry)
    if shared:
        return shared
    for i, word in enumerate(words):
        if word == "and" and 0 < i < len(words) - 1 and " ".join(words[i + 1 :]) in known:
            return [*split_coordination(words[:i], registry, known), words[i + 1 :]]
    qualifiers = qualifier_words(registry)
    connectors = registry.discovery.connectors
    for i, word in enumerate(words):
        if word != "and" or not 0 < i < len(words) - 1:
            continue
        rest = words[i + 1 :]
        qualifying = [w for w in rest if w not in connectors]
        if all(is_qualifier(w, qualifiers) for w in qualifying):
            # "US Space Forces Korea and ROK space units", "Gulf of Aden and of ROK units"
            return [words[:i]]
        determined = rest[0] == "the"
        while rest and rest[0] == "the":
            rest = rest[1:]
        if (determined or head_type(words[:i], registry)) and head_type(rest, registry):
            # the left side may hold a coordination its longer right side hid
            return [
                *split_coordination(words[:i], registry, known),
                *split_coordination(rest, registry, known),
            ]
    return [words]


def _shared_head(words: list[str], registry: Registry) -> list[list[str]]:
    """ "Seohee and Jema Units": two names that share their plural head, when it is
    one that belongs to a unit's name (data/discovery.yaml ``keep_prefix_heads``)."""
    singular = words[-1][:-1]
    if words.count("and") != 1 or singular not in load_rules(registry.data_dir).keep_prefix_heads:
        return []
    i = words.index("and")
    left, right = words[:i], words[i + 1 : -1]
    if not left or not right or head_type(left, registry):
        return []
    return [[*left, singular], [*right, singular]]


_NAME_OPENERS = frozenset({"the"})  # connectors after which a date opens a name


def without_date(words: list[str], connectors: frozenset[str]) -> list[str]:
    """Cut a trailing "in August", "of May 21, 2022", "on 21 October 2005", "in 2016":
    when, not part of the name. A year after "the" opens the next name ("the 1986
    Asian Games and the 1988 Seoul Olympic Games")."""
    for i in range(1, len(words) - 1):
        if words[i] in _NAME_OPENERS:
            continue
        following = words[i + 1]
        day_first = DAY.match(following) and i + 2 < len(words) and words[i + 2] in MONTHS
        dated = following in MONTHS or following in SEASONS or YEAR.match(following) or day_first
        if words[i] in connectors and dated:
            return list(words[:i])
    return list(words)


def trim(words: list[str], connectors: frozenset[str]) -> list[str]:
    while words and words[-1] in connectors:
        words.pop()
    return words


def acronym_definitions(text: str) -> Iterable[tuple[str, list[str], str]]:
    """Inline definitions: the acronym, the words before it whose initials spell it,
    and the word right after the parenthesis ("(UFS) exercise": "exercise"; "(WHNS)
    Agreement": "Agreement")."""
    for match in DEFINITION.finditer(text):
        after = re.match(r"\s+([A-Za-z]+)\b", text[match.end() :])
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
                score = spelled(words, letters)
                if best is None or score > best[0]:
                    best = (score, words)
        if best is not None:
            yield acronym, [bare_word(w) for w in best[1]], after.group(1) if after else ""


def spelled(words: list[str], letters: list[str]) -> int:
    """How many of the acronym's letters, in order, capitalised words begin with."""
    parts = [p for w in words for p in w.split("-") if p[:1].isupper()]
    count, k = 0, 0
    for part in parts:
        if k < len(letters) and part[0].lower() == letters[k]:
            count, k = count + 1, k + 1
    return count


def person_names(text: str, registry: Registry) -> Iterable[tuple[str, str]]:
    """People introduced by a rank, a title or a post, with it: ("President", "Donald J.
    Trump"), ("Secretary of Defense", "Ashton Carter")."""
    posts = {p.title for p in registry.posts}
    leads = sorted({*registry.ranks, *registry.titles, *posts}, key=len, reverse=True)
    pattern = compiled(
        r"\b(?P<lead>" + "|".join(re.escape(t) for t in leads) + r")\s+"
        r"(?P<name>(?:[A-Z][a-z]*[A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Za-z]+)?|[A-Z]\.)(?![A-Za-z])"
        r"(?:\s+(?:[A-Z][a-z]*[A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Za-z]+)?|[A-Z]\.|II|III|IV|Jr\.)"
        r"(?![A-Za-z]))*(?:,\s+(?:Jr|Sr)\.)?)"
    )
    for match in pattern.finditer(text):
        name = match["name"]
        if name.split()[0] in ("of", "the") or name in registry.discovery.not_entities:
            continue
        yield match["lead"], name


def appositions(text: str, registry: Registry, rules: NameRules) -> list[str]:
    """People named before a comma and their post, without rank, title or courtesy
    title ("The Honorable")."""
    leads = {*registry.ranks, *registry.titles}
    cues = registry.meeting_cues
    honorifics = sorted(cues.honorifics if cues else (), key=len, reverse=True)
    found = []
    for name in appositive_people(text, rules):
        for honorific in honorifics:
            name = name.removeprefix(f"{honorific} ")
        words = name.split()
        while words and words[0] in leads:
            words.pop(0)
        plain = [w for w in words if not re.fullmatch(r"[A-Z]\.|Jr\.|II|III|IV", w)]
        if len(plain) < 2 or any(w in registry.discovery.not_entities for w in words):
            continue
        if place_type(words, rules) or head_type(words, registry):
            continue
        found.append(" ".join(words))
    return found


def post_masks(registry: Registry) -> tuple[str, ...]:
    """Post titles that hide the names inside them, with a party qualifier after
    "of the" and in the plural: "Chairman of the U.S. Joint Chiefs of Staff", "the
    ROK and US Chairmen of the Joint Chiefs of Staff"."""
    adjectives = sorted({a for p in registry.parties for a in p.adjectives})
    masks: list[str] = []
    for title in dict.fromkeys(p.title for p in registry.posts if " of " in p.title):
        head, rest = title.split(" ", 1)
        plural = head[:-3] + "men" if head.endswith("man") else head + "s"
        for first in (head, plural):
            masks.append(f"{first} {rest}")
            if " of the " in title:
                masks += [
                    f"{first} {rest.replace('of the ', f'of the {a} ', 1)}" for a in adjectives
                ]
    return tuple(masks)


def split_at_connectors(words: list[str], connectors: frozenset[str]) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for word in words:
        if word in connectors:
            chunks.append([])
        else:
            chunks[-1].append(word)
    return [c for c in chunks if c]
