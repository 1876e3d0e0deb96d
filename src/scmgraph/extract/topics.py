"""Assign one to three topics to a clause from the registry's keywords.

A clause is short and often elliptic ("They further expressed their intent to
work together for that purpose."), so its own keyword score is blended with
the score of its whole paragraph: communiqué paragraphs keep to one subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scmgraph.registry.load import Registry, Topic
from scmgraph.registry.patterns import compiled

PARAGRAPH_WEIGHT = 0.25  # share of the paragraph's score added to a clause's
KEEP_RATIO = 0.5  # a second or third topic must reach this share of the best score
MAX_TOPICS = 3
ELLIPTIC = 1.0  # a clause whose best own score is below this takes its paragraph's topic


@dataclass(frozen=True)
class TopicScorer:
    """Keyword patterns compiled once per registry."""

    # per topic: (literal the pattern starts with (lower-case), pattern, weight)
    patterns: tuple[tuple[Topic, tuple[tuple[str, re.Pattern[str], float], ...]], ...]
    entity_topics: dict[str, tuple[str, ...]]  # entity name (lower) -> topic ids

    @classmethod
    def from_registry(cls, registry: Registry) -> TopicScorer:
        found = []
        entity_topics: dict[str, list[str]] = {}
        for topic in registry.topics:
            strong = {s.lower() for s in topic.strong}
            items = []
            for keyword in topic.keywords:
                weight = 2.0 if keyword.lower() in strong else 1.0
                items.append((*_keyword_pattern(keyword), weight))
            for keyword in strong - {k.lower() for k in topic.keywords}:
                items.append((*_keyword_pattern(keyword), 2.0))
            for keyword in topic.weak:
                items.append((*_keyword_pattern(keyword), 0.5))
            found.append((topic, tuple(items)))
            for name in topic.entities:
                entity_topics.setdefault(name.lower(), []).append(topic.id)
        return cls(tuple(found), {k: tuple(v) for k, v in entity_topics.items()})

    def score(self, text: str, entity_names: Iterable[str] = ()) -> dict[str, float]:
        scores: dict[str, float] = {}
        text = re.sub(r"\s*&\s*", " and ", text)
        # In ASCII text a keyword whose literal is not in the lower-cased text cannot
        # match (most keywords of most topics): its pattern is not run.
        lowered = text.lower() if text.isascii() else None
        for topic, items in self.patterns:
            total = sum(
                weight * len(p.findall(text))
                for literal, p, weight in items
                if lowered is None or literal in lowered
            )
            if total:
                scores[topic.id] = total
        for name in entity_names:
            for topic_id in self.entity_topics.get(name.lower(), ()):
                scores[topic_id] = scores.get(topic_id, 0.0) + 1.5
        return scores

    def choose(
        self,
        clause: dict[str, float],
        paragraph: dict[str, float],
        sentence: dict[str, float] | None = None,
    ) -> tuple[str, ...]:
        """Blend clause and paragraph scores and keep the strong ones, best first.

        A clause without a keyword of its own ("and the Minister voiced thanks for
        this pledge") speaks of what its ``sentence`` does, when the sentence says
        enough: coordinated clauses share a subject.
        """
        if not clause and sentence and max(sentence.values()) >= ELLIPTIC:
            clause = sentence
        order = [topic.id for topic, _ in self.patterns]
        blended = {
            t: clause.get(t, 0.0) + PARAGRAPH_WEIGHT * paragraph.get(t, 0.0)
            for t in set(clause) | set(paragraph)
        }
        if not blended:
            return (order[0],)
        ranked = sorted(blended.items(), key=lambda item: (-item[1], order.index(item[0])))
        best = ranked[0][1]
        chosen = [t for t, s in ranked if s >= KEEP_RATIO * best and clause.get(t, 0.0) > 0]
        if max(clause.values(), default=0.0) < ELLIPTIC and ranked[0][0] not in chosen:
            # "They decided to review progress each year at the SCM": the clause says
            # little of its own; its paragraph's subject is its subject.
            chosen.insert(0, ranked[0][0])
        if not chosen:
            chosen = [ranked[0][0]]
        return tuple(chosen[:MAX_TOPICS])


def _keyword_pattern(keyword: str) -> tuple[str, re.Pattern[str]]:
    """The keyword's pattern, and the literal every match contains, lower-case (or "",
    which every text contains, when the keyword is not ASCII)."""
    stem = keyword.rstrip("*")
    tail = r"\w*" if keyword.endswith("*") else ""
    pattern = compiled(rf"(?<![\w-]){re.escape(stem)}{tail}(?![\w-])", re.IGNORECASE)
    return (stem.lower() if stem.isascii() else ""), pattern
