"""Meeting pages of the explorer: the list of meetings, and each meeting's communiqué.

A meeting's page is what its own IRI (``/id/meeting/scm-53``) answers a browser:
the communiqué paragraph by paragraph, each statement's clause highlighted in
the colour of its speech-act class, with its actors, topics, deadline, named
entities and thread beside the paragraph. The graph records where each
statement's reporting verb and deadline stand in the text, not where its clause
ends, so a clause is shown from its verb to the next clause's verb of the same
sentence (the first from the sentence's start: its subject), which is how the
extractor splits coordinated reporting clauses.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

import pyoxigraph as ox
from werkzeug.wrappers import Request, Response

from scmgraph.namespaces import DCTERMS, SCM
from scmgraph.server.explore import (
    PREFIXES,
    Row,
    number,
    rows,
    value,
    verb_classes,
)
from scmgraph.server.protocol import html_response
from scmgraph.server.render import page_path, render, thread_path

if TYPE_CHECKING:
    from scmgraph.server.explore import App

MEETINGS = (
    PREFIXES
    + """
SELECT DISTINCT ?meeting ?label ?series ?ordinal ?date ?city ?communique ?statements WHERE {
  ?communique a scm:Communique ; scm:reportsMeeting ?meeting .
  OPTIONAL { ?meeting rdfs:label ?label }
  OPTIONAL { ?meeting scm:series/scm:acronym ?series }
  OPTIONAL { ?meeting scm:ordinal ?ordinal }
  OPTIONAL { ?meeting dcterms:date ?date }
  OPTIONAL { ?meeting prov:atLocation/rdfs:label ?city }
  OPTIONAL {
    SELECT ?communique (COUNT(DISTINCT ?statement) AS ?statements) WHERE {
      ?statement a scm:Statement ; scm:sentence/nif:referenceContext ?communique .
    } GROUP BY ?communique
  }
} ORDER BY ?date ?series ?ordinal"""
)
HEADS = (
    PREFIXES
    + """
SELECT DISTINCT ?meeting ?position ?name ?person ?post ?party WHERE {
  ?communique a scm:Communique ; scm:reportsMeeting ?meeting .
  ?meeting scm:delegationHead ?head .
  ?head scm:position ?position ; scm:nameAsWritten ?name .
  OPTIONAL { ?head scm:person ?person }
  OPTIONAL { ?head scm:party/scm:partyCode ?party }
  OPTIONAL { ?head scm:post/rdfs:label ?label }
  OPTIONAL { ?head scm:postAsWritten ?written }
  BIND(COALESCE(?written, ?label) AS ?post)
} ORDER BY ?meeting ?position"""
)
COMMUNIQUE = (
    PREFIXES
    + """
SELECT ?communique ?title ?text ?source ?file ?format ?origin ?meeting WHERE {
  ?communique a scm:Communique ; scm:reportsMeeting ?meeting ; nif:isString ?text .
  OPTIONAL {
    # the page the text was taken from, when the corpus records one
    ?communique prov:wasDerivedFrom ?origin .
    FILTER(isIRI(?origin) && !STRSTARTS(STR(?origin), "https://w3id.org/scmgraph/"))
  }
  OPTIONAL { ?communique dcterms:title ?title }
  OPTIONAL { ?communique scm:sourceFile ?source .
             OPTIONAL { ?source scm:fileName ?file } OPTIONAL { ?source dcterms:format ?format } }
} LIMIT 1"""
)
PARAGRAPHS = (
    PREFIXES
    + """
SELECT DISTINCT ?number ?begin ?end ?meeting WHERE {
  ?communique scm:reportsMeeting ?meeting ; scm:hasParagraph ?p .
  ?p scm:paragraphNumber ?number ; nif:beginIndex ?begin ; nif:endIndex ?end .
} ORDER BY ?begin"""
)
STATEMENTS = (
    PREFIXES
    + """
SELECT DISTINCT ?statement ?paragraph ?sentence ?sb ?se ?clause ?verb ?vb ?ve ?class
       ?deadline ?db ?de ?year ?kind ?root ?followed ?meeting WHERE {
  ?communique scm:reportsMeeting ?meeting .
  ?statement a scm:Statement ; scm:sentence ?s ; scm:clauseIndex ?clause ;
             scm:verbLemma ?verb ; scm:speechActClass/skos:notation ?class .
  ?s nif:referenceContext ?communique ; scm:sentenceNumber ?sentence ;
     nif:beginIndex ?sb ; nif:endIndex ?se ; nif:superString/scm:paragraphNumber ?paragraph .
  OPTIONAL { ?statement scm:verbPhrase ?vp . ?vp nif:beginIndex ?vb ; nif:endIndex ?ve }
  OPTIONAL {
    ?statement scm:deadline ?d . ?d scm:deadlineText ?deadline .
    OPTIONAL { ?d nif:beginIndex ?db ; nif:endIndex ?de }
    OPTIONAL { ?d scm:deadlineYear ?year }
  }
  OPTIONAL { ?link scm:currentStatement ?statement ; scm:threadKind ?kind }
  OPTIONAL {
    ?statement scm:carriesForward+ ?root .
    FILTER NOT EXISTS { ?root scm:carriesForward ?earlier }
  }
  BIND(EXISTS { ?later scm:carriesForward ?statement } AS ?followed)
} ORDER BY ?sb ?clause"""
)
FACETS = (
    PREFIXES
    + """
SELECT DISTINCT ?statement ?role ?thing ?label ?meeting WHERE {
  ?communique scm:reportsMeeting ?meeting .
  ?statement scm:sentence/nif:referenceContext ?communique .
  VALUES ?role { scm:actor scm:mentions dcterms:subject }
  ?statement ?role ?thing .
  OPTIONAL { ?thing rdfs:label ?label }
} ORDER BY ?statement ?role ?label"""
)
CONTEXT = (
    PREFIXES
    + """
SELECT ?meeting ?label ?paragraph ?sentence ?clause ?root ?followed ?statement WHERE {
  ?statement a scm:Statement ; scm:clauseIndex ?clause ; scm:sentence ?s .
  ?s scm:sentenceNumber ?sentence ; nif:superString/scm:paragraphNumber ?paragraph ;
     nif:referenceContext/scm:reportsMeeting ?meeting .
  OPTIONAL { ?meeting rdfs:label ?label }
  OPTIONAL {
    ?statement scm:carriesForward+ ?root .
    FILTER NOT EXISTS { ?root scm:carriesForward ?earlier }
  }
  BIND(EXISTS { ?later scm:carriesForward ?statement } AS ?followed)
} LIMIT 1"""
)
NOTATION = PREFIXES + "SELECT ?notation ?thing WHERE { ?thing skos:notation ?notation } LIMIT 1"
ROLES = {
    SCM + "actor": "actors",
    SCM + "mentions": "entities",
    DCTERMS + "subject": "topics",
}


@dataclass
class Statement:
    """One statement as its meeting page shows it."""

    iri: str
    paragraph: int
    sentence: int
    clause: int
    verb: str
    cls: str
    sentence_span: tuple[int, int]
    verb_span: tuple[int, int] | None
    deadline: str = ""
    deadline_year: str = ""
    deadline_span: tuple[int, int] | None = None
    kinds: list[str] = field(default_factory=list)
    thread: str | None = None
    actors: list[tuple[str, str | None]] = field(default_factory=list)
    topics: list[tuple[str, str | None]] = field(default_factory=list)
    entities: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"p{self.paragraph}-s{self.sentence}-c{self.clause}"


@dataclass
class Segment:
    """A stretch of paragraph text: in a statement's clause or not, verb or deadline."""

    text: str
    statement: Statement | None = None
    verb: bool = False
    deadline: bool = False


@dataclass
class Paragraph:
    number: int
    runs: list[list[Segment]]  # consecutive segments of one clause (or of none)
    statements: list[Statement]


def meeting_rows(app: App) -> list[Row]:
    """Every reported meeting: series, ordinal, date, city, heads of delegation, page."""
    heads: dict[str, list[Row]] = defaultdict(list)
    for head in rows(app, HEADS):
        heads[value(head["meeting"])].append(head)
    return [
        {**m, "path": page_path(value(m["meeting"])), "heads": heads[value(m["meeting"])]}
        for m in rows(app, MEETINGS)
    ]


def meetings_page(app: App, request: Request) -> Response:
    return html_response(render("meetings.html", title="Meetings", meetings=meeting_rows(app)))


def _statements(app: App, meeting: ox.NamedNode) -> list[Statement]:
    found: dict[str, Statement] = {}
    for r in rows(app, STATEMENTS, meeting=meeting):
        iri = value(r["statement"])
        st = found.get(iri)
        if st is None:
            vb, ve = number(r["vb"]), number(r["ve"])
            db, de = number(r["db"]), number(r["de"])
            st = found[iri] = Statement(
                iri=iri,
                paragraph=number(r["paragraph"]) or 0,
                sentence=number(r["sentence"]) or 0,
                clause=number(r["clause"]) or 0,
                verb=value(r["verb"]),
                cls=value(r["class"]),
                sentence_span=(number(r["sb"]) or 0, number(r["se"]) or 0),
                verb_span=(vb, ve) if vb is not None and ve is not None else None,
                deadline=value(r["deadline"]),
                deadline_year=value(r["year"]),
                deadline_span=(db, de) if db is not None and de is not None else None,
            )
        kind = value(r["kind"])
        if kind and kind not in st.kinds:
            st.kinds.append(kind)
        root = value(r["root"])
        if root:
            st.thread = thread_path(root)
        elif st.thread is None and value(r["followed"]) == "true":
            st.thread = thread_path(iri)
    seen: set[tuple[str, str, str]] = set()  # a thing is listed once, with its first label
    for r in rows(app, FACETS, meeting=meeting):
        st = found.get(value(r["statement"]))
        facet = ROLES.get(value(r["role"]))
        thing = value(r["thing"])
        if st is None or facet is None or (st.iri, facet, thing) in seen:
            continue
        seen.add((st.iri, facet, thing))
        label = value(r["label"]) or thing.rsplit("/", 1)[-1]
        getattr(st, facet).append((label, page_path(thing) or thing))
    return sorted(found.values(), key=lambda s: (s.sentence_span[0], s.clause))


def entity_links(app: App, node: ox.NamedNode, roles: set[str]) -> list[tuple[str, str]]:
    """Where the explorer shows more of an entity: a statement in its meeting's text and
    its thread; a topic's, class's or named entity's statements on a timeline."""
    links: list[tuple[str, str]] = []
    found = rows(app, CONTEXT, statement=node)
    if found:
        r = found[0]
        anchor = f"#p{value(r['paragraph'])}-s{value(r['sentence'])}-c{value(r['clause'])}"
        label = value(r["label"]) or "its meeting"
        links.append((f"in the text of {label}", f"{page_path(value(r['meeting']))}{anchor}"))
        root = value(r["root"]) or (node.value if value(r["followed"]) == "true" else "")
        if root:
            links.append(("its thread", thread_path(root)))
    notation = rows(app, NOTATION, thing=node)
    if "dcterms:subject" in roles and notation:
        links.append(("timeline", "/timeline?topic=" + quote(value(notation[0]["notation"]))))
    elif "scm:speechActClass" in roles and notation:
        links.append(("timeline", "/timeline?class=" + quote(value(notation[0]["notation"]))))
    elif roles & {"scm:mentions", "scm:actor", "scm:speaker"}:
        path = page_path(node.value) or ""
        links.append(("timeline", "/timeline?entity=" + quote(path.removeprefix("/id/"))))
    return links


def clause_spans(statements: list[Statement]) -> dict[str, tuple[int, int]]:
    """Where each statement's clause stands: from its verb (the first clause of a
    sentence from the sentence's start) to the next clause's verb or the sentence end."""
    by_sentence: dict[tuple[int, int], list[Statement]] = defaultdict(list)
    for st in statements:
        by_sentence[st.sentence_span].append(st)
    spans: dict[str, tuple[int, int]] = {}
    for (start, end), clauses in by_sentence.items():
        clauses.sort(key=lambda s: (s.verb_span or (start, start), s.clause))
        for i, st in enumerate(clauses):
            begin = start if i == 0 else (st.verb_span or (start, start))[0]
            after = clauses[i + 1].verb_span if i + 1 < len(clauses) else None
            spans[st.iri] = (begin, after[0] if after else end)
    return spans


def _within(offset: int, span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] <= offset < span[1]


def _paragraph(
    text: str, number_: int, begin: int, end: int, statements: list[Statement]
) -> Paragraph:
    """The paragraph's text cut where a clause, verb or deadline starts or ends."""
    spans = clause_spans(statements)
    cuts = {begin, end}
    for st in statements:
        for span in (spans[st.iri], st.verb_span, st.deadline_span):
            if span:
                cuts.update(max(begin, min(end, x)) for x in span)
    points = sorted(cuts)
    runs: list[list[Segment]] = []
    for a, b in itertools.pairwise(points):
        owner = next((s for s in statements if spans[s.iri][0] <= a < spans[s.iri][1]), None)
        verb_span = owner.verb_span if owner else None
        verb = verb_span is not None and verb_span[0] <= a < verb_span[1]
        deadline = any(_within(a, s.deadline_span) for s in statements)
        segment = Segment(text[a:b], owner, verb, deadline)
        if runs and runs[-1][-1].statement is owner:
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return Paragraph(number_, runs, statements)


def meeting_page(app: App, meeting: ox.NamedNode) -> Response | None:
    """The meeting's page, or None when no communiqué in the graph reports it."""
    found = rows(app, COMMUNIQUE, meeting=meeting)
    if not found:
        return None
    info = found[0]
    [listing] = [m for m in rows(app, MEETINGS) if value(m["meeting"]) == meeting.value] or [{}]
    heads = [h for h in rows(app, HEADS) if value(h["meeting"]) == meeting.value]
    text = value(info["text"])
    statements = _statements(app, meeting)
    by_paragraph: dict[int, list[Statement]] = defaultdict(list)
    for st in statements:
        by_paragraph[st.paragraph].append(st)
    paragraphs = []
    for p in rows(app, PARAGRAPHS, meeting=meeting):
        n = number(p["number"]) or 0
        begin, end = number(p["begin"]) or 0, number(p["end"]) or 0
        paragraphs.append(_paragraph(text, n, begin, end, by_paragraph[n]))
    classes = verb_classes(app)
    used = sorted({st.cls for st in statements})
    label = value(listing.get("label")) or meeting.value.rsplit("/", 1)[-1]
    page = render(
        "meeting.html",
        title=label,
        label=label,
        meeting=listing,
        iri=meeting.value,
        heads=heads,
        info=info,
        paragraphs=paragraphs,
        classes=classes,
        legend=[classes[c] for c in used if c in classes],
        statements=len(statements),
    )
    response = html_response(page)
    response.headers["Vary"] = "Accept"
    return response
