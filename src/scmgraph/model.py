"""Plain data classes handed from one pipeline stage to the next.

Stages never pass rdflib graphs to each other: the reader produces a `Document`,
the extractor produces `Facts`, and only `to_rdf` turns them into triples.
Offsets are character offsets (Unicode code points) into `SourceFile.text`, the
file decoded as UTF-8 with line endings left untouched, so that
``source.text[begin:end]`` gives back exactly what the file holds there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Origin:
    """Where a corpus file was taken from, as ``scmgraph add`` recorded it."""

    source: str  # the http(s) URL fetched, or the absolute path of the file copied
    retrieved: str  # when, in UTC: ISO 8601 "2026-01-31T09:30:00Z"
    sha256: str  # of the bytes stored
    content_type: str  # as served ("text/html; charset=utf-8"), or from the file's extension


@dataclass(frozen=True)
class SourceFile:
    """A communiqué file as read from disk."""

    path: Path
    name: str  # file name without extension, e.g. "052_scm_2020"
    media_type: str  # "text/plain" or "text/html"
    sha256: str  # of the file's bytes
    text: str  # the decoded file; offsets point into this
    origin: Origin | None = None  # recorded beside the corpus (``scmgraph.sources``)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a numbered paragraph."""

    paragraph: int  # number the communiqué gives the paragraph
    number: int  # 1-based position within the paragraph
    begin: int  # offset of the first character in SourceFile.text
    end: int  # offset after the last character
    text: str  # the sentence with whitespace collapsed to single spaces
    # Source offset of each character of ``text``, as the reader mapped it: a word
    # de-hyphenated across a line break or a page header dropped from inside the
    # sentence leaves ``text`` shorter than the span, and only this map knows where
    # each character sits. Empty when a sentence is made by hand.
    offsets: tuple[int, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Paragraph:
    """A numbered paragraph, with the unnumbered blocks that follow it."""

    number: int
    begin: int  # offset of the first character after the "12. " marker
    end: int
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Document:
    """A communiqué reduced to its numbered paragraphs and sentences."""

    source: SourceFile
    title: str | None
    paragraphs: tuple[Paragraph, ...]
    warnings: tuple[str, ...] = ()  # wrong but readable input, reported, never guessed silently

    @property
    def name(self) -> str:
        return self.source.name

    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]


# --- meeting facts -----------------------------------------------------------


@dataclass(frozen=True)
class Official:
    """A head of delegation as paragraph 1 names them."""

    name: str  # without rank: "Mark Milley"
    post: str  # post title without party qualifier: "Secretary of Defense"
    party: str  # party code from the parties registry: "US", "ROK"
    rank: str | None = None  # "General"


@dataclass(frozen=True)
class MeetingFacts:
    """Who met, where and when."""

    series: str  # series acronym: "SCM", "MCM"
    ordinal: int | None
    date: dt.date | None
    city: str | None
    heads: tuple[Official, ...]
    associated: tuple[MeetingFacts, ...] = ()


# --- extracted facts ---------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    """A named thing the communiqué mentions, under its canonical name."""

    key: str  # slug of the canonical name, stable across documents
    name: str
    type: str  # one of the statements-view types: "MilitaryCommand", "Agreement", ...
    acronym: str | None = None
    wikidata: str | None = None
    curated: bool = False  # True when it comes from the registry, False when discovered


@dataclass(frozen=True)
class Mention:
    """An entity named in a sentence."""

    entity: str  # Entity.key
    paragraph: int
    sentence: int
    begin: int
    end: int
    surface: str  # the text as written, whitespace collapsed as in Sentence.text


@dataclass(frozen=True)
class Deadline:
    """When a clause says something is to happen."""

    text: str
    year: int | None  # calendar year, or None for an event or condition
    begin: int
    end: int


@dataclass(frozen=True)
class Statement:
    """One reporting clause: a party speaks or acts."""

    paragraph: int
    sentence: int  # Sentence.number
    index: int  # 1-based position of the clause within the sentence
    verb: str  # lemma of the reporting verb
    verb_class: str  # id of the class in the verb-class scheme
    actors: tuple[str, ...]  # sorted party codes
    speakers: tuple[str, ...]  # person keys of the officials speaking, when known
    text: str  # the whole sentence, whitespace collapsed
    verb_begin: int  # offsets of the verb in SourceFile.text
    verb_end: int
    mentions: tuple[str, ...]  # entity keys, in order of first appearance
    topics: tuple[str, ...]  # topic ids, most relevant first
    deadline: Deadline | None
    rule: str  # id of the extraction rule that produced it


@dataclass(frozen=True)
class Holding:
    """A person holding a post at a meeting date."""

    person: str  # person key
    post: str  # post key
    party: str
    date: dt.date | None


@dataclass(frozen=True)
class Facts:
    """Everything extracted from one communiqué."""

    document: Document
    meeting: MeetingFacts
    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    statements: tuple[Statement, ...]
    holdings: tuple[Holding, ...] = ()
    warnings: tuple[str, ...] = field(default=())


# --- links across communiqués -----------------------------------------------------


@dataclass(frozen=True)
class StatementRef:
    """Where a statement sits: document name, paragraph, sentence, clause index."""

    document: str
    paragraph: int
    sentence: int
    index: int


@dataclass(frozen=True)
class ThreadLink:
    """A statement carrying forward a statement of the previous communiqué."""

    previous: StatementRef
    current: StatementRef
    kind: str  # repeated, strengthened, weakened, changed, fulfilled
    similarity: float  # wording similarity, 0..1
    shared_entities: tuple[str, ...]  # entity keys both statements mention
    shared_topics: tuple[str, ...]
    label: str  # a short readable name for the commitment
