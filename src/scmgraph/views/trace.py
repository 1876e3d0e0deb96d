"""Receipts: the provenance chain of a statement, and how one communiqué carries
the previous one forward.

Both read the built store only: statement → sentence → paragraph → communiqué →
source file (offsets, checksum) → build activity, and the thread links between
the statements of two meetings of a series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from scmgraph.errors import QueryError
from scmgraph.namespaces import sparql_prologue

PREFIXES = sparql_prologue("scm", "nif", "prov", "dcterms", "rdfs")

CHAIN = (
    PREFIXES
    + """
SELECT ?statement ?verb ?class ?sentence ?sbegin ?send ?stext ?snumber
       ?paragraph ?pnumber ?pbegin ?pend ?communique ?title ?source ?file ?sha
       ?build ?version ?vbegin ?vend ?text
       (GROUP_CONCAT(DISTINCT ?code; separator=" ") AS ?actors)
WHERE {
  ?statement a scm:Statement ; scm:verbLemma ?verb ; scm:speechActClass/rdfs:label ?class ;
             scm:sentence ?sentence ; prov:wasGeneratedBy ?build ;
             scm:actor/scm:partyCode ?code .
  OPTIONAL { ?statement scm:verbPhrase [ nif:beginIndex ?vbegin ; nif:endIndex ?vend ] }
  ?sentence nif:beginIndex ?sbegin ; nif:endIndex ?send ; nif:anchorOf ?stext ;
            scm:sentenceNumber ?snumber ; nif:referenceContext ?communique .
  ?paragraph scm:paragraphNumber ?pnumber ; nif:beginIndex ?pbegin ; nif:endIndex ?pend ;
             nif:referenceContext ?communique .
  FILTER (?pbegin <= ?sbegin && ?send <= ?pend)
  ?communique scm:sourceFile ?source ; nif:isString ?text .
  OPTIONAL { ?communique dcterms:title ?title }
  ?source scm:fileName ?file ; scm:sha256 ?sha .
  OPTIONAL { ?build scm:toolVersion ?version }
}
GROUP BY ?statement ?verb ?class ?sentence ?sbegin ?send ?stext ?snumber
         ?paragraph ?pnumber ?pbegin ?pend ?communique ?title ?source ?file ?sha
         ?build ?version ?vbegin ?vend ?text
"""
)

BY_POSITION = (
    PREFIXES
    + """
SELECT DISTINCT ?name ?number ?statement ?snumber ?index WHERE {
  ?communique scm:sourceFile/scm:fileName ?file .
  FILTER (?file = ?name || STRAFTER(STR(?communique), "/communique/") = ?name
          || STRBEFORE(?file, ".") = ?name)
  ?sentence nif:referenceContext ?communique ; scm:sentenceNumber ?snumber .
  ?paragraph nif:referenceContext ?communique ; scm:paragraphNumber ?number ;
             nif:beginIndex ?pbegin ; nif:endIndex ?pend .
  ?sentence nif:beginIndex ?sbegin ; nif:endIndex ?send .
  FILTER (?pbegin <= ?sbegin && ?send <= ?pend)
  ?statement scm:sentence ?sentence ; scm:clauseIndex ?index .
}
ORDER BY ?snumber ?index
"""
)


@dataclass(frozen=True)
class TraceChain:
    """Everything needed to show where a statement comes from."""

    statement: str
    verb: str
    verb_class: str
    actors: str
    sentence: str
    sentence_number: int
    sentence_span: tuple[int, int]
    sentence_text: str
    verb_span: tuple[int, int] | None
    paragraph: str
    paragraph_number: int
    paragraph_span: tuple[int, int]
    communique: str
    title: str | None
    source: str
    file_name: str
    sha256: str
    build: str
    tool_version: str | None
    source_text: str


def _select(store: ox.Store, query: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> list:
    substitutions = {ox.Variable(k): v for k, v in bindings.items()}
    return list(store.query(query, use_default_graph_as_union=True, substitutions=substitutions))


def statement_at(store: ox.Store, reference: str) -> str:
    """Resolve ``DOC:PARA:N`` (document name or slug, paragraph, n-th statement) to an IRI."""
    match = re.fullmatch(r"([A-Za-z0-9_.-]+):(\d{1,4}):(\d{1,4})", reference)
    if match is None:
        raise QueryError(f"--statement {reference!r}: expected DOC:PARAGRAPH:N, e.g. scm-53:11:2")
    name, paragraph, n = match.group(1), int(match.group(2)), int(match.group(3))
    rows = _select(
        store,
        BY_POSITION,
        {"name": ox.Literal(name), "number": ox.Literal(str(paragraph), datatype=_XSD_NNI)},
    )
    if not 1 <= n <= len(rows):
        raise QueryError(f"{reference}: paragraph {paragraph} of {name} has {len(rows)} statements")
    return rows[n - 1]["statement"].value


_XSD_NNI = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


def trace(store: ox.Store, statement: str) -> TraceChain:
    """The provenance chain of one statement IRI."""
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", statement):
        raise QueryError(f"{statement!r} is not an IRI")
    rows = _select(store, CHAIN, {"statement": ox.NamedNode(statement)})
    if not rows:
        raise QueryError(f"{statement}: no such statement in the graph")
    row = rows[0]

    def text(name: str) -> str | None:
        term = row[name]
        return None if term is None else term.value

    def number(name: str) -> int:
        return int(row[name].value)

    verb_span = (number("vbegin"), number("vend")) if row["vbegin"] is not None else None
    return TraceChain(
        statement=statement,
        verb=str(text("verb")),
        verb_class=str(text("class")),
        actors=" ".join(sorted(str(text("actors")).split())),
        sentence=str(text("sentence")),
        sentence_number=number("snumber"),
        sentence_span=(number("sbegin"), number("send")),
        sentence_text=str(text("stext")),
        verb_span=verb_span,
        paragraph=str(text("paragraph")),
        paragraph_number=number("pnumber"),
        paragraph_span=(number("pbegin"), number("pend")),
        communique=str(text("communique")),
        title=text("title"),
        source=str(text("source")),
        file_name=str(text("file")),
        sha256=str(text("sha")),
        build=str(text("build")),
        tool_version=text("version"),
        source_text=str(text("text")),
    )


def render_trace(chain: TraceChain, *, markup: bool = False) -> str:
    """The chain as lines, then the paragraph with the sentence (and verb) marked.

    With ``markup`` the marks are rich console tags (bold sentence, underlined
    verb); without, the sentence is wrapped in »…« and the verb in [ ].
    """
    s_begin, s_end = chain.sentence_span
    p_begin, p_end = chain.paragraph_span
    lines = [
        f"statement   {chain.statement}",
        f"            {chain.verb} ({chain.verb_class}) by {chain.actors}",
        f"sentence    {chain.sentence}  §{chain.paragraph_number} s{chain.sentence_number}  "
        f"chars {s_begin}-{s_end}",
        f"paragraph   {chain.paragraph}  chars {p_begin}-{p_end}",
        f"communiqué  {chain.communique}" + (f"  {chain.title!r}" if chain.title else ""),
        f"source      {chain.file_name}  sha256 {chain.sha256}",
        f"build       {chain.build}"
        + (f"  scmgraph {chain.tool_version}" if chain.tool_version else ""),
        "",
    ]
    text = chain.source_text
    open_s, close_s = ("[bold]", "[/bold]") if markup else ("»", "«")
    open_v, close_v = ("[underline]", "[/underline]") if markup else ("[", "]")
    escape = _escape_markup if markup else (lambda x: x)
    cuts = [(s_begin, open_s), (s_end, close_s)]
    if chain.verb_span:
        cuts += [(chain.verb_span[0], open_v), (chain.verb_span[1], close_v)]
    cuts.sort(key=lambda item: (item[0], item[1] in (close_s, close_v)))
    pieces, position = [], p_begin
    for offset, mark in cuts:
        pieces.append(escape(text[position:offset]))
        pieces.append(mark)
        position = offset
    pieces.append(escape(text[position:p_end]))
    lines.append(" ".join("".join(pieces).split()))
    return "\n".join(lines)


def _escape_markup(text: str) -> str:
    return text.replace("[", r"\[")
