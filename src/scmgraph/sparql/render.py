"""A query's rows for people and files: an aligned terminal table, CSV, TSV or SPARQL JSON.

The endpoint writes its answers with pyoxigraph's serialisers straight from the
engine (``scmgraph.sparql.results``); a ``Table`` (what ``run_select``, the remote
client and the notebook API return) is written here.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
from rich.box import Box
from rich.console import Console
from rich.table import Table as RichTable

from scmgraph.errors import QueryError
from scmgraph.namespaces import curie
from scmgraph.sparql.query import FORMATS, XSD, Table, Term


def plain(term: Term) -> str:
    if term is None:
        return ""
    return term.value


def _json_cell(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.Literal):
        cell = {"type": "literal", "value": term.value}
        if term.language:
            cell["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            cell["datatype"] = term.datatype.value
        return cell
    return {"type": "bnode", "value": term.value}


def render(table: Table, fmt: str) -> str:
    """Render a result as a text table, CSV, TSV or SPARQL-JSON-like JSON."""
    if fmt == "json":
        bindings = [
            {c: _json_cell(t) for c, t in zip(table.columns, row, strict=True) if t is not None}
            for row in table.rows
        ]
        return json.dumps(
            {"head": {"vars": list(table.columns)}, "results": {"bindings": bindings}},
            indent=2,
            ensure_ascii=False,
        )
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow([plain(t) for t in row])
        return buffer.getvalue().removesuffix("\n")  # the caller ends the last line
    if fmt != "table":
        raise QueryError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    return render_table(table)


def _short(term: Term) -> str:
    return curie(term.value) if isinstance(term, ox.NamedNode) else plain(term)


# Only a rule of ASCII dashes under the header, so the table pastes anywhere.
_RULE_UNDER_HEAD = Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)


def render_table(table: Table, *, max_width: int = 60) -> str:
    """An aligned table for the terminal (rich), long cells shortened, one line per row."""
    grid = RichTable(box=_RULE_UNDER_HEAD, show_edge=False, pad_edge=False)
    for column in table.columns:
        grid.add_column(column, no_wrap=True, overflow="ellipsis", max_width=max_width)
    for row in table.rows:
        grid.add_row(*(" ".join(_short(term).split()) for term in row))
    buffer = io.StringIO()
    Console(file=buffer, width=1 << 16, color_system=None, highlight=False).print(grid)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    count = len(table.rows)
    return "\n".join([*lines, f"({count} row{'s' if count != 1 else ''})"])
