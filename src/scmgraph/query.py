"""Stored SPARQL queries: discovery, typed parameters, execution, rendering.

A stored query is a ``queries/NAME.rq`` file that starts with a grlc-style
header (``#+ summary:``, ``#+ description:``, ``#+ defaults:``, ``#+ example:``).
Its parameters are the variables named ``?_name_type`` (required) or
``?__name_type`` (optional) — for example ``?_entity_iri`` or ``?_year_integer``
— as in grlc. Values are parsed into RDF terms of the declared type and bound by
the engine (pyoxigraph substitutions), never pasted into the query text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from scmgraph.registry import default_data_dir

PARAMETER = re.compile(
    r"\?(?P<optional>__|_)(?P<name>[a-z][a-z0-9]*)(?:_(?P<type>iri|integer|string|date|year|literal))?\b"
)
PREFIXES = {
    "scm": "https://w3id.org/scmgraph/ontology#",
    "id": "https://w3id.org/scmgraph/id/",
}
IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|^`\\]")
FORMATS = ("table", "csv", "tsv", "json")


class QueryError(Exception):
    """A stored query that is unknown, or a parameter that is missing or ill-typed."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # iri, integer, string, date, year, literal
    required: bool
    variable: str  # the variable as written, without "?"
    default: str | None


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str
    example: str | None
    parameters: tuple[Parameter, ...]


@dataclass(frozen=True)
class Table:
    """A SELECT result: column names and rows of plain values (None when unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[ox.NamedNode | ox.Literal | ox.BlankNode | None, ...], ...]


def default_queries_dir() -> Path:
    return default_data_dir().parent / "queries"


def _header(text: str) -> dict[str, str | list[str]]:
    """Read the ``#+ key: value`` lines at the top of a query file."""
    fields: dict[str, str | list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("#+"):
            if line.startswith("#") or not line.strip():
                continue
            break
        body = line[2:].strip()
        if body.startswith("- ") and current:
            existing = fields.get(current)
            items = existing if isinstance(existing, list) else []
            items.append(body[2:].strip())
            fields[current] = items
            continue
        key, _, value = body.partition(":")
        current = key.strip()
        fields[current] = value.strip()
    return fields


def load_query(path: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    header = _header(text)
    defaults: dict[str, str] = {}
    raw_defaults = header.get("defaults", [])
    for item in raw_defaults if isinstance(raw_defaults, list) else []:
        key, _, value = item.partition(":")
        defaults[key.strip()] = value.strip()
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    seen: dict[str, Parameter] = {}
    for match in PARAMETER.finditer(body):
        name = match["name"]
        if name not in seen:
            seen[name] = Parameter(
                name=name,
                type=match["type"] or "literal",
                required=match["optional"] == "_" and name not in defaults,
                variable=match.group()[1:],
                default=defaults.get(name),
            )
    return StoredQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(header.get("summary", "")),
        description=str(header.get("description", "")),
        example=str(header["example"]) if "example" in header else None,
        parameters=tuple(seen.values()),
    )


def list_queries(folder: Path | None = None) -> list[StoredQuery]:
    folder = folder or default_queries_dir()
    return [load_query(p) for p in sorted(folder.glob("*.rq"))]


def find_query(name: str, folder: Path | None = None) -> StoredQuery:
    folder = folder or default_queries_dir()
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name) or not path.is_file():
        known = ", ".join(q.name for q in list_queries(folder))
        raise QueryError(f"unknown stored query {name!r} (known: {known})")
    return load_query(path)


def parse_term(parameter: Parameter, value: str) -> ox.NamedNode | ox.Literal:
    """Parse a command-line value into an RDF term of the parameter's type."""
    kind = parameter.type
    try:
        if kind == "iri":
            for prefix, namespace in PREFIXES.items():
                if value.startswith(prefix + ":"):
                    value = namespace + value[len(prefix) + 1 :]
            if IRI_FORBIDDEN.search(value) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
                raise ValueError("not an absolute IRI")
            return ox.NamedNode(value)
        if kind in ("integer", "year"):
            if not re.fullmatch(r"[+-]?\d{1,9}", value):
                raise ValueError("not an integer")
            return ox.Literal(
                str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            )
        if kind == "date":
            dt.date.fromisoformat(value)
            return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
        return ox.Literal(value)
    except ValueError as exc:
        raise QueryError(
            f"parameter {parameter.name}: {value!r} is not a valid {kind} ({exc})"
        ) from exc


def bind(
    query: StoredQuery, values: dict[str, str]
) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Typed substitutions for a stored query; unknown or missing names are errors."""
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        names = ", ".join(known) or "none"
        raise QueryError(
            f"{query.name}: unknown parameter(s) {', '.join(unknown)} (parameters: {names})"
        )
    substitutions = {}
    for parameter in query.parameters:
        value = values.get(parameter.name, parameter.default)
        if value is None:
            if parameter.required:
                raise QueryError(
                    f"{query.name}: missing parameter {parameter.name} ({parameter.type})"
                )
            continue
        substitutions[ox.Variable(parameter.variable)] = parse_term(parameter, value)
    return substitutions


def open_store(path: Path) -> ox.Store:
    """Open the built on-disk store without writing to it."""
    if not path.exists():
        raise QueryError(f"{path}: no built store here (run `scmgraph build` first)")
    return ox.Store.read_only(str(path.resolve()))


def run_select(
    store: ox.Store,
    text: str,
    substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
) -> Table:
    """Run a SELECT query over the union of all named graphs."""
    try:
        result = store.query(
            text, use_default_graph_as_union=True, substitutions=substitutions or None
        )
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("only SELECT queries can be rendered as tables")
    columns = tuple(v.value for v in result.variables)
    rows = tuple(tuple(solution[c] for c in columns) for solution in result)
    return Table(columns, rows)


def plain(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    if term is None:
        return ""
    return term.value


def render(table: Table, fmt: str) -> str:
    """Render a result as a text table, CSV, TSV or SPARQL-JSON-like JSON."""
    if fmt == "json":
        bindings = []
        for row in table.rows:
            item = {}
            for column, term in zip(table.columns, row, strict=True):
                if term is None:
                    continue
                if isinstance(term, ox.NamedNode):
                    item[column] = {"type": "uri", "value": term.value}
                elif isinstance(term, ox.Literal):
                    cell = {"type": "literal", "value": term.value}
                    if term.language:
                        cell["xml:lang"] = term.language
                    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                        cell["datatype"] = term.datatype.value
                    item[column] = cell
                else:
                    item[column] = {"type": "bnode", "value": term.value}
            bindings.append(item)
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
        return buffer.getvalue()
    return render_table(table)


def _short(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    text = plain(term)
    for prefix, namespace in PREFIXES.items():
        if isinstance(term, ox.NamedNode) and text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def render_table(table: Table, *, max_width: int = 60) -> str:
    """A plain aligned table for the terminal, long cells shortened."""
    cells = [[_short(t) for t in row] for row in table.rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [len(c) for c in table.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)
