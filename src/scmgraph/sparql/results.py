"""What a query worker of ``scmgraph serve`` answers: bytes written by pyoxigraph.

Results are written by pyoxigraph's own serialisers, so no term of an answer
becomes a Python object on its way out. The row limit is kept while the engine
writes: a result is first written in a line-per-row syntax (SPARQL TSV for
solutions, N-Triples for graphs, both escaping line breaks inside terms) into a
sink that counts lines and stops the engine one row past the limit; the rows kept
are then parsed and written again, by pyoxigraph, in the negotiated syntax.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from scmgraph.namespaces import prefixes
from scmgraph.sparql.values import steer

RDF_PREFIXES = prefixes("scm", "rdf", "rdfs", "xsd", "skos", "nif", "owl")
# Media types we answer, by kind of result; the first of each list is the default.
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
RESULT_FORMATS = {
    RESULT_TYPES[0]: ox.QueryResultsFormat.JSON,
    RESULT_TYPES[1]: ox.QueryResultsFormat.XML,
    RESULT_TYPES[2]: ox.QueryResultsFormat.CSV,
    RESULT_TYPES[3]: ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
# Characters XML 1.0 cannot carry, as UTF-8: C0 controls but tab and line breaks,
# U+FFFE and U+FFFF. They are written as U+FFFD so that every answer parses.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_REPLACEMENT = "\ufffd".encode()


@dataclass(frozen=True)
class Task:
    """One query for a worker; ``media_type`` None asks for a Table instead of bytes."""

    text: str
    media_type: str | None = None
    max_rows: int = 10_000
    substitutions: dict[Any, Any] = field(default_factory=dict)
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Reply:
    """A worker's answer: serialised bytes or a table, or an error of a kind."""

    ok: bool
    body: bytes = b""
    media: str = ""
    table: Any = None  # scmgraph.sparql.query.Table when the task asked for rows
    truncated: bool = False
    error: str = ""  # "syntax", "query" (rejected by the engine), "store"
    message: str = ""


class _RowLimit(Exception):
    """The engine has written one line more than the sink keeps."""


class _Lines:
    """A write-only binary file keeping the first ``keep`` lines written to it.

    It stops the writer (by raising ``_RowLimit``) as soon as a line past those
    has begun, so a result of millions of rows costs no more than ``keep`` of them.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.lines = 0  # line breaks written
        self.open = False  # whether a line has begun after the last line break
        self.chunks: list[bytes] = []

    def more(self) -> bool:
        """Whether anything past the first ``keep`` lines has been written."""
        return self.lines > self.keep or (self.lines == self.keep and self.open)

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        if chunk:
            self.chunks.append(chunk)
            self.lines += chunk.count(b"\n")
            self.open = not chunk.endswith(b"\n")
        if self.more():
            raise _RowLimit
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the lines stay in memory."""

    def kept(self) -> tuple[bytes, bool]:
        """The lines kept, and whether more were written."""
        data = b"".join(self.chunks)
        if not self.more():
            return data, False
        return b"\n".join(data.split(b"\n", self.keep)[: self.keep]) + b"\n", True


class _DistinctLines:
    """Like ``_Lines`` for N-Triples, but keeping each distinct line (triple) once.

    A graph is a set, while the engine's DESCRIBE over the union of named graphs
    repeats a triple once per graph holding it; the limit counts distinct triples,
    kept in first-seen order.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.seen: dict[bytes, None] = {}
        self.partial = b""  # a line begun but not ended
        self.cut = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        lines = (self.partial + chunk).split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            if line not in self.seen:
                if len(self.seen) == self.keep:
                    self.cut = True
                    raise _RowLimit
                self.seen[line] = None
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the lines stay in memory."""

    def kept(self) -> tuple[bytes, bool]:
        return b"".join(line + b"\n" for line in self.seen), self.cut


def _limited(
    result: ox.QuerySolutions | ox.QueryTriples, fmt: Any, keep: int
) -> tuple[bytes, bool]:
    """``result`` written in line-per-row ``fmt``, cut after ``keep`` lines (for
    N-Triples, ``keep`` distinct lines)."""
    sink = _DistinctLines(keep) if fmt == ox.RdfFormat.N_TRIPLES else _Lines(keep)
    with contextlib.suppress(_RowLimit):
        result.serialize(sink, format=fmt)
    return sink.kept()


def execute(store: ox.Store, task: Task) -> Reply:
    """Run ``task`` on ``store``; answer at most ``max_rows`` rows or triples."""
    from scmgraph.sparql.query import Table

    options: dict[str, Any] = {"substitutions": task.substitutions or None}
    if task.default_graphs is None and task.named_graphs is None:
        options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = [ox.NamedNode(g) for g in task.default_graphs or ()]
        if task.named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in task.named_graphs]
    result = store.query(steer(task.text, task.substitutions), **options)
    if isinstance(result, ox.QueryBoolean):
        media = task.media_type if task.media_type in RESULT_FORMATS else RESULT_TYPES[0]
        return Reply(ok=True, body=result.serialize(format=RESULT_FORMATS[media]), media=media)
    if isinstance(result, ox.QuerySolutions):
        # the header line, then one line a row
        tsv, truncated = _limited(result, ox.QueryResultsFormat.TSV, task.max_rows + 1)
        solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        if task.media_type is None:
            columns = tuple(v.value for v in solutions.variables)
            rows = tuple(tuple(s[c] for c in columns) for s in solutions)
            return Reply(ok=True, table=Table(columns, rows), truncated=truncated)
        media = task.media_type if task.media_type in RESULT_TYPES else RESULT_TYPES[0]
        if media == RESULT_TYPES[3]:
            body = _tsv(solutions)
        else:
            body = solutions.serialize(format=RESULT_FORMATS[media]) or b""
            if media == RESULT_TYPES[1]:
                body = _NOT_XML.sub(_REPLACEMENT, body)
        return Reply(ok=True, body=body, media=media, truncated=truncated)
    lines, truncated = _limited(result, ox.RdfFormat.N_TRIPLES, task.max_rows)
    media = task.media_type if task.media_type in RDF_FORMATS else GRAPH_TYPES[0]
    if RDF_FORMATS[media] == ox.RdfFormat.N_TRIPLES:
        body = lines
    else:
        triples = ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)
        body = ox.serialize(triples, format=RDF_FORMATS[media], prefixes=RDF_PREFIXES) or b""
        if media == "application/rdf+xml":
            body = _NOT_XML.sub(_REPLACEMENT, body)
    return Reply(ok=True, body=body, media=media, truncated=truncated)


def _tsv(solutions: ox.QuerySolutions) -> bytes:
    """SPARQL TSV with every term in N-Triples syntax (numbers too, as ``"1"^^<…>``)."""
    columns = [v.value for v in solutions.variables]
    lines = ["\t".join(f"?{c}" for c in columns)]
    for solution in solutions:
        lines.append("\t".join("" if (t := solution[c]) is None else str(t) for c in columns))
    return ("\n".join(lines) + "\n").encode("utf-8")
