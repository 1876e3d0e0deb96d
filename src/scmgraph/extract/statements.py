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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from scmgraph.model import MeetingFacts, Official, Sentence
from scmgraph.registry.load import Registry, Verb
from scmgraph.registry.patterns import compiled

RULE_SUBJECT = "subject-verb"
RULE_COORDINATED = "coordinated-verb"
LIGHT_NOUN_WINDOW = 4  # words after a light verb in which its noun must appear
# The heads of delegation change with every meeting, the registry's subjects do not:
# the subject pattern is made of the registry's phrases alone (some 14 kB, 20 ms to
# compile, so compiled once per process) and reads a run of MASK as a head's name,
# and each sentence is read with the heads' phrases masked (a private-use character:
# no communiqué has one; a sentence that does is read with a pattern of its own).
MASK = "\ue000"


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
                for modifier in subj.group_modifiers:  # "the two defense chiefs"
                    put(f"{determiner} {modifier} {noun}", self.everyone)
        for phrase in subj.both:
            put(phrase, self.everyone)
        for party in registry.parties:
            for adjective in party.adjectives:
                for noun in ("side", "delegation", "government"):
                    put(f"the {adjective} {noun}", Speaker(frozenset({party.code}), (), False))
        for post in registry.posts:
            speaker = Speaker(frozenset({post.party}), (post.key,), False)
            adjectives = registry.party(post.party).adjectives if post.party else ()
            for short in post.short:
                put(f"the {short}", speaker)
                put(short, speaker)
                for adjective in adjectives:  # "the ROK Minister"
                    put(f"the {adjective} {short}", speaker)
        registry_phrases = set(self.phrases)
        for head in heads:
            self._put_head(head, put)
        for pronoun in subj.plural_pronouns:
            put(pronoun, Speaker(frozenset(), (), True))
        for pronoun in subj.singular_pronouns:
            put(pronoun, Speaker(frozenset(), (), False))
        named = {*subj.plural_pronouns, *subj.singular_pronouns}
        head_phrases = set(self.phrases) - registry_phrases - {p.lower() for p in named}
        words = rf"(?<!\w)(?:{_alternation(head_phrases)})(?!\w)"
        self.heads = compiled(words, re.IGNORECASE) if head_phrases else None
        self._adverb = _alternation(subj.adverbs)
        self._verbs = _alternation(self.forms)
        self.subject_verb = self._subject_verb(frozenset(self.phrases) - head_phrases, MASK)
        self.coordinated = compiled(
            rf"\b(?:and|but)(?: (?:{self._adverb}))* (?P<verb>{self._verbs})\b", re.IGNORECASE
        )
        self.split_subject = compiled(r",? and |, ", re.IGNORECASE)

    def _subject_verb(self, phrases: frozenset[str], mask: str | None) -> re.Pattern[str]:
        """The pattern of a subject of ``phrases`` (or a run of ``mask``) and its verb."""
        phrase = _alternation(phrases)
        if mask:
            phrase = f"{mask}+|{phrase}"
        return compiled(
            rf"(?:^|(?<=, )|(?<=; )|(?<=\band )|(?<=\bbut ))"
            rf"(?P<subject>(?:both )?(?:{phrase})(?:(?:,? and |, )(?:{phrase}))*)"
            rf"(?: (?:{self._adverb}))* (?P<verb>{self._verbs})\b",
            re.IGNORECASE,
        )

    def _subject_verbs(self, text: str) -> Iterator[re.Match[str]]:
        """The subject-verb matches of ``text``, read with the heads' names masked."""
        if self.heads is None:
            yield from self.subject_verb.finditer(text)
        elif MASK in text:
            yield from self._subject_verb(frozenset(self.phrases), None).finditer(text)
        else:
            masked = self.heads.sub(lambda m: MASK * len(m.group()), text)
            yield from self.subject_verb.finditer(masked)

    def _put_head(self, head: Official, put: Callable[[str, Speaker], None]) -> None:
        """A head of delegation named as a subject: "Secretary Carter", "Minister Jeong",
        "Han Min-koo", "Secretary of Defense Ashton B. Carter" name the head's party."""
        post = self.registry.post_named(head.party, head.post)
        speaker = Speaker(frozenset({head.party}), (post.key,) if post else (), False)
        shorts = post.short if post and post.short else tuple(head.post.split()[:1])
        words = [w.strip(",") for w in head.name.split()]
        names = [w for w in words if not w.endswith(".")]  # no initial, no "Jr."
        for short in shorts:
            for name in (*names, " ".join(words)):
                put(f"{short} {name}", speaker)
        put(" ".join(words), speaker)
        put(f"{head.post} {' '.join(words)}", speaker)

    # --- speakers -----------------------------------------------------------------

    def resolve(self, subject: str, context: Context) -> Speaker:
        """The parties and posts a subject phrase names, pronouns resolved."""
        subject = re.sub(r"^both (?=.+ and )", "", subject, flags=re.IGNORECASE)
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
        return verb.verb_class if verb.keeps_class else None

    def _is_past(self, form: str) -> bool:
        first = form.split()[0].lower()  # "took note of"
        return first.endswith("ed") or first in self.registry.coordination.irregular_past

    @staticmethod
    def _shares_auxiliary(text: str, conjunction: int, taken: set[int]) -> bool:
        """Whether the verb after "and" shares a participle's auxiliary or series.

        "had discussed and condemned", "was drafted, reviewed, and approved": the
        participle right before "and" (or a series of them) belongs to a clause that
        is not a statement. After ", and" with no series ("was reviewed as planned,
        and decided") a new clause of the subject begins.
        """
        before = list(re.finditer(r"[A-Za-z’'-]+", text[:conjunction]))
        if not before or before[-1].start() in taken:
            return False
        last = before[-1]
        if not last.group().lower().endswith("ed"):
            return False
        if "," not in text[last.end() : conjunction]:
            return True
        if len(before) < 2:
            return False
        previous = before[-2]
        series = text[previous.end() : last.start()].strip() == ","
        return series and previous.group().lower().endswith("ed")

    def _same_tense(self, text: str, match: re.Match[str], head_form: str) -> bool:
        """Whether a coordinated verb agrees in tense with the clause it joins.

        A present verb after a past one is a statement only after ", and" and before
        a complement ("assessed …, and expect to hold"): "and support for …" is a noun.
        """
        past, head_past = self._is_past(match["verb"]), self._is_past(head_form)
        if past == head_past:
            return True
        if past or not text[: match.start()].rstrip().endswith(","):
            return False
        following = re.match(r"\s+([A-Za-z]+)", text[match.end("verb") :])
        complements = self.registry.coordination.tense_shift_complements
        return following is not None and following.group(1).lower() in complements

    def clauses(self, sentence: Sentence, context: Context) -> list[Clause]:
        """Every reporting clause of ``sentence``, in order."""
        text = sentence.text
        found: list[Clause] = []
        taken: set[int] = set()
        for match in self._subject_verbs(text):
            form = text[match.start("verb") : match.end("verb")]
            verb = self.forms[form.lower()]
            verb_class = self._classify(verb, text, match.end("verb"))
            if verb_class is None:
                continue
            speaker = self.resolve(text[match.start("subject") : match.end("subject")], context)
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
            if self._shares_auxiliary(text, match.start(), taken):
                continue
            head = max((c for c in found if c.begin < start), key=lambda c: c.begin)
            form = match["verb"]
            if not self._same_tense(text, match, text[head.begin : head.end]):
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


def _alternation(phrases: Iterable[str]) -> str:
    """A pattern of any of ``phrases``, the longest first."""
    return "|".join(re.escape(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))


def clause_spans(sentence: Sentence, clauses: list[Clause]) -> list[tuple[int, int]]:
    """The part of the sentence each clause covers: from its verb (or the sentence
    start, for the first) to the next clause's verb."""
    spans = []
    for i, clause in enumerate(clauses):
        begin = 0 if i == 0 else clause.begin
        end = clauses[i + 1].begin if i + 1 < len(clauses) else len(sentence.text)
        spans.append((begin, end))
    return spans
