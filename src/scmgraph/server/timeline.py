"""Timelines of the explorer: statements per meeting by class, for a topic or an entity.

``/timeline`` takes the filters as query parameters — ``topic`` (a topic's
notation), ``entity`` (an entity's path under ``/id/``), ``class`` (a
speech-act class's notation), ``since`` and ``until`` (years) — and answers a
stacked bar chart drawn on the server as SVG (one bar per meeting, one colour
per class), with the statements listed under it. Filter values reach the query
as bound terms; only fixed query fragments are chosen by which filters are set.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from werkzeug.wrappers import Request, Response

from scmgraph.namespaces import XSD
from scmgraph.server.explore import PREFIXES, id_node, number, rows, value, verb_classes
from scmgraph.server.meetings import MEETINGS
from scmgraph.server.protocol import Refusal, html_response
from scmgraph.server.render import render

if TYPE_CHECKING:
    from scmgraph.server.explore import App

XSD_INTEGER = ox.NamedNode(XSD + "integer")
FILTERS = {
    "topic": "?statement dcterms:subject ?topic .",
    "entity": "{ ?statement scm:mentions ?entity } UNION { ?statement scm:actor ?entity }"
    " UNION { ?statement scm:speaker ?entity }",
    "class": "FILTER(?class_iri = ?class_wanted)",
    "since": "FILTER(YEAR(?date) >= ?since)",
    "until": "FILTER(YEAR(?date) <= ?until)",
}
BOUND = {
    "topic": "topic",
    "entity": "entity",
    "class": "class_wanted",
    "since": "since",
    "until": "until",
}
STATEMENTS = """
SELECT DISTINCT ?statement ?ordinal ?date ?meeting ?meeting_label ?paragraph ?sentence ?clause
       ?verb ?class ?text {bound} WHERE {{
  ?statement a scm:Statement ; scm:sentence ?s ; scm:clauseIndex ?clause ;
             scm:verbLemma ?verb ; scm:speechActClass ?class_iri .
  ?class_iri skos:notation ?class .
  ?s nif:anchorOf ?text ; scm:sentenceNumber ?sentence ;
     nif:superString/scm:paragraphNumber ?paragraph ;
     nif:referenceContext/scm:reportsMeeting ?meeting .
  ?meeting scm:ordinal ?ordinal .
  OPTIONAL {{ ?meeting rdfs:label ?meeting_label }}
  OPTIONAL {{ ?meeting dcterms:date ?date }}
  {filters}
}} ORDER BY ?date ?ordinal ?paragraph ?sentence ?clause"""
TOPICS = (
    PREFIXES
    + """
SELECT ?notation ?label (COUNT(DISTINCT ?statement) AS ?statements) WHERE {
  ?topic a scm:Topic ; skos:notation ?notation .
  OPTIONAL { ?topic skos:prefLabel ?label }
  ?statement dcterms:subject ?topic .
} GROUP BY ?notation ?label ORDER BY DESC(?statements) ?notation"""
)
ENTITIES = (
    PREFIXES
    + """
SELECT ?entity (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?statement) AS ?statements) WHERE {
  ?statement scm:mentions ?entity .
  OPTIONAL { ?entity rdfs:label ?name }
} GROUP BY ?entity ORDER BY DESC(?statements) ?entity LIMIT 40"""
)
# The chart's geometry, in SVG user units.
WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 880, 260, 20, 40, 40


@dataclass
class Bar:
    """One meeting's bar: where it stands and its segments, one per class."""

    x: float
    width: float
    label: str
    total: int
    segments: list[dict[str, Any]]


def _year(request: Request, name: str) -> ox.Literal | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 4:
        raise Refusal(400, f"{name} must be a year, e.g. 2021; got {text!r}")
    return ox.Literal(text, datatype=XSD_INTEGER)


def _filters(request: Request) -> dict[str, ox.NamedNode | ox.Literal]:
    """The bound value of each filter the request sets."""
    chosen: dict[str, ox.NamedNode | ox.Literal | None] = {
        "topic": id_node(t, "topic/") if (t := request.args.get("topic")) else None,
        "entity": id_node(e) if (e := request.args.get("entity")) else None,
        "class": id_node(c, "verb-class/") if (c := request.args.get("class")) else None,
        "since": _year(request, "since"),
        "until": _year(request, "until"),
    }
    return {name: term for name, term in chosen.items() if term is not None}


def chart(
    meetings: list[tuple[str, str]], counts: dict[str, Counter[str]], colours: dict[str, str]
) -> list[Bar]:
    """Stacked bars, one per meeting in ``meetings`` (IRI, label), scaled to the tallest."""
    tallest = max((sum(c.values()) for c in counts.values()), default=0) or 1
    slot = (WIDTH - LEFT) / max(len(meetings), 1)
    width = min(slot * 0.6, 90)
    bars = []
    for i, (iri, label) in enumerate(meetings):
        y = float(HEIGHT - BOTTOM)
        segments = []
        for cls, n in sorted(counts.get(iri, Counter()).items()):
            h = (HEIGHT - BOTTOM - TOP) * n / tallest
            y -= h
            segments.append(
                {"y": y, "h": h, "cls": cls, "n": n, "colour": colours.get(cls, "#999")}
            )
        total = sum(counts.get(iri, Counter()).values())
        bars.append(Bar(LEFT + slot * i + (slot - width) / 2, width, label, total, segments))
    return bars


def timeline_page(app: App, request: Request) -> Response:
    filters = _filters(request)
    bound = " ".join(f"?{BOUND[name]}" for name in filters)
    text = PREFIXES + STATEMENTS.format(
        bound=bound, filters="\n  ".join(FILTERS[name] for name in filters)
    )
    found = rows(app, text, **{BOUND[name]: term for name, term in filters.items()})
    classes = verb_classes(app)
    counts: dict[str, Counter[str]] = {}
    for r in found:
        counts.setdefault(value(r["meeting"]), Counter())[value(r["class"])] += 1
    since, until = (number(filters.get(k)) for k in ("since", "until"))
    meetings = [
        (value(m["meeting"]), value(m["label"]) or value(m["meeting"]).rsplit("/", 1)[-1])
        for m in rows(app, MEETINGS)
        if (since is None or value(m["date"])[:4] >= str(since).zfill(4))
        and (until is None or value(m["date"])[:4] <= str(until).zfill(4))
    ]
    used = sorted({value(r["class"]) for r in found})
    described = [f"{name} {request.args.get(name)}" for name in filters]
    page = render(
        "timeline.html",
        title="Timeline" + (" · " + ", ".join(described) if described else ""),
        described=described,
        args={name: request.args.get(name, "") for name in FILTERS},
        statements=found,
        bars=chart(meetings, counts, {c: v.colour for c, v in classes.items()}),
        size={"width": WIDTH, "height": HEIGHT, "bottom": BOTTOM, "left": LEFT, "top": TOP},
        classes=classes,
        legend=[classes[c] for c in used if c in classes],
        topics=rows(app, TOPICS),
        entities=rows(app, ENTITIES),
    )
    return html_response(page)
