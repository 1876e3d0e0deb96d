"""How a communiqué carries the previous one forward: ``scmgraph diff 52 53``.

Reads the thread links of the built graph and groups the statements of two
meetings of one series into carried forward (by kind), new (no predecessor)
and dropped (no successor).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from scmgraph.errors import QueryError
from scmgraph.views.trace import PREFIXES

STATEMENTS = (
    PREFIXES
    + """
SELECT DISTINCT ?series ?ordinal ?statement ?pnumber ?snumber ?index ?verb ?text WHERE {
  ?meeting scm:series/scm:acronym ?series ; scm:ordinal ?ordinal .
  ?communique scm:reportsMeeting ?meeting .
  ?sentence nif:referenceContext ?communique ; scm:sentenceNumber ?snumber ;
            nif:beginIndex ?sbegin ; nif:endIndex ?send ; nif:anchorOf ?text .
  ?paragraph nif:referenceContext ?communique ; scm:paragraphNumber ?pnumber ;
             nif:beginIndex ?pbegin ; nif:endIndex ?pend .
  FILTER (?pbegin <= ?sbegin && ?send <= ?pend)
  ?statement scm:sentence ?sentence ; scm:clauseIndex ?index ; scm:verbLemma ?verb .
}
ORDER BY ?pnumber ?snumber ?index
"""
)

LINKS = (
    PREFIXES
    + """
SELECT DISTINCT ?current ?previous ?kind ?similarity ?label WHERE {
  ?link a scm:ThreadLink ; scm:currentStatement ?current ; scm:previousStatement ?previous ;
        scm:threadKind ?kind .
  OPTIONAL { ?link scm:wordingSimilarity ?similarity }
  OPTIONAL { ?link rdfs:label ?label }
}
"""
)

SERIES_OF = (
    PREFIXES
    + """
SELECT DISTINCT ?ordinal ?series WHERE {
  ?meeting scm:series/scm:acronym ?series ; scm:ordinal ?ordinal .
  ?communique scm:reportsMeeting ?meeting .
} ORDER BY ?series
"""
)

_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#positiveInteger")


@dataclass(frozen=True)
class Row:
    statement: str
    paragraph: int
    verb: str
    text: str


@dataclass(frozen=True)
class Diff:
    series: str
    earlier: int
    later: int
    carried: dict[str, list[tuple[Row, Row, float | None, str]]]  # kind -> (previous, current, ...)
    new: list[Row]
    dropped: list[Row]


def _query(store: ox.Store, text: str, **bindings: ox.Literal) -> list:
    substitutions = {ox.Variable(k): v for k, v in bindings.items()}
    return list(store.query(text, use_default_graph_as_union=True, substitutions=substitutions))


def _rows(store: ox.Store, series: str, ordinal: int) -> list[Row]:
    rows = _query(
        store,
        STATEMENTS,
        series=ox.Literal(series),
        ordinal=ox.Literal(str(ordinal), datatype=_INTEGER),
    )
    return [
        Row(r["statement"].value, int(r["pnumber"].value), r["verb"].value, r["text"].value)
        for r in rows
    ]


def diff(store: ox.Store, earlier: int, later: int, series: str | None = None) -> Diff:
    """Compare the statements of two meetings of one series through the thread links."""
    if series is None:
        found = {
            r["series"].value
            for ordinal in (earlier, later)
            for r in _query(store, SERIES_OF, ordinal=ox.Literal(str(ordinal), datatype=_INTEGER))
        }
        if len(found) != 1:
            raise QueryError(
                f"meetings {earlier} and {later}: give --series (found {sorted(found) or 'none'})"
            )
        series = found.pop()
    old, new = _rows(store, series, earlier), _rows(store, series, later)
    if not old or not new:
        missing = earlier if not old else later
        raise QueryError(f"no communiqué of {series} {missing} in the graph")
    old_by_iri, new_by_iri = {r.statement: r for r in old}, {r.statement: r for r in new}
    carried: dict[str, list[tuple[Row, Row, float | None, str]]] = defaultdict(list)
    linked_old, linked_new = set(), set()
    for link in _query(store, LINKS):
        current, previous = link["current"].value, link["previous"].value
        if current in new_by_iri and previous in old_by_iri:
            similarity = float(link["similarity"].value) if link["similarity"] else None
            label = link["label"].value if link["label"] else ""
            carried[link["kind"].value].append(
                (old_by_iri[previous], new_by_iri[current], similarity, label)
            )
            linked_old.add(previous)
            linked_new.add(current)
    for items in carried.values():
        items.sort(key=lambda item: (item[1].paragraph, item[1].statement))
    return Diff(
        series=series,
        earlier=earlier,
        later=later,
        carried=dict(sorted(carried.items())),
        new=[r for r in new if r.statement not in linked_new],
        dropped=[r for r in old if r.statement not in linked_old],
    )


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_diff(result: Diff) -> str:
    """A readable report: counts first, then each group with paragraph numbers."""
    a, b = f"{result.series} {result.earlier}", f"{result.series} {result.later}"
    counts = ", ".join(f"{len(v)} {k}" for k, v in result.carried.items())
    lines = [
        f"{a} → {b}: {counts}; {len(result.new)} new; {len(result.dropped)} dropped",
        "",
    ]
    for kind, items in result.carried.items():
        lines.append(f"{kind} ({len(items)})")
        for previous, current, similarity, label in items:
            score = f" sim {similarity:.2f}" if similarity is not None else ""
            lines.append(
                f"  §{previous.paragraph} {previous.verb} → §{current.paragraph} {current.verb}"
                f"{score}  [{label}]"
            )
            lines.append(f"      {_short(current.text)}")
        lines.append("")
    for title, rows in (("new in " + b, result.new), ("dropped since " + a, result.dropped)):
        lines.append(f"{title} ({len(rows)})")
        lines += [f"  §{r.paragraph} {r.verb}: {_short(r.text)}" for r in rows]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
