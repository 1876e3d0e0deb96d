"""Stored SPARQL queries: discovery, typed parameters, execution, rendering.

A stored query is a ``queries/NAME.rq`` file that starts with a grlc-style
header (``#+ summary:``, ``#+ description:``, ``#+ tags:``, ``#+ parameters:``,
``#+ defaults:``, ``#+ example:``). Its parameters are the variables named
``?_name_type`` (required unless given a default) or ``?__name_type`` (optional)
— for example ``?_entity_iri`` or ``?__year_year`` — as in grlc. Values are
parsed into RDF terms of the declared type and bound by the engine (pyoxigraph
substitutions, SEP-0007), never pasted into the query text as strings; the same
terms are also written, in N-Triples syntax by pyoxigraph, as inline VALUES blocks
so that the planner starts from them.

SEP-0007 substitutes only variables that the top-level SELECT projects, so a
stored query projects its parameter variables; their columns only echo the
input and are left out of the result. ``BOUND(?_x)`` stays false under
substitution: an optional parameter is tested with ``COALESCE`` instead.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import pyoxigraph as ox
import yaml

from scmgraph.errors import QueryError
from scmgraph.namespaces import XSD, prefixes
from scmgraph.resources import shipped
from scmgraph.sparql.values import steer

T = TypeVar("T")

PARAMETER = re.compile(
    r"\?(?P<optional>__|_)(?P<name>[a-z][a-z0-9]*)(?:_(?P<type>iri|integer|string|date|year|literal))?\b"
)
TYPES = ("iri", "integer", "string", "date", "year", "literal")
PREFIXES = MappingProxyType(prefixes("scm", "id"))  # what a parameter may abbreviate
# Prefixes a user may mistake for abbreviations: refused rather than read as IRI schemes.
FOREIGN_PREFIXES = frozenset(
    {"rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "dc", "prov", "org", "foaf", "time"}
    | {"nif", "itsrdf", "vann", "wd", "schema"}
)
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x1f\x7f-\x9f]*")
FORMATS = ("table", "csv", "tsv", "json")
DOCUMENTED = re.compile(r"^(?P<name>[a-z][a-z0-9]*) \((?P<type>[a-z]+)\)(?::\s*(?P<text>.*))?$")

Term = ox.NamedNode | ox.Literal | ox.BlankNode | None


UPDATES_REFUSED = (
    "SPARQL updates are refused: scmgraph runs only SELECT, ASK, CONSTRUCT and DESCRIBE queries"
)
SERVICE_REFUSED = (
    "SERVICE (federated query) is refused: scmgraph queries the local store only"
    " (use --endpoint to query a remote server)"
)


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
    tags: tuple[str, ...] = ()
    documented: tuple[tuple[str, str, str], ...] = ()  # (name, type, text) from the header
    defaults: tuple[tuple[str, str], ...] = ()  # (name, value) from the header


@dataclass(frozen=True)
class Table:
    """A result: column names and rows of plain values (None when unbound).

    ASK gives one ``result`` column; CONSTRUCT and DESCRIBE give subject,
    predicate and object columns.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Term, ...], ...]


def default_queries_dir() -> Path:
    return shipped("queries")


def _header(text: str) -> dict[str, str | list[str]]:
    """The YAML in the ``#+`` lines at the top of a query file.

    A list item written ``name: text`` (a parameter, a default) stays one string.
    """
    lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            if line.startswith("#") or not line.strip():
                continue
            break
        lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    data = yaml.safe_load("\n".join(lines)) or {}
    return {str(key): _flat(value) for key, value in data.items()}


def _flat(value: object) -> str | list[str]:
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, item in value.items()]
    if isinstance(value, list):
        return [_flat(item)[0] if isinstance(item, dict) else str(item) for item in value]
    return "" if value is None else str(value).strip()


def _items(value: str | list[str] | None) -> list[str]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def load_query(path: Path) -> StoredQuery:
    """Read a query file: its header and the parameters its variables declare."""
    text = path.read_text(encoding="utf-8")
    try:
        header = _header(text)
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
        raise QueryError(f"{path}: the #+ header is not valid YAML ({problem})") from exc
    defaults: dict[str, str] = {}
    for item in _items(header.get("defaults")):
        key, _, value = item.partition(":")
        defaults[key.strip()] = value.strip()
    documented = []
    for item in _items(header.get("parameters")):
        match = DOCUMENTED.match(item)
        documented.append(
            (match["name"], match["type"], match["text"] or "") if match else (item, "", "")
        )
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
        example=str(header["example"]) if header.get("example") else None,
        parameters=tuple(seen.values()),
        tags=tuple(_items(header.get("tags"))),
        documented=tuple(documented),
        defaults=tuple(defaults.items()),
    )


def check_query(query: StoredQuery) -> list[str]:
    """What a stored query's header lacks or gets wrong, for tests and reviews."""
    problems = [
        f"no {key}" for key in ("summary", "description", "example") if not getattr(query, key)
    ]
    declared = {(p.name, p.type) for p in query.parameters}
    documented = {(name, kind) for name, kind, _ in query.documented}
    if declared != documented:
        problems.append(f"parameters {sorted(declared)} but documented {sorted(documented)}")
    names = {p.name for p in query.parameters}
    problems += [f"default for unknown parameter {n}" for n, _ in query.defaults if n not in names]
    for p in query.parameters:
        if p.default is not None:
            try:
                parse_term(p, p.default)
            except QueryError as exc:
                problems.append(f"bad default: {exc}")
    if query.example and not query.example.startswith(f"scmgraph query run {query.name}"):
        problems.append("the example does not run this query")
    return problems


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


def _iri(value: str) -> ox.NamedNode:
    """An absolute IRI, or ``id:``/``scm:`` followed by a local part."""
    prefix, colon, rest = value.partition(":")
    if colon and prefix in PREFIXES:
        value = PREFIXES[prefix] + rest
    elif colon and prefix.lower() in FOREIGN_PREFIXES:
        raise ValueError(f"prefix {prefix}: is not accepted (only id: and scm:); give the full IRI")
    if not IRI.fullmatch(value):
        raise ValueError('expected an absolute IRI: no spaces, controls or <>"{}|^`\\')
    if re.search(r"%(?![0-9A-Fa-f]{2})", value) or value.count("#") > 1:
        raise ValueError("bad percent-encoding or more than one '#'")
    return ox.NamedNode(value)  # checks the rest of RFC 3987


def parse_term(parameter: Parameter, value: str) -> ox.NamedNode | ox.Literal:
    """Parse a command-line value into an RDF term of the parameter's type.

    ``integer`` is xsd:integer, ``date`` xsd:date (YYYY-MM-DD), ``year``
    xsd:gYear (YYYY, as deadline years are), ``string`` and ``literal`` a plain
    string; a string is any text, bound as a literal and never parsed as SPARQL.
    """
    kind = parameter.type
    try:
        if kind == "iri":
            return _iri(value)
        if kind == "integer":
            if not re.fullmatch(r"[+-]?\d{1,9}", value):
                raise ValueError("expected digits, e.g. 53")
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if kind == "year":
            if not re.fullmatch(r"\d{4}", value):
                raise ValueError("expected four digits, e.g. 2022")
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
        if kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError("expected YYYY-MM-DD")
            dt.date.fromisoformat(value)
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        if kind not in TYPES:
            raise ValueError(f"unknown parameter type {kind!r}")
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
                    f"{query.name}: missing parameter {parameter.name} ({parameter.type});"
                    f" give --param {parameter.name}=VALUE"
                )
            continue
        substitutions[ox.Variable(parameter.variable)] = parse_term(parameter, value)
    return substitutions


def run_select(
    store: ox.Store,
    text: str,
    substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
) -> Table:
    """Run a query over the union of all named graphs, as a table.

    Parameter columns (``_name``) are dropped: they only echo the input. Updates,
    ``SERVICE`` (which the engine would send over the network) and nesting deep
    enough to overflow the engine's parser are refused before the engine sees them.
    """
    from scmgraph.sparql.lexer import MAX_NESTING, inspect_query, nesting_message

    shape = inspect_query(text)
    if shape.update:
        raise QueryError(UPDATES_REFUSED)
    if shape.service:
        raise QueryError(SERVICE_REFUSED)
    if shape.depth > MAX_NESTING:
        raise QueryError(nesting_message(shape.depth))
    return on_a_deep_stack(lambda: _evaluate(store, text, substitutions))


def _evaluate(
    store: ox.Store, text: str, substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] | None
) -> Table:
    try:
        result = store.query(
            steer(text, substitutions),
            use_default_graph_as_union=True,
            substitutions=substitutions or None,
        )
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except RuntimeError as exc:  # a substituted variable the SELECT does not project
        raise QueryError(f"cannot bind the parameters: {exc}") from exc
    try:  # solutions are computed while they are read
        return _table(result)
    except RuntimeError as exc:
        raise QueryError(f"query evaluation failed: {exc}") from exc


QUERY_STACK_BYTES = 1 << 30  # reserved, not used: the engine's parser recurses per operator


def on_a_deep_stack(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread with a large stack and return what it returns or raises.

    The engine parses a query recursively, on the calling thread's stack: a long
    operator chain ("!!!…", "a || b || …") that nests no brackets would otherwise
    overflow the main thread's few megabytes and kill the process.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    previous = threading.stack_size(QUERY_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="scmgraph-query")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def is_parameter(column: str) -> bool:
    """Parameter columns (``_name``, ``__name``) only echo the input: tables leave them out."""
    return column.startswith("_")


def distinct(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """Each triple once, in first-seen order: a graph is a set, but the engine's
    DESCRIBE over the union of named graphs repeats a triple once per graph holding it."""
    seen: set[ox.Triple] = set()
    for triple in triples:
        if triple not in seen:
            seen.add(triple)
            yield triple


def _table(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Table:
    if isinstance(result, ox.QueryBoolean):
        answer = ox.Literal(str(bool(result)).lower(), datatype=ox.NamedNode(XSD + "boolean"))
        return Table(("result",), ((answer,),))
    if isinstance(result, ox.QueryTriples):
        triples = tuple((t.subject, t.predicate, t.object) for t in distinct(result))
        return Table(("subject", "predicate", "object"), triples)  # type: ignore[arg-type]
    # Cells are taken by position: by name, each costs a search of the variables.
    kept = [(i, v.value) for i, v in enumerate(result.variables) if not is_parameter(v.value)]
    places = [i for i, _ in kept]
    rows = tuple(tuple(solution[i] for i in places) for solution in result)
    return Table(tuple(name for _, name in kept), rows)
