"""What the explorer pages of ``scmgraph serve`` share: queries through the pool, classes.

The explorer (meetings, threads, timelines, graph, search) reads the stored
graph only by SPARQL, through the server's worker pool, so every page query
has the time limit and row limit of any other query. Values from a request
reach a query as bound RDF terms (pyoxigraph substitutions), never as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from scmgraph.namespaces import ID, sparql_prologue
from scmgraph.server.protocol import Refusal
from scmgraph.server.render import class_colours
from scmgraph.sparql.render import plain as value  # a term's lexical value, "" when unbound
from scmgraph.sparql.results import Task

if TYPE_CHECKING:
    from scmgraph.server.pool import Settings
    from scmgraph.sparql.results import Reply


class App(Protocol):
    """What the explorer's pages ask of the application (``server.app.App``): its
    settings, and queries run through its worker pool with the limits of any request."""

    settings: Settings

    def run(self, task: Task) -> Reply: ...


PREFIXES = "\n" + sparql_prologue("scm", "nif", "skos", "rdfs", "dcterms", "prov", "xsd")
STATEMENT = ID + "statement/"

_CLASSES = (
    PREFIXES
    + """
SELECT DISTINCT ?class ?notation ?label WHERE {
  ?class a scm:VerbClass ; skos:notation ?notation .
  OPTIONAL { ?class skos:prefLabel ?label }
} ORDER BY ?notation"""
)
_SERIES_LATEST = (
    PREFIXES
    + """
SELECT ?series (MAX(?date) AS ?latest) (MAX(?ordinal) AS ?last) WHERE {
  ?communique a scm:Communique ; scm:reportsMeeting ?meeting .
  ?meeting scm:series ?series ; scm:ordinal ?ordinal .
  OPTIONAL { ?meeting dcterms:date ?date }
} GROUP BY ?series"""
)


Row = dict[str, Any]


def rows(app: App, text: str, /, **bindings: ox.NamedNode | ox.Literal) -> list[Row]:
    """A SELECT's rows as dicts of terms (None when unbound), values bound as terms.

    pyoxigraph binds only variables the query projects: each bound name is selected.
    """
    task = Task(
        text,
        media_type=None,
        max_rows=app.settings.max_rows,
        substitutions={ox.Variable(name): term for name, term in bindings.items()},
    )
    table = app.run(task).table
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def number(term: Any) -> int | None:
    """An integer literal's value, None when unbound or not a number."""
    try:
        return None if term is None else int(term.value)
    except ValueError:
        return None


@dataclass(frozen=True)
class VerbClass:
    """A speech-act class as pages show it: its notation, label and colour."""

    iri: str
    notation: str
    label: str
    colour: str


def verb_classes(app: App) -> dict[str, VerbClass]:
    """The speech-act classes in the graph by notation, each with its colour."""
    found = rows(app, _CLASSES)
    colours = class_colours([value(r["notation"]) for r in found])
    classes: dict[str, VerbClass] = {}
    for r in found:
        notation = value(r["notation"])
        classes.setdefault(
            notation,
            VerbClass(
                value(r["class"]), notation, value(r["label"]) or notation, colours[notation]
            ),
        )
    return classes


def latest_meetings(app: App) -> dict[str, tuple[str, int]]:
    """The latest meeting of each series in the graph: series IRI → (date, ordinal)."""
    return {
        value(r["series"]): (value(r["latest"]), number(r["last"]) or 0)
        for r in rows(app, _SERIES_LATEST)
    }


def id_node(path: str, kind: str = "") -> ox.NamedNode:
    """The dataset IRI ``ID + kind + path``; 404 for dot segments or a bad IRI."""
    segments = path.split("/")
    if not path or any(s in ("", ".", "..") for s in segments):
        raise Refusal(404, f"no such {kind.rstrip('/') or 'entity'}")
    try:
        return ox.NamedNode(ID + kind + path)
    except ValueError as exc:
        raise Refusal(404, f"no such {kind.rstrip('/') or 'entity'}") from exc
