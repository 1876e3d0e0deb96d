"""Find the reporting clauses of a communiqué: who said or did what.

The genre is formulaic: a subject naming one or both delegations ("The
Secretary and the Minister", "Both sides", "He"), optional adverbs, then a
reporting verb ("reaffirmed", "pledged"); a second reporting verb coordinated
with "and"/"but" is a second statement. Verbs inside that-clauses, infinitives,
participles and relative clauses are not statements. Subjects, verbs, light-verb
nouns and adverbs all come from the registry, so the rules name no document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scmgraph.model import MeetingFacts, Sentence
from scmgraph.registry import Registry, Verb

RULE_SUBJECT = "subject-verb"
RULE_COORDINATED = "coordinated-verb"
LIGHT_NOUN_WINDOW = 4  # words after a light verb in which its noun must appear


@dataclass(frozen=True)
class Clause:
    """A reporting clause found in a sentence, before topics and mentions are added."""

    verb: Verb
    verb_class: str
    actors: frozenset[str]
    speakers: tuple[str, ...]  # post keys of the speakers, resolved to people later
    begin: int  # index of the verb in sentence.text
    end: int
    rule: str


@dataclass(frozen=True)
class Speaker:
    """One way the text can name a speaker, and whom it names."""

    parties: frozenset[str]
    posts: tuple[str, ...]  # post keys
    plural: bool


@dataclass
class Context:
    """What pronouns refer to, carried from sentence to sentence of a paragraph."""

    last_singular: Speaker | None = None
    last_plural: Speaker | None = None


class ClauseFinder:
    """Compiled patterns for one registry and meeting."""

    def __init__(self, registry: Registry, meeting: MeetingFacts | None) -> None:
        self.registry = registry
        self.forms = registry.verb_forms()
        subj = registry.subjects
        heads = meeting.heads if meeting and meeting.heads else ()
        self.all_parties = frozenset(h.party for h in heads) or frozenset(
            p.code for p in registry.parties
        )
        head_posts = {(h.party, h.post) for h in heads}
        all_posts = tuple(
            p.key for p in registry.posts if any((p.party, t) in head_posts for t in p.titles)
        )
        self.everyone = Speaker(self.all_parties, all_posts, True)
        self.phrases: dict[str, Speaker] = {}

        def put(phrase: str, speaker: Speaker) -> None:
            self.phrases[phrase.lower()] = speaker

        for determiner in subj.determiners:
            for noun in subj.group_nouns:
                put(f"{determiner} {noun}", self.everyone)
        for phrase in subj.both:
            put(phrase, self.everyone)
        for party in registry.parties:
            for adjective in party.adjectives:
                for noun in ("side", "delegation", "government"):
                    put(f"the {adjective} {noun}", Speaker(frozenset({party.code}), (), False))
        names_by_post = {(h.party, h.post): h.name.split() for h in (*heads,)}
        for post in registry.posts:
            speaker = Speaker(frozenset({post.party}), (post.key,), False)
            for short in post.short:
                put(f"the {short}", speaker)
                put(short, speaker)
                tokens = next(
                    (
                        names_by_post[(post.party, t)]
                        for t in post.titles
                        if (post.party, t) in names_by_post
                    ),
                    [],
                )
                for name in (*tokens, " ".join(tokens)):
                    if name:
                        put(f"{short} {name}", speaker)
        for pronoun in subj.plural_pronouns:
            put(pronoun, Speaker(frozenset(), (), True))
        for pronoun in subj.singular_pronouns:
            put(pronoun, Speaker(frozenset(), (), False))

        phrase = "|".join(re.escape(p) for p in sorted(self.phrases, key=len, reverse=True))
        adverb = "|".join(re.escape(a) for a in sorted(subj.adverbs, key=len, reverse=True))
        verbs = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        self.subject_verb = re.compile(
            rf"(?:^|(?<=, )|(?<=; )|(?<=\band )|(?<=\bbut ))"
            rf"(?P<subject>(?:{phrase})(?:,? (?:and )?(?:{phrase}))*)"
            rf"(?: (?:{adverb}))* (?P<verb>{verbs})\b",
            re.IGNORECASE,
        )
        self.coordinated = re.compile(
            rf"\b(?:and|but)(?: (?:{adverb}))* (?P<verb>{verbs})\b", re.IGNORECASE
        )
        self.split_subject = re.compile(r",? and |, ", re.IGNORECASE)

    # --- speakers -----------------------------------------------------------------

    def resolve(self, subject: str, context: Context) -> Speaker:
        """The parties and posts a subject phrase names, pronouns resolved."""
        parts = [p for p in self.split_subject.split(subject) if p]
        parties: set[str] = set()
        posts: list[str] = []
        for part in parts:
            speaker = self.phrases.get(part.lower().strip())
            if speaker is None:
                continue
            if not speaker.parties:  # a pronoun
                if speaker.plural:
                    speaker = context.last_plural or self.everyone
                else:
                    speaker = context.last_singular or self.everyone
            parties |= speaker.parties
            posts.extend(p for p in speaker.posts if p not in posts)
        plural = len(parts) > 1 or len(parties) > 1
        resolved = Speaker(frozenset(parties) or self.all_parties, tuple(posts), plural)
        if plural:
            context.last_plural = resolved
        else:
            context.last_singular = resolved
        return resolved

    # --- verbs ----------------------------------------------------------------------

    def _classify(self, verb: Verb, text: str, end: int) -> str | None:
        """The class of a verb; for a light verb the class of its noun, or None."""
        if not verb.light:
            return verb.verb_class
        following = re.findall(r"[A-Za-z’'-]+", text[end:])
        if following[:1] == ["that"]:
            return self.registry.that_class
        for word in following[:LIGHT_NOUN_WINDOW]:
            kind = self.registry.light_nouns.get(word.lower())
            if kind:
                return kind
        return None

    @staticmethod
    def _is_past(form: str) -> bool:
        return form.lower().endswith("ed") or form.lower() in {"had", "held", "led"}

    def clauses(self, sentence: Sentence, context: Context) -> list[Clause]:
        """Every reporting clause of ``sentence``, in order."""
        text = sentence.text
        found: list[Clause] = []
        taken: set[int] = set()
        for match in self.subject_verb.finditer(text):
            form = match["verb"]
            verb = self.forms[form.lower()]
            verb_class = self._classify(verb, text, match.end("verb"))
            if verb_class is None:
                continue
            speaker = self.resolve(match["subject"], context)
            found.append(
                Clause(
                    verb,
                    verb_class,
                    speaker.parties,
                    speaker.posts,
                    match.start("verb"),
                    match.end("verb"),
                    RULE_SUBJECT,
                )
            )
            taken.add(match.start("verb"))
        if not found:
            return []
        for match in self.coordinated.finditer(text):
            start = match.start("verb")
            if start in taken or start < found[0].begin:
                continue
            before = list(re.finditer(r"[A-Za-z’'-]+", text[: match.start()]))
            if (
                before
                and before[-1].group().lower().endswith("ed")
                and (before[-1].start() not in taken)
            ):
                continue  # "had discussed and condemned": verbs sharing an auxiliary
            head = max((c for c in found if c.begin < start), key=lambda c: c.begin)
            form = match["verb"]
            head_form = text[head.begin : head.end]
            if self._is_past(form) != self._is_past(head_form):
                continue
            verb = self.forms[form.lower()]
            verb_class = self._classify(verb, text, match.end("verb"))
            if verb_class is None:
                continue
            found.append(
                Clause(
                    verb,
                    verb_class,
                    head.actors,
                    head.speakers,
                    start,
                    match.end("verb"),
                    RULE_COORDINATED,
                )
            )
            taken.add(start)
        return sorted(found, key=lambda c: c.begin)


def clause_spans(sentence: Sentence, clauses: list[Clause]) -> list[tuple[int, int]]:
    """The part of the sentence each clause covers: from its verb (or the sentence
    start, for the first) to the next clause's verb."""
    spans = []
    for i, clause in enumerate(clauses):
        begin = 0 if i == 0 else clause.begin
        end = clauses[i + 1].begin if i + 1 < len(clauses) else len(sentence.text)
        spans.append((begin, end))
    return spans
