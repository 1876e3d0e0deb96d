"""Thread pages of the explorer: how a statement is carried from meeting to meeting.

A thread starts at a statement that carries nothing forward and takes in every
later statement that carries it forward (``scm:carriesForward+``). Its page
shows the steps in meeting order, each thread link's two sentences side by side
with the words that changed marked (difflib over words), the kind of each link,
where the thread stops short of the series' latest meeting (dropped), and the
state of every deadline it sets: met when a later step fulfils it, overdue when
its year is before the year of the series' latest meeting, open otherwise.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox
from werkzeug.wrappers import Request, Response

from scmgraph.server.explore import (
    PREFIXES,
    STATEMENT,
    id_node,
    latest_meetings,
    number,
    rows,
    value,
    verb_classes,
)
from scmgraph.server.protocol import Refusal, html_response
from scmgraph.server.render import page_path, render, thread_path

if TYPE_CHECKING:
    from scmgraph.server.explore import App

_STEP = """
  ?statement scm:sentence ?s ; scm:clauseIndex ?clause ; scm:verbLemma ?verb ;
             scm:speechActClass/skos:notation ?class .
  ?s nif:anchorOf ?text ; scm:sentenceNumber ?sentence ;
     nif:superString/scm:paragraphNumber ?paragraph ;
     nif:referenceContext/scm:reportsMeeting ?meeting .
  ?meeting scm:ordinal ?ordinal ; scm:series ?series .
  OPTIONAL { ?meeting rdfs:label ?meeting_label }
  OPTIONAL { ?meeting dcterms:date ?date }
"""
THREADS = (
    PREFIXES
    + """
SELECT ?statement ?ordinal ?meeting_label ?paragraph ?sentence ?clause ?verb ?class ?text
       (SAMPLE(?link_label) AS ?label) (COUNT(DISTINCT ?later) AS ?steps)
       (GROUP_CONCAT(DISTINCT ?kind; separator=" ") AS ?kinds)
       (GROUP_CONCAT(DISTINCT ?later_class; separator=" ") AS ?classes)
WHERE {
  {
    SELECT DISTINCT ?statement WHERE {
      ?link scm:previousStatement ?statement .
      FILTER NOT EXISTS { ?statement scm:carriesForward ?earlier }
    }
  }
  ?later scm:carriesForward+ ?statement ; scm:speechActClass/skos:notation ?later_class .
  ?link scm:currentStatement ?later ; scm:threadKind ?kind .
  OPTIONAL { ?link rdfs:label ?link_label }
"""
    + _STEP
    + """
} GROUP BY ?statement ?ordinal ?meeting_label ?paragraph ?sentence ?clause ?verb ?class ?text
ORDER BY ?ordinal ?paragraph ?sentence ?clause"""
)
DEADLINES = (
    PREFIXES
    + """
SELECT ?statement ?root ?deadline ?year ?fulfilled ?series WHERE {
  {
    SELECT DISTINCT ?root WHERE {
      ?link scm:previousStatement ?root .
      FILTER NOT EXISTS { ?root scm:carriesForward ?earlier }
    }
  }
  ?statement scm:carriesForward* ?root ; scm:deadline ?d .
  ?d scm:deadlineText ?deadline .
  OPTIONAL { ?d scm:deadlineYear ?year }
  ?root scm:sentence/nif:referenceContext/scm:reportsMeeting/scm:series ?series .
  BIND(EXISTS {
    ?fulfilling scm:threadKind "fulfilled" ; scm:previousStatement ?carried .
    ?carried scm:carriesForward* ?statement
  } AS ?fulfilled)
} ORDER BY ?root ?deadline"""
)
DROPPED = (
    PREFIXES
    + """
SELECT ?statement ?ordinal ?meeting_label ?series ?paragraph ?sentence ?clause ?verb ?class ?text
WHERE {
  ?statement a scm:Statement .
  FILTER NOT EXISTS { ?later scm:carriesForward ?statement }
"""
    + _STEP
    + """
} ORDER BY ?ordinal ?paragraph ?sentence ?clause"""
)
STEPS = (
    PREFIXES
    + """
SELECT DISTINCT ?statement ?ordinal ?date ?meeting ?meeting_label ?series ?paragraph ?sentence
       ?clause ?verb ?class ?text ?deadline ?year ?root WHERE {
  ?statement a scm:Statement ; scm:carriesForward* ?root .
"""
    + _STEP
    + """
  OPTIONAL { ?statement scm:deadline ?d . ?d scm:deadlineText ?deadline .
             OPTIONAL { ?d scm:deadlineYear ?year } }
} ORDER BY ?date ?ordinal ?paragraph ?sentence ?clause"""
)
LINKS = (
    PREFIXES
    + """
SELECT DISTINCT ?current ?previous ?kind ?similarity ?label ?shared ?shared_label ?root WHERE {
  ?current scm:carriesForward+ ?root .
  ?link scm:currentStatement ?current ; scm:previousStatement ?previous ; scm:threadKind ?kind .
  OPTIONAL { ?link scm:wordingSimilarity ?similarity }
  OPTIONAL { ?link rdfs:label ?label }
  OPTIONAL { ?link scm:sharedEntity ?shared OPTIONAL { ?shared rdfs:label ?shared_label } }
}"""
)


@dataclass
class Step:
    """One statement of a thread."""

    iri: str
    meeting: str
    meeting_label: str
    ordinal: int
    date: str
    series: str
    paragraph: int
    sentence: int
    clause: int
    verb: str
    cls: str
    text: str
    deadline: str = ""
    year: str = ""

    @property
    def anchor(self) -> str:
        return f"{page_path(self.meeting)}#p{self.paragraph}-s{self.sentence}-c{self.clause}"


@dataclass
class Link:
    current: Step
    previous: Step
    kind: str
    similarity: str


@dataclass
class Pair:
    """Two sentences a thread link joins, side by side, with the links between their clauses."""

    previous: Step
    current: Step
    before: list[tuple[str, bool]]  # words of the earlier sentence, True when removed
    after: list[tuple[str, bool]]  # words of the later sentence, True when added
    links: list[Link] = field(default_factory=list)


@dataclass
class DeadlineState:
    step: Step
    state: str  # open, met, overdue


def marked_words(before: str, after: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both sentences as words, each flagged when the other sentence does not have it."""
    a, b = before.split(), after.split()
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        left += [(w, tag != "equal") for w in a[i1:i2]]
        right += [(w, tag != "equal") for w in b[j1:j2]]
    return left, right


def threads_page(app: App, request: Request) -> Response:
    """Every thread that reaches a later meeting, by the meeting and place it starts;
    ``?class=`` keeps the threads with a statement of that class."""
    wanted = request.args.get("class", "")
    classes = verb_classes(app)
    if wanted and wanted not in classes:
        raise Refusal(400, f"unknown class {wanted!r}: use one of {', '.join(classes)}")
    latest = latest_meetings(app)
    deadlines: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows(app, DEADLINES):
        latest_date = latest.get(value(r["series"]), ("", 0))[0]
        state = deadline_state(
            value(r["fulfilled"]) == "true", value(r["year"]), int(latest_date[:4] or 0)
        )
        deadlines[value(r["root"])].append((value(r["deadline"]), state))
    threads = []
    for r in rows(app, THREADS):
        kinds = value(r["kinds"]).split()
        seen = {value(r["class"]), *value(r["classes"]).split()}
        if wanted and wanted not in seen:
            continue
        threads.append(
            {
                "path": thread_path(value(r["statement"])),
                "label": value(r["label"]),
                "meeting": value(r["meeting_label"]),
                "where": f"¶{value(r['paragraph'])} s{value(r['sentence'])}",
                "verb": value(r["verb"]),
                "cls": value(r["class"]),
                "text": value(r["text"]),
                "steps": number(r["steps"]) or 0,
                "kinds": sorted(kinds),
                "deadlines": deadlines.get(value(r["statement"]), []),
            }
        )
    dropped = [
        {
            "path": thread_path(value(r["statement"])),
            "meeting": value(r["meeting_label"]),
            "where": f"¶{value(r['paragraph'])} s{value(r['sentence'])}",
            "verb": value(r["verb"]),
            "cls": value(r["class"]),
            "text": value(r["text"]),
        }
        for r in rows(app, DROPPED)
        if (number(r["ordinal"]) or 0) < latest.get(value(r["series"]), ("", 0))[1]
        and (not wanted or value(r["class"]) == wanted)
    ]
    page = render(
        "threads.html",
        title="Threads",
        threads=threads,
        dropped=dropped,
        classes=classes,
        wanted=wanted,
    )
    return html_response(page)


def _steps(app: App, root: ox.NamedNode) -> dict[str, Step]:
    steps: dict[str, Step] = {}
    for r in rows(app, STEPS, root=root):
        iri = value(r["statement"])
        if iri in steps:
            continue
        steps[iri] = Step(
            iri=iri,
            meeting=value(r["meeting"]),
            meeting_label=value(r["meeting_label"]),
            ordinal=number(r["ordinal"]) or 0,
            date=value(r["date"]),
            series=value(r["series"]),
            paragraph=number(r["paragraph"]) or 0,
            sentence=number(r["sentence"]) or 0,
            clause=number(r["clause"]) or 0,
            verb=value(r["verb"]),
            cls=value(r["class"]),
            text=value(r["text"]),
            deadline=value(r["deadline"]),
            year=value(r["year"]),
        )
    return steps


def deadline_state(fulfilled: bool, year: str, latest_year: int) -> str:
    """met when a later statement fulfils it; overdue when its year is before the year
    of the series' latest meeting; open otherwise (also when it names no year)."""
    if fulfilled:
        return "met"
    return "overdue" if year and int(year[:4]) < latest_year else "open"


def _deadline_states(
    steps: dict[str, Step], links: list[Link], latest_year: int
) -> list[DeadlineState]:
    later: dict[str, set[str]] = defaultdict(set)  # statement -> statements carrying it on
    for link in links:
        later[link.previous.iri].add(link.current.iri)

    def descendants(iri: str) -> set[str]:
        found, todo = set(), [iri]
        while todo:
            for nxt in later[todo.pop()] - found:
                found.add(nxt)
                todo.append(nxt)
        return found

    states = []
    for step in steps.values():
        if not step.deadline:
            continue
        carried = descendants(step.iri) | {step.iri}
        fulfilled = any(link.kind == "fulfilled" and link.previous.iri in carried for link in links)
        states.append(DeadlineState(step, deadline_state(fulfilled, step.year, latest_year)))
    return states


def thread_page(app: App, request: Request, rest: str) -> Response:
    """The thread that starts at ``/id/statement/<rest>``."""
    root = id_node(rest, "statement/")
    steps = _steps(app, root)
    if root.value not in steps:
        raise Refusal(404, f"no statement {root.value}")
    links: list[Link] = []
    shared: dict[str, str] = {}
    for r in rows(app, LINKS, root=root):
        current, previous = steps.get(value(r["current"])), steps.get(value(r["previous"]))
        if current is None or previous is None:
            continue
        if r["shared"] is not None:
            shared[value(r["shared"])] = value(r["shared_label"]) or value(r["shared"])
        if not any(x.current is current and x.previous is previous for x in links):
            links.append(Link(current, previous, value(r["kind"]), value(r["similarity"])))
    pairs: dict[tuple[str, str], Pair] = {}
    for link in sorted(links, key=lambda x: (x.current.ordinal, x.current.paragraph)):
        key = (link.previous.text, link.current.text)
        if key not in pairs:
            before, after = marked_words(*key)
            pairs[key] = Pair(link.previous, link.current, before, after)
        pairs[key].links.append(link)
    latest = latest_meetings(app)
    root_step = steps[root.value]
    last_date, last_ordinal = latest.get(root_step.series, ("", root_step.ordinal))
    carried_on = {link.previous.iri for link in links}
    dropped = [s for s in steps.values() if s.iri not in carried_on and s.ordinal < last_ordinal]
    meetings: dict[str, list[Step]] = defaultdict(list)
    for step in sorted(steps.values(), key=lambda s: (s.ordinal, s.paragraph, s.sentence)):
        meetings[step.meeting_label].append(step)
    title = _link_label(app, root) or f"{root_step.meeting_label} ¶{root_step.paragraph}"
    page = render(
        "thread.html",
        title=f"Thread: {title}",
        heading=title,
        root=root_step,
        meetings=meetings,
        pairs=list(pairs.values()),
        kinds=sorted({link.kind for link in links}),
        dropped=dropped,
        deadlines=_deadline_states(steps, links, int(last_date[:4]) if last_date else 0),
        shared=sorted(shared.items(), key=lambda kv: kv[1]),
        classes=verb_classes(app),
        latest_ordinal=last_ordinal,
        root_path="/id/statement/" + root.value[len(STATEMENT) :],
    )
    return html_response(page)


def _link_label(app: App, root: ox.NamedNode) -> str:
    """The label the build gave the thread's links (the entities they share)."""
    found = rows(
        app,
        PREFIXES
        + "SELECT ?label ?root WHERE { ?link scm:previousStatement ?root ; rdfs:label ?label }"
        " ORDER BY ?label LIMIT 1",
        root=root,
    )
    return value(found[0]["label"]) if found else ""
