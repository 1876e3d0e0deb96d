"""Link each statement to the statement of the previous communiqué it carries
forward, and class the link: repeated, strengthened, weakened, changed, fulfilled.

Two statements are the same commitment when their wording, the entities they
mention, their topics, their verb class and the paragraphs around them agree;
wording is compared as TF-IDF vectors over the two communiqués, so words every
paragraph uses ("Alliance", "cooperation") count for little. The paragraph
context carries a statement reworded, split or merged with its neighbours. The
weights, the thresholds (chosen on the development pairs) and the lexicons that
class a link live in data/threads.yaml.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from scmgraph.model import Facts, Statement, StatementRef, ThreadLink
from scmgraph.registry.files import default_data_dir, read_data
from scmgraph.registry.load import slugify
from scmgraph.registry.patterns import compiled


@dataclass(frozen=True)
class Weights:
    """How much each kind of evidence counts in a link's score (they sum to 1)."""

    wording: float = 0.6
    entities: float = 0.25
    topics: float = 0.15
    verb_class: float = 0.0
    context: float = 0.0


# The characters outside ASCII that ``re.IGNORECASE`` matches to an ASCII letter besides
# those whose ``str.lower()`` is that letter (dotless i, long s), and the one whose
# ``str.lower()`` is two characters (dotted capital I).
_CASE_TWINS = str.maketrans({"\u0131": "i", "\u017f": "s", "\u0130": "i"})


def folded(text: str) -> str:
    """``text`` as a case-blind pattern of ASCII letters sees it: a cue word such a
    pattern finds in ``text`` is a substring of this, character for character."""
    return text.translate(_CASE_TWINS).lower()


@dataclass(frozen=True)
class CueWords:
    """Words (a trailing ``*``: any ending) whose occurrences in a statement class a
    link; each pattern is only run on a text holding its stem (``folded``)."""

    stems: tuple[str, ...]  # lower case
    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, words: list[str]) -> CueWords:
        # A stem outside ASCII is always searched: ``folded`` vouches for ASCII alone.
        stems = tuple(w.rstrip("*").lower() if w.isascii() else "" for w in words)
        return cls(stems, tuple(_pattern(w) for w in words))

    def count(self, text: str, folded_text: str) -> int:
        """How many times the words occur in ``text`` (``folded_text``: ``folded(text)``)."""
        return sum(
            len(pattern.findall(text))
            for stem, pattern in zip(self.stems, self.patterns, strict=True)
            if stem in folded_text
        )


@dataclass(frozen=True)
class Lexicons:
    fulfilment: CueWords
    strengthening: CueWords
    weakening: CueWords
    stopwords: frozenset[str]
    fulfillable: frozenset[str]
    weights: Weights = Weights()
    link_threshold: float = 0.30  # combined score a link needs
    repeated_similarity: float = 0.6  # wording at least this close, same class: repeated


def _pattern(word: str) -> re.Pattern[str]:
    tail = r"\w*" if word.endswith("*") else ""
    return compiled(rf"\b{re.escape(word.rstrip('*'))}{tail}\b", re.IGNORECASE)


def load_lexicons(data_dir: Path | None = None) -> Lexicons:
    raw = read_data((data_dir or default_data_dir()) / "threads.yaml")
    return Lexicons(
        fulfilment=CueWords.of(raw["fulfilment"]),
        strengthening=CueWords.of(raw["strengthening"]),
        weakening=CueWords.of(raw["weakening"]),
        stopwords=frozenset(w.lower() for w in raw["stopwords"]),
        fulfillable=frozenset(raw["fulfillable"]),
        weights=Weights(**{str(k): float(v) for k, v in (raw.get("weights") or {}).items()}),
        link_threshold=float(raw.get("link_threshold", 0.30)),
        repeated_similarity=float(raw.get("repeated_similarity", 0.6)),
    )


def ref(facts: Facts, statement: Statement) -> StatementRef:
    return StatementRef(
        facts.document.name, statement.paragraph, statement.sentence, statement.index
    )


def _terms(text: str, stopwords: frozenset[str]) -> list[str]:
    words = re.findall(r"[a-z][a-z0-9-]+", text.lower())
    return [w.removesuffix("s") for w in words if w not in stopwords and len(w) > 2]


def _vectors(texts: list[list[str]]) -> list[dict[str, float]]:
    documents = len(texts)
    frequency = Counter(term for terms in texts for term in set(terms))
    vectors = []
    for terms in texts:
        counts = Counter(terms)
        vector = {t: c * math.log((1 + documents) / (1 + frequency[t])) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in vector.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two unit vectors; terms of one only add nothing (weights are
    not negative), so they are skipped, the others added in the same order."""
    if len(a) > len(b):
        a, b = b, a
    return sum((v * b[t] for t, v in a.items() if t in b), 0.0)


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def classify(previous: Statement, current: Statement, wording: float, lex: Lexicons) -> str:
    """Name how ``current`` carries ``previous`` forward."""
    new, old = (current.text, folded(current.text)), (previous.text, folded(previous.text))

    def change(words: CueWords) -> int:  # occurrences gained
        return words.count(*new) - words.count(*old)

    if previous.verb_class in lex.fulfillable and change(lex.fulfilment) > 0:
        return "fulfilled"
    firmer = change(lex.strengthening)
    softer = change(lex.weakening)
    if current.verb_class == "commitment" and previous.verb_class != "commitment":
        firmer += 1
    if previous.verb_class == "commitment" and current.verb_class != "commitment":
        softer += 1
    if wording >= lex.repeated_similarity and current.verb_class == previous.verb_class:
        if firmer - softer > 0 and firmer > 0:
            return "strengthened"
        return "repeated"
    if firmer > softer:
        return "strengthened"
    if softer > firmer:
        return "weakened"
    return "changed"


def _label(previous: Statement, current: Statement, names: dict[str, str], topics: str) -> str:
    shared = [k for k in current.mentions if k in previous.mentions]
    if shared:
        return " / ".join(names.get(k, k) for k in shared[:2])
    return topics


def link(previous: Facts, current: Facts, lex: Lexicons, names: dict[str, str]) -> list[ThreadLink]:
    """The thread links from ``current``'s statements back to ``previous``'s."""
    old, new = list(previous.statements), list(current.statements)
    if not old or not new:
        return []
    vectors = _vectors([_terms(s.text, lex.stopwords) for s in (*old, *new)])
    old_vectors, new_vectors = vectors[: len(old)], vectors[len(old) :]
    old_context, new_context = _contexts(previous, current, lex)
    w = lex.weights
    # Where the meetings were held says nothing of what a statement carries forward.
    ignored = {slugify(f.meeting.city) for f in (previous, current) if f.meeting.city}
    # Nor who spoke: the heads change from one meeting to the next, the commitment stays.
    ignored |= {e.key for f in (previous, current) for e in f.entities if e.type == "Person"}
    old_named = [set(c.mentions) - ignored for c in old]
    old_topics = [set(c.topics) for c in old]
    contexts: dict[tuple[int, int], float] = {}  # by paragraph pair: statements share them
    links = []
    for statement, vector in zip(new, new_vectors, strict=True):
        best: tuple[float, float, int] | None = None
        named = set(statement.mentions) - ignored
        own_topics = set(statement.topics)
        for index, (candidate, candidate_vector) in enumerate(zip(old, old_vectors, strict=True)):
            wording = _cosine(vector, candidate_vector)
            entities = _jaccard(named, old_named[index])
            topics = _jaccard(own_topics, old_topics[index])
            same_class = float(statement.verb_class == candidate.verb_class)
            paragraphs = (statement.paragraph, candidate.paragraph)
            context = contexts.get(paragraphs)
            if context is None:
                context = contexts[paragraphs] = _cosine(
                    new_context.get(paragraphs[0], {}), old_context.get(paragraphs[1], {})
                )
            score = (
                w.wording * wording
                + w.entities * entities
                + w.topics * topics
                + w.verb_class * same_class
                + w.context * context
            )
            if best is None or score > best[0]:
                best = (score, wording, index)
        if best is None or best[0] < lex.link_threshold:
            continue
        score, wording, index = best
        match = old[index]
        shared_topics = tuple(t for t in statement.topics if t in match.topics)
        links.append(
            ThreadLink(
                previous=ref(previous, match),
                current=ref(current, statement),
                kind=classify(match, statement, wording, lex),
                similarity=round(wording, 3),
                shared_entities=tuple(k for k in statement.mentions if k in match.mentions),
                shared_topics=shared_topics,
                label=_label(match, statement, names, ", ".join(shared_topics or statement.topics)),
            )
        )
    return links


def _contexts(
    previous: Facts, current: Facts, lex: Lexicons
) -> tuple[dict[int, dict[str, float]], dict[int, dict[str, float]]]:
    """Each paragraph of both communiqués as a TF-IDF vector over all their paragraphs:
    what a statement is about when its own words were changed."""
    old = {p.number: _terms(p.text, lex.stopwords) for p in previous.document.paragraphs}
    new = {p.number: _terms(p.text, lex.stopwords) for p in current.document.paragraphs}
    vectors = _vectors([*old.values(), *new.values()])
    return dict(zip(old, vectors[: len(old)], strict=True)), dict(
        zip(new, vectors[len(old) :], strict=True)
    )


def link_series(all_facts: list[Facts], lex: Lexicons | None = None) -> list[ThreadLink]:
    """Links between each communiqué and the previous one of its series."""
    lex = lex or load_lexicons()
    by_meeting = {
        (f.meeting.series, f.meeting.ordinal): f for f in all_facts if f.meeting.ordinal is not None
    }
    names = {e.key: e.name for f in all_facts for e in f.entities}
    links = []
    for (series, ordinal), facts in sorted(by_meeting.items(), key=lambda item: str(item[0])):
        previous = by_meeting.get((series, ordinal - 1))  # type: ignore[operator]
        if previous is not None:
            links.extend(link(previous, facts, lex, names))
    return links
