"""The statements view (docs/statements.md), derived from the graph alone.

The view is a projection of what the graph says, never of the extractor's
in-memory facts: whatever the graph holds (built here, loaded from TriG, or
edited by hand) is what the JSON shows. Queries run on pyoxigraph, which answers
them far faster than rdflib; each reads one communiqué's named graph.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from scmgraph.atomic import write_atomic
from scmgraph.rdf.store import load_store
from scmgraph.rdf.terms import PREFIXES, SCM
from scmgraph.registry.entity_types import view_types
from scmgraph.views.names import display_name, head_left_out, nouns, numbered_tail

_PREFIXES = dict(PREFIXES)
# Leading words a name drops in the view: "the", years, "21-1"; and pairs of party
# acronyms ("U.S.-ROK"), read from the parties in the graph.
_LEADING = (r"the\s+", r"\d{4}\s+", r"\d{1,2}-\d{1,2}\s+")
_PARTY_ACRONYMS = """
SELECT DISTINCT ?acronym WHERE { ?party a scm:Party ; scm:acronym ?acronym }"""

_COMMUNIQUES = """
SELECT ?g ?c ?file WHERE {
  { GRAPH ?g { ?c a scm:Communique OPTIONAL { ?c scm:sourceFile/scm:fileName ?file } } }
  UNION
  { ?c a scm:Communique OPTIONAL { ?c scm:sourceFile/scm:fileName ?file } }
}"""

_NOTATIONS = """
SELECT ?concept ?notation WHERE {
  { GRAPH ?g { ?concept skos:notation ?notation } } UNION { ?concept skos:notation ?notation }
}"""

_MEETING = """
SELECT ?m ?series ?ordinal ?date ?city WHERE {
  $subject $link ?m .
  OPTIONAL { ?m scm:series/rdfs:label ?series }
  OPTIONAL { ?m scm:ordinal ?ordinal }
  OPTIONAL { ?m dcterms:date ?date }
  OPTIONAL { ?m prov:atLocation/rdfs:label ?city }
}"""

_HEADS = """
SELECT ?position ?name ?post ?party WHERE {
  $meeting scm:delegationHead ?head .
  ?head scm:position ?position ; scm:nameAsWritten ?name ;
        scm:post/rdfs:label ?label ; scm:party/scm:partyCode ?party .
  OPTIONAL { ?head scm:postAsWritten ?written }
  BIND(COALESCE(?written, ?label) AS ?post)
} ORDER BY ?position"""

_ENTITIES = """
SELECT ?entity ?surface ?begin ?label ?acronym ?type WHERE {
  { ?phrase itsrdf:taIdentRef ?entity ; nif:anchorOf ?surface ; nif:beginIndex ?begin ;
            nif:referenceContext $communique . }
  UNION
  { ?statement scm:mentions ?entity ; scm:sentence/nif:referenceContext $communique . }
  OPTIONAL { ?entity rdfs:label ?label }
  OPTIONAL { ?entity scm:acronym ?acronym }
  OPTIONAL { ?entity a ?type }
}"""

_STATEMENTS = """
SELECT ?statement ?paragraph ?sentence ?clause ?verb ?class ?text WHERE {
  ?statement a scm:Statement ; scm:sentence ?s ; scm:clauseIndex ?clause ;
             scm:verbLemma ?verb ; scm:speechActClass ?class .
  ?s nif:referenceContext $communique ; scm:sentenceNumber ?sentence ; nif:anchorOf ?text ;
     nif:superString/scm:paragraphNumber ?paragraph .
}"""

_ACTORS = """
SELECT ?statement ?party WHERE {
  ?statement scm:sentence/nif:referenceContext $communique ; scm:actor/scm:partyCode ?party .
}"""

_MENTIONS = """
SELECT ?statement ?entity (MIN(?begin) AS ?first) WHERE {
  ?statement scm:mentions ?entity ; scm:sentence ?s .
  ?s nif:referenceContext $communique .
  OPTIONAL { ?phrase nif:sentence ?s ; itsrdf:taIdentRef ?entity ; nif:beginIndex ?begin }
} GROUP BY ?statement ?entity"""

_TOPICS = """
SELECT ?statement ?topic ?rank WHERE {
  ?statement scm:sentence/nif:referenceContext $communique ; dcterms:subject ?topic .
  OPTIONAL { ?statement scm:topicAssignment ?a . ?a scm:topic ?topic ; scm:topicRank ?rank }
}"""

_DEADLINES = """
SELECT ?statement ?text ?year WHERE {
  ?statement scm:sentence/nif:referenceContext $communique ; scm:deadline ?d .
  ?d scm:deadlineText ?text .
  OPTIONAL { ?d scm:deadlineYear ?year }
}"""

# Thread links live in the links graph, their statements in the communiqué graphs.
_THREADS = """
SELECT ?label ?previous ?previous_paragraph ?paragraph WHERE {
  ?link scm:currentStatement ?current ; scm:previousStatement ?earlier ; rdfs:label ?label .
  ?current scm:sentence ?s .
  ?s nif:referenceContext $communique ; nif:superString/scm:paragraphNumber ?paragraph .
  ?earlier scm:sentence ?ps .
  ?ps nif:referenceContext ?previous ; nif:superString/scm:paragraphNumber ?previous_paragraph .
}"""


# --- loading ---------------------------------------------------------------------------


# --- querying ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Communique:
    iri: str
    graph: str | None  # None: the store's default graph
    document: str


def _value(term: Any) -> str | None:
    return None if term is None else term.value


def _int(term: Any) -> int | None:
    return None if term is None else int(term.value)


def _select(
    store: ox.Store, query: str, graph: str | None, *, union: bool = False, **bindings: str
) -> list[dict[str, Any]]:
    """Rows of a SELECT over one graph (``None``: the default graph), as dicts.

    ``bindings`` put IRIs in place of ``$name`` (pyoxigraph substitutes only
    projected variables); ``NamedNode`` rejects anything that is not an IRI.
    """
    for name, iri in bindings.items():
        query = query.replace(f"${name}", str(ox.NamedNode(iri)))
    if union:  # every graph at once
        solutions = store.query(query, prefixes=_PREFIXES, use_default_graph_as_union=True)
    else:
        default = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        solutions = store.query(query, prefixes=_PREFIXES, default_graph=default)
    names = [v.value for v in solutions.variables]
    return [{name: row[name] for name in names} for row in solutions]


def communiques(store: ox.Store) -> list[_Communique]:
    """Every communiqué in the store, by document name."""
    found: dict[str, _Communique] = {}
    for row in store.query(_COMMUNIQUES, prefixes=_PREFIXES):
        iri = row["c"].value
        graph = _value(row["g"])
        file_name = _value(row["file"])
        document = PurePosixPath(file_name).stem if file_name else iri.rsplit("/", 1)[-1]
        if iri not in found or found[iri].graph is None:
            found[iri] = _Communique(iri, graph, document)
    return sorted(found.values(), key=lambda c: (c.document, c.iri))


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _find(store: ox.Store, iri_or_name: str) -> _Communique:
    """A communiqué by IRI, graph IRI, slug ("scm-52") or document ("052_scm_2020")."""
    for c in communiques(store):
        if iri_or_name in (c.iri, c.graph, c.document, _tail(c.iri)):
            return c
    raise KeyError(f"no communiqué {iri_or_name!r} in the graph")


def qualifier_pattern(store: ox.Store) -> re.Pattern[str]:
    """Leading "the", years, and "A-B" for every two parties' acronyms ("U.S.-ROK")."""
    rows = store.query(_PARTY_ACRONYMS, prefixes=_PREFIXES, use_default_graph_as_union=True)
    acronyms = sorted({row["acronym"].value for row in rows})
    pairs = [rf"{re.escape(a)}-{re.escape(b)}\s+" for a in acronyms for b in acronyms if a != b]
    return re.compile(r"^(?:" + "|".join((*_LEADING, *pairs)) + ")", re.I)


def _entities(store: ox.Store, c: _Communique) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The view's entities (those the document names) and entity IRI -> view name."""
    info: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"surfaces": [], "labels": set(), "acronyms": set(), "types": set()}
    )
    for row in _select(store, _ENTITIES, c.graph, communique=c.iri):
        entity = info[row["entity"].value]
        if row["surface"] is not None:
            entity["surfaces"].append((int(row["begin"].value), row["surface"].value))
        for key, field in (("label", "labels"), ("acronym", "acronyms"), ("type", "types")):
            if row[key] is not None:
                entity[field].add(row[key].value)
    names: dict[str, str] = {}
    listed = []
    qualifier = qualifier_pattern(store)
    order = {t.iri: (t.precedence, t.name) for t in view_types()}
    for iri, entity in info.items():
        acronym = min(entity["acronyms"]) if entity["acronyms"] else None
        used = sorted(set(entity["surfaces"]))
        full = nouns(
            [
                display_name(s, qualifier)
                for _, s in used
                if not acronym or s not in (acronym, f"{acronym}s")
            ]
        )
        label = min(entity["labels"]) if entity["labels"] else _tail(iri)
        names[iri] = max(full, key=len) if full else label  # max keeps the first longest
        if numbered_tail(names[iri], label) or head_left_out(full, label):
            names[iri] = label
        kinds = sorted(order[t] for t in entity["types"] if t in order)
        if not used:
            continue  # named by a statement but located nowhere: not listed
        shows_acronym = acronym is not None and any(s in (acronym, f"{acronym}s") for _, s in used)
        listed.append(
            {
                "name": names[iri],
                "acronym": acronym if shows_acronym else None,
                "type": kinds[0][1] if kinds else None,
                "_order": kinds[0][0] if kinds else len(order),
            }
        )
    listed.sort(key=lambda e: (e["_order"], e["name"].casefold(), e["name"]))
    for entity in listed:
        del entity["_order"]
    return listed, names


def _meeting(store: ox.Store, c: _Communique, subject: str, link: str) -> list[dict[str, Any]]:
    meetings = []
    for row in _select(store, _MEETING, c.graph, subject=subject, link=link):
        meeting = row["m"].value
        heads = [
            {"name": h["name"].value, "post": h["post"].value, "party": h["party"].value}
            for h in _select(store, _HEADS, c.graph, meeting=meeting)
        ]
        date = _value(row["date"])
        meetings.append(
            {
                "iri": meeting,
                "series": _value(row["series"]),
                "ordinal": _int(row["ordinal"]),
                "date": date,
                "city": _value(row["city"]),
                "heads": heads,
            }
        )
    return meetings


def _meeting_view(store: ox.Store, c: _Communique) -> dict[str, Any]:
    found = _meeting(store, c, c.iri, str(SCM.reportsMeeting))
    if not found:
        empty = {"series": None, "ordinal": None, "date": None, "city": None}
        return {**empty, "heads": [], "associated": []}
    main = found[0]
    associated = _meeting(store, c, main["iri"], str(SCM.associatedMeeting))
    associated.sort(key=lambda m: (m["date"] or "", m["series"] or "", m["ordinal"] or 0))
    return {
        "series": main["series"],
        "ordinal": main["ordinal"],
        "date": main["date"],
        "city": main["city"],
        "heads": main["heads"],
        "associated": [
            {k: m[k] for k in ("series", "ordinal", "date", "heads")} for m in associated
        ],
    }


def _statements(store: ox.Store, c: _Communique, names: dict[str, str]) -> list[dict[str, Any]]:
    notations = {
        row["concept"].value: row["notation"].value
        for row in store.query(_NOTATIONS, prefixes=_PREFIXES)
    }
    actors: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, _ACTORS, c.graph, communique=c.iri):
        actors[row["statement"].value].append(row["party"].value)
    mentions: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for row in _select(store, _MENTIONS, c.graph, communique=c.iri):
        first = float("inf") if row["first"] is None else int(row["first"].value)
        name = names.get(row["entity"].value, _tail(row["entity"].value))
        mentions[row["statement"].value].append((first, name))
    topics: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for row in _select(store, _TOPICS, c.graph, communique=c.iri):
        rank = float("inf") if row["rank"] is None else int(row["rank"].value)
        topic = notations.get(row["topic"].value, _tail(row["topic"].value))
        topics[row["statement"].value].append((rank, topic))
    deadlines = {
        row["statement"].value: {"text": row["text"].value, "year": _int(row["year"])}
        for row in _select(store, _DEADLINES, c.graph, communique=c.iri)
    }
    rows = sorted(
        _select(store, _STATEMENTS, c.graph, communique=c.iri),
        key=lambda r: (int(r["paragraph"].value), int(r["sentence"].value), int(r["clause"].value)),
    )
    result = []
    for row in rows:
        st = row["statement"].value
        verb_class = row["class"].value
        result.append(
            {
                "paragraph": int(row["paragraph"].value),
                "verb": row["verb"].value,
                "class": notations.get(verb_class, _tail(verb_class)),
                "actors": sorted(set(actors[st])),
                "text": row["text"].value,
                "mentions": list(dict.fromkeys(n for _, n in sorted(mentions[st]))),
                "topics": list(dict.fromkeys(t for _, t in sorted(topics[st]))),
                "deadline": deadlines.get(st),
            }
        )
    return result


def _threads(store: ox.Store, c: _Communique) -> list[dict[str, Any]]:
    """Thread links from this communiqué's statements, one entry per label and document."""
    documents = {x.iri: x.document for x in communiques(store)}
    grouped: dict[tuple[str, str], tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for row in _select(store, _THREADS, None, union=True, communique=c.iri):
        previous = documents.get(row["previous"].value, _tail(row["previous"].value))
        earlier, later = grouped[(row["label"].value, previous)]
        earlier.add(int(row["previous_paragraph"].value))
        later.add(int(row["paragraph"].value))
    threads = [
        {
            "thread": label,
            "previous": {"document": previous, "paragraphs": sorted(earlier)},
            "paragraphs": sorted(later),
        }
        for (label, previous), (earlier, later) in grouped.items()
    ]
    return sorted(threads, key=lambda t: (t["paragraphs"], t["thread"], t["previous"]["document"]))


def _view(store: ox.Store, c: _Communique) -> dict[str, Any]:
    entities, names = _entities(store, c)
    return {
        "document": c.document,
        "meeting": _meeting_view(store, c),
        "entities": entities,
        "statements": _statements(store, c, names),
        "threads": _threads(store, c),
    }


def statements_view(graph_or_dataset: Graph | ox.Store, communique_iri_or_name: str) -> dict:
    """The statements view of one communiqué, named by IRI, slug or document name.

    Raises KeyError when the graph holds no such communiqué.
    """
    store = load_store(graph_or_dataset)
    return _view(store, _find(store, communique_iri_or_name))


def write_views(dataset: Graph | ox.Store, out_dir: Path) -> list[Path]:
    """Write ``<document>.json`` for every communiqué in ``dataset``; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    store = load_store(dataset)
    written = []
    for c in communiques(store):
        path = out_dir / f"{c.document}.json"
        text = json.dumps(_view(store, c), indent=2, ensure_ascii=False) + "\n"
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
