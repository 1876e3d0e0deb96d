"""The Python entry point for notebooks: open a built graph, get rows of plain values.

Every answer is a list of dicts whose values are str, int, float, bool,
datetime.date (or datetime.datetime) or None, so ``pandas.DataFrame(rows)``
needs no conversion. The work is done by the modules the command line uses:
stored queries and their typed parameters (query), the statements view (view)
and the network projections the exports are made from (network).

    >>> import scmgraph
    >>> kg = scmgraph.load(graph_folder)
    >>> [r["name"] for r in kg.query("heads-of-delegation") if r["ordinal"] == 52]
    ['Mark Esper', 'Suh Wook']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from scmgraph.rdf.store import open_store
from scmgraph.sparql.query import XSD, Table, bind, find_query, run_select
from scmgraph.views.network import Filters, read_corpus
from scmgraph.views.projections import project
from scmgraph.views.statements import communiques, statements_view

Row = dict[str, Any]
_INTEGERS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger"}
_INTEGERS |= {"nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "gYear"}
_FLOATS = {"decimal", "double", "float"}


def python_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Any:
    """A result cell as a plain Python value: IRIs and other literals become str."""
    if term is None:
        return None
    if not isinstance(term, ox.Literal) or not term.datatype.value.startswith(XSD):
        return term.value
    kind = term.datatype.value[len(XSD) :]
    try:
        if kind in _INTEGERS:
            return int(term.value)
        if kind in _FLOATS:
            return float(term.value)
        if kind == "boolean":
            return term.value in ("true", "1")
        if kind == "date":
            return dt.date.fromisoformat(term.value)
        if kind == "dateTime":
            return dt.datetime.fromisoformat(term.value)
    except ValueError:  # an ill-typed literal keeps its text
        pass
    return term.value


def records(table: Table) -> list[Row]:
    """One dict per row, column name to plain value."""
    return [
        {column: python_value(cell) for column, cell in zip(table.columns, row, strict=True)}
        for row in table.rows
    ]


def _parameter_text(value: object) -> str:
    """A parameter as the command line would give it: dates as YYYY-MM-DD."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class KnowledgeGraph:
    """A built graph folder (``scmgraph build --out FOLDER``), opened read-only."""

    folder: Path
    store: ox.Store

    def query(self, name: str, **params: object) -> list[Row]:
        """Run the stored query ``name``, its parameters given as keywords (ordinal=53)."""
        stored = find_query(name)
        values = {key: _parameter_text(value) for key, value in params.items()}
        return records(run_select(self.store, stored.text, bind(stored, values)))

    def sparql(self, text: str) -> list[Row]:
        """Run any read-only query (SELECT, ASK, CONSTRUCT, DESCRIBE); updates are refused."""
        return records(run_select(self.store, text))

    def statements(self) -> list[Row]:
        """The statements view of every communiqué, one row per statement with its document."""
        return [
            {"document": view["document"], **statement}
            for view in (statements_view(self.store, c.document) for c in communiques(self.store))
            for statement in view["statements"]
        ]

    def network(self, projection: str = "entities", **filters: Any) -> nx.Graph:
        """The network ``scmgraph export`` writes: entities, speakers or threads.

        Keywords filter the statements as the export options do: meeting, topic,
        entity, since, until.
        """
        return project(read_corpus(self.store, Filters(**filters)), projection)


def load(path: str | Path) -> KnowledgeGraph:
    """Open the built graph folder ``path`` (the one holding ``store/``)."""
    folder = Path(path)
    return KnowledgeGraph(folder=folder, store=open_store(folder / "store"))
