"""The project writes canonical N-Triples itself: the lines must be pyoxigraph's.

Every graph the build makes, caches and hashes goes through ``canonical_lines``;
the store, the outputs' blocks and the cache keys all assume the lines are the
ones pyoxigraph would write, so any literal text, language tag or datatype must
come out byte for byte as pyoxigraph's writer gives it.
"""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from scmgraph.rdf.sink import TripleSet, canonical_lines

SUBJECT = URIRef("https://w3id.org/scmgraph/id/communique/scm-52/p1/s1")
PREDICATE = URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf")

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
LANGUAGE = st.from_regex(r"[A-Za-z]{2,3}(-(?:[A-Za-z]{2}|[0-9]{3}))?", fullmatch=True)  # BCP 47
# datatypes rdflib keeps any text of (it parses the lexical forms of numbers and dates)
DATATYPE = st.sampled_from([XSD.string, URIRef("https://w3id.org/scmgraph/ontology#code"), None])
LOCAL = st.from_regex(r"[A-Za-z0-9_\-./]{1,20}", fullmatch=True)  # as slugs make them


def as_pyoxigraph_writes(lines: list[bytes]) -> list[bytes]:
    written = ox.serialize(
        ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES
    )
    return sorted(set(written.splitlines(keepends=True)))


def test_controls_quotes_and_tags_are_written_canonically() -> None:
    graph = TripleSet()
    graph.add((SUBJECT, PREDICATE, Literal('a "b"\\c\td\ne\rf\x08g\x0ch\x00i\x1fj\x7fk é')))
    graph.add((SUBJECT, PREDICATE, Literal("Seoul", lang="EN-gb")))
    graph.add((SUBJECT, PREDICATE, Literal("x", datatype=XSD.string)))
    graph.add((SUBJECT, PREDICATE, Literal("2020", datatype=XSD.gYear)))
    s, p = f"<{SUBJECT}>", f"<{PREDICATE}>"
    assert canonical_lines(graph) == sorted(
        f"{s} {p} {o} .\n".encode()
        for o in (
            '"a \\"b\\"\\\\c\\td\\ne\\rf\\bg\\fh\\u0000i\\u001Fj\\u007Fk é"',
            '"Seoul"@en-gb',
            '"x"',
            '"2020"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        )
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(LOCAL, TEXT, st.none() | LANGUAGE, DATATYPE, st.integers(1, 10**12)), max_size=8
    )
)
def test_lines_are_those_pyoxigraph_writes(rows: list) -> None:
    graph = TripleSet()
    for local, text, language, datatype, number in rows:
        subject = URIRef(f"https://w3id.org/scmgraph/id/{local}")
        graph.add((subject, PREDICATE, Literal(number, datatype=XSD.positiveInteger)))
        if language:
            graph.add((subject, PREDICATE, Literal(text, lang=language)))
        else:
            graph.add((subject, PREDICATE, Literal(text, datatype=datatype)))
        graph.add((subject, PREDICATE, URIRef(f"https://w3id.org/scmgraph/id/{local}/x")))
    lines = canonical_lines(graph)
    assert lines == as_pyoxigraph_writes(lines)
