"""Turn a read communiqué into facts: meeting, entities, mentions, statements.

This stage joins the specialised finders (meeting facts, entities, clauses,
topics, deadlines) and resolves who is speaking to people and posts; it knows
nothing of RDF.
"""

from __future__ import annotations

from scmgraph.extract.deadlines import find_deadline
from scmgraph.extract.entities import build_catalogue, char_offsets, find_mentions
from scmgraph.extract.meeting import read_meeting
from scmgraph.extract.namerules import load_rules
from scmgraph.extract.statements import ClauseFinder, Context, clause_spans
from scmgraph.extract.topics import TopicScorer
from scmgraph.model import (
    Deadline,
    Document,
    Facts,
    Holding,
    MeetingFacts,
    Mention,
    Statement,
)
from scmgraph.registry.load import Registry, slugify


def _empty_meeting(document: Document) -> MeetingFacts:
    return MeetingFacts(series="", ordinal=None, date=None, city=None, heads=())


def holdings(meeting: MeetingFacts, registry: Registry) -> tuple[Holding, ...]:
    """Who held which post at the meeting, for every head of every meeting reported."""
    result = []
    for each in (meeting, *meeting.associated):
        for head in each.heads:
            person = registry.person_by_name(head.name)
            person_key = person.key if person else slugify(head.name)
            post = registry.post_named(head.party, head.post)
            post_key = post.key if post else slugify(f"{head.party} {head.post}")
            result.append(Holding(person_key, post_key, head.party, each.date or meeting.date))
    return tuple(result)


def prepare(registry: Registry) -> None:
    """Make once what extracting any communiqué needs (the gazetteer, the topic
    patterns), so that processes forked afterwards share it rather than each make it."""
    load_rules(registry.data_dir)
    TopicScorer.from_registry(registry)


def extract(document: Document, registry: Registry) -> Facts:
    """Everything the pipeline knows about one communiqué, before RDF."""
    warnings = list(document.warnings)
    where = f"{document.source.path}: paragraph 1"
    read_warnings: list[str] = []
    meeting = (
        read_meeting(document.paragraphs[0], registry, read_warnings)
        if document.paragraphs
        else None
    )
    warnings.extend(f"{where} {warning}" for warning in read_warnings)
    if meeting is None:
        warnings.append(f"{where} does not name the meeting (no '... was held in ...' sentence)")
        meeting = _empty_meeting(document)
    else:
        if meeting.date is None:
            warnings.append(f"{where} gives no date for the {meeting.series}")
        if meeting.city is None:
            warnings.append(f"{where} gives no place for the {meeting.series}")
        if not meeting.heads:
            warnings.append(f"{where} names no heads of delegation")
    sentences = document.sentences()
    catalogue = build_catalogue(sentences, meeting, registry)
    held = holdings(meeting, registry)
    person_of_post = {h.post: h.person for h in held if h.date == meeting.date}
    finder = ClauseFinder(registry, meeting)
    ordinals = {
        m.series: m.ordinal for m in (meeting, *meeting.associated) if m.ordinal is not None
    }
    scorer = TopicScorer.from_registry(registry)

    all_mentions: list[Mention] = []
    statements: list[Statement] = []
    for paragraph in document.paragraphs:
        context = Context()
        sentence_mentions = {
            s.number: find_mentions(document.source, s, catalogue) for s in paragraph.sentences
        }
        for found in sentence_mentions.values():
            all_mentions.extend(found)
        paragraph_names = [
            catalogue.entities[m.entity].name
            for found in sentence_mentions.values()
            for m in found
            if m.entity not in catalogue.parties
        ]
        paragraph_scores = scorer.score(paragraph.text, paragraph_names)
        for sentence in paragraph.sentences:
            clauses = finder.clauses(sentence, context)
            if not clauses:
                continue
            offsets = char_offsets(document.source, sentence)
            mentions = [
                m for m in sentence_mentions[sentence.number] if m.entity not in catalogue.parties
            ]
            mention_keys = tuple(dict.fromkeys(m.entity for m in mentions))
            sentence_scores = (
                scorer.score(sentence.text, [catalogue.entities[m.entity].name for m in mentions])
                if len(clauses) > 1
                else None
            )
            for index, (clause, (begin, end)) in enumerate(
                zip(clauses, clause_spans(sentence, clauses), strict=True), start=1
            ):
                span_text = sentence.text[begin:end]
                span_names = [
                    catalogue.entities[m.entity].name
                    for m in mentions
                    if offsets[begin] <= m.begin < (offsets[end - 1] + 1 if end else 0)
                ]
                topics = scorer.choose(
                    scorer.score(span_text, span_names), paragraph_scores, sentence_scores
                )
                found = find_deadline(span_text, meeting.date, ordinals)
                deadline = None
                if found is not None:
                    deadline = Deadline(
                        text=found.text,
                        year=found.year,
                        begin=offsets[begin + found.begin],
                        end=offsets[begin + found.end - 1] + 1,
                    )
                speakers = tuple(person_of_post[p] for p in clause.speakers if p in person_of_post)
                statements.append(
                    Statement(
                        paragraph=paragraph.number,
                        sentence=sentence.number,
                        index=index,
                        verb=clause.verb.lemma,
                        verb_class=clause.verb_class,
                        actors=tuple(sorted(clause.actors)),
                        speakers=speakers,
                        text=sentence.text,
                        verb_begin=offsets[clause.begin],
                        verb_end=offsets[clause.end - 1] + 1,
                        mentions=mention_keys,
                        topics=topics,
                        deadline=deadline,
                        rule=clause.rule,
                    )
                )
    used = {m.entity for m in all_mentions}
    entities = tuple(e for key, e in sorted(catalogue.entities.items()) if key in used)
    return Facts(
        document=document,
        meeting=meeting,
        entities=entities,
        mentions=tuple(all_mentions),
        statements=tuple(statements),
        holdings=held,
        warnings=tuple(warnings),
    )
