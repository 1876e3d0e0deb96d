"""Namespaces, class names and identifier rules of the scmgraph graph.

Identifiers are derived from meaning (series and ordinal, paragraph and sentence
numbers, registry slugs), never from counters or blank nodes, so the same input
always yields the same IRIs and a researcher can guess an IRI from the text.
``to_rdf`` writes with these rules; ``view`` and ``validate`` read with them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Namespace, URIRef

from scmgraph import namespaces as ns
from scmgraph.model import Facts, MeetingFacts
from scmgraph.registry.entity_types import EntityType, view_type
from scmgraph.registry.load import slugify
from scmgraph.resources import shipped


class KeptNamespace(Namespace):
    """An rdflib ``Namespace`` that keeps each term it makes as an attribute, so the
    next ``SCM.statement`` is an attribute lookup: a communiqué's conversion asks for
    a few hundred terms tens of thousands of times.

    >>> EX = KeptNamespace("http://example.org/#")
    >>> EX.thing is EX.thing, str(EX.thing)
    (True, 'http://example.org/#thing')
    """

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


SCM = KeptNamespace(ns.SCM)
ONTOLOGY_IRI = URIRef(ns.ONTOLOGY)
ID = KeptNamespace(ns.ID)
GRAPH = KeptNamespace(ns.GRAPH)
NIF = KeptNamespace(ns.NIF)
ITSRDF = KeptNamespace(ns.ITSRDF)
ORG = KeptNamespace(ns.ORG)
VANN = KeptNamespace(ns.VANN)
WIKIDATA = KeptNamespace(ns.WIKIDATA)
PREFIXES = ns.PREFIXES

VERB_CLASS_SCHEME = ID["scheme/verb-classes"]
TOPIC_SCHEME = ID["scheme/topics"]
VERB_SCHEME = ID["scheme/verbs"]
CAMEO_SCHEME = ID["scheme/cameo"]
PLOVER_SCHEME = ID["scheme/plover"]

ONTOLOGY_GRAPH = GRAPH["ontology"]
LINKS_GRAPH = GRAPH["links"]
PROVENANCE_GRAPH = GRAPH["provenance"]


def default_ontology_path() -> Path:
    """The shipped OWL ontology, ``ontology/scmgraph.ttl``."""
    return shipped("ontology") / "scmgraph.ttl"


def default_shapes_dir() -> Path:
    """The shipped SHACL shapes, ``shapes/``."""
    return shipped("shapes")


def new_graph(identifier: URIRef | None = None) -> Graph:
    """An empty graph with the project's prefixes bound, for readable Turtle."""
    graph = Graph(identifier=identifier)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


# --- identifiers -------------------------------------------------------------------


def meeting_slug(meeting: MeetingFacts, fallback: str) -> str:
    """``scm-52`` from the series and ordinal, else the slug of ``fallback``."""
    if meeting.series and meeting.ordinal is not None:
        return f"{slugify(meeting.series)}-{meeting.ordinal}"
    return slugify(fallback)


def communique_slugs(all_facts: Sequence[Facts]) -> dict[str, str]:
    """Document name -> communiqué slug; files reporting the same meeting keep their own."""
    wanted = {f.document.name: meeting_slug(f.meeting, f.document.name) for f in all_facts}
    counts: dict[str, int] = {}
    for slug in wanted.values():
        counts[slug] = counts.get(slug, 0) + 1
    return {name: slug if counts[slug] == 1 else slugify(name) for name, slug in wanted.items()}


@dataclass(frozen=True)
class Family:
    """One family of IRIs: a fixed base, then a key (``id/meeting/`` + ``scm-52``).

    Declaring each family as one value keeps the identifier rules in one table.

    >>> Family(ID + "topic/")("deterrence")
    rdflib.term.URIRef('https://w3id.org/scmgraph/id/topic/deterrence')
    >>> Family(ID + "verb/", slugify)("Reaffirm")
    rdflib.term.URIRef('https://w3id.org/scmgraph/id/verb/reaffirm')
    """

    base: str
    key: Callable[[str], str] = str

    def __call__(self, key: str) -> URIRef:
        return URIRef(self.base + self.key(key))


communique_graph_iri = Family(GRAPH + "communique/")
registry_graph_iri = Family(GRAPH + "registry/")
communique_iri = Family(ID + "communique/")
meeting_iri = Family(ID + "meeting/")
series_iri = Family(ID + "meeting-series/", slugify)
person_iri = Family(ID + "person/")
post_iri = Family(ID + "post/")
topic_iri = Family(ID + "topic/")
verb_class_iri = Family(ID + "verb-class/")
verb_iri = Family(ID + "verb/", slugify)
build_iri = Family(ID + "build/")
instant_iri = Family(ID + "instant/")
#: ``source/052_scm_2020`` for a communiqué, ``source/registry/verbs.yaml`` for data.
source_iri = Family(ID + "source/", lambda name: quote(name, safe="/._-~"))


def paragraph_iri(slug: str, paragraph: int) -> URIRef:
    """``communique/052_scm_2020/p11``: a paragraph by its number in the communiqué."""
    return URIRef(f"{communique_iri(slug)}/p{paragraph}")


def sentence_iri(slug: str, paragraph: int, sentence: int) -> URIRef:
    """``.../p11/s2``: a sentence by its place in the paragraph."""
    return URIRef(f"{paragraph_iri(slug, paragraph)}/s{sentence}")


def sentence_part_iri(slug: str, paragraph: int, sentence: int, part: str, begin: int) -> URIRef:
    """``.../s2/m/57`` (a mention), ``.../s2/v/12`` (a reporting verb), by their offset."""
    return URIRef(f"{sentence_iri(slug, paragraph, sentence)}/{part}/{begin}")


def statement_iri(slug: str, paragraph: int, sentence: int, index: int) -> URIRef:
    """``statement/052_scm_2020/p11/s2/1``: the sentence's statements, counted from 1."""
    return ID[f"statement/{slug}/p{paragraph}/s{sentence}/{index}"]


def entity_iri(key: str, entity_type: str) -> URIRef:
    """``org/combined-forces-command``: the type family, then the entity's key."""
    family = _view_type(entity_type)
    return ID[f"{family.family if family else 'entity'}/{key}"]


def entity_class(entity_type: str) -> URIRef | None:
    """The ontology class of a statements-view type (``scm:MilitaryCommand``), if it is one."""
    found = _view_type(entity_type)
    return URIRef(found.iri) if found else None


def _view_type(name: str) -> EntityType | None:
    try:
        return view_type(name)
    except KeyError:
        return None


def party_iri(name: str) -> URIRef:
    """A party is the State entity of its name, so mentions and actors meet."""
    return entity_iri(slugify(name), "State")


def post_key(party: str, title: str) -> str:
    """The same key the extractor gives a post: ``us-secretary-of-defense``."""
    return slugify(f"{party} {title}")


def origin_iri(source: str) -> URIRef:
    """The published page a corpus file was taken from: its URL, or a file's ``file:`` IRI."""
    if "://" not in source:
        source = Path(source).absolute().as_uri()
    return URIRef(quote(source, safe=":/?#[]@!$&'()*+,;=%~-._"))


def membership_iri(person: str, post: str) -> URIRef:
    return ID[f"membership/{person}/{post}"]


def wikidata_iri(value: str) -> URIRef:
    """A Wikidata item from its id ("Q30") or its full IRI."""
    return URIRef(value) if value.startswith("http") else WIKIDATA[value]
