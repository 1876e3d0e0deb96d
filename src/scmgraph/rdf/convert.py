"""Turn extracted facts into RDF: the only stage that writes ontology terms.

One named graph per communiqué holds its document structure (NIF paragraphs,
sentences and phrases with offsets into the source text), its meeting and the
statements it reports; shared graphs hold the registries, the cross-communiqué
links (one node per person and entity, memberships over time) and the build's
provenance. Every node has an IRI derived from meaning (see ``rdf_terms``) and no
wall-clock time enters the graph unless given, so a build is reproducible byte
for byte.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from scmgraph.model import Entity, Facts, MeetingFacts, Statement, ThreadLink
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.links import links_graph, provenance_graph, source_node, thread_pairs
from scmgraph.rdf.registry import registry_graphs
from scmgraph.rdf.sink import TripleSet
from scmgraph.rdf.terms import (
    ID,
    ITSRDF,
    LINKS_GRAPH,
    NIF,
    ONTOLOGY_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
    SCM,
    communique_graph_iri,
    communique_iri,
    communique_slugs,
    default_ontology_path,
    entity_class,
    entity_iri,
    meeting_iri,
    meeting_slug,
    new_graph,
    origin_iri,
    paragraph_iri,
    party_iri,
    person_iri,
    post_iri,
    post_key,
    registry_graph_iri,
    sentence_iri,
    sentence_part_iri,
    series_iri,
    source_iri,
    statement_iri,
    topic_iri,
    verb_class_iri,
    verb_iri,
    wikidata_iri,
)
from scmgraph.registry.load import Registry, name_key, slugify

__all__ = [
    "ReproducibleDataset",
    "build_dataset",
    "communique_graph",
    "communique_slugs",
    "communique_triples",
    "links_graph",
    "provenance_graph",
    "registry_graphs",
]


class ReproducibleDataset(Dataset):
    """A Dataset that lists its graphs in IRI order.

    rdflib's memory store keeps graphs in a set, so TriG would otherwise list them in
    an order that changes with Python's hash seed; sorted, two builds over the same
    inputs serialise to the same bytes.
    """

    def graphs(self, triple: Any = None) -> Iterator[Graph]:  # type: ignore[override]
        yield from sorted(super().graphs(triple), key=lambda g: str(g.identifier))

    def contexts(self, triple: Any = None) -> Iterator[Graph]:  # type: ignore[override]
        return self.graphs(triple)


# --- literals ------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def _count(value: int, positive: bool = False) -> Literal:
    """A count or offset; literals are immutable, and rdflib is slow to make one from
    a number (a communiqué needs thousands, mostly the same offsets and numbers)."""
    return Literal(value, datatype=XSD.positiveInteger if positive else XSD.nonNegativeInteger)


# --- one communiqué --------------------------------------------------------------------


class _CommuniqueWriter:
    """Writes the triples of one communiqué; holds only that communiqué's context."""

    def __init__(
        self,
        facts: Facts,
        registry: Registry,
        build: BuildInfo,
        slug: str,
        sink: Graph | TripleSet | None = None,
    ) -> None:
        self.facts = facts
        self.registry = registry
        self.slug = slug
        self.build = build.iri
        self.graph = new_graph(communique_graph_iri(slug)) if sink is None else sink
        self.source = source_iri(facts.document.name)
        self.context = communique_iri(slug)
        self.entities = {e.key: e for e in facts.entities}

    def produced(self, node: URIRef, derived_from: URIRef, *types: URIRef) -> None:
        """Type a node this build produced and say what it was derived from."""
        for kind in types:
            self.graph.add((node, RDF.type, kind))
        self.graph.add((node, PROV.wasDerivedFrom, derived_from))
        self.graph.add((node, PROV.wasGeneratedBy, self.build))

    def phrase(self, node: URIRef, sentence: URIRef, begin: int, end: int, text: str) -> None:
        """A NIF string inside ``sentence``, located by source offsets."""
        g = self.graph
        g.add((node, RDF.type, NIF.Phrase))
        g.add((node, NIF.beginIndex, _count(begin)))
        g.add((node, NIF.endIndex, _count(end)))
        g.add((node, NIF.anchorOf, Literal(text)))
        g.add((node, NIF.referenceContext, self.context))
        g.add((node, NIF.sentence, sentence))

    def party(self, code: str) -> URIRef:
        """The party's State node, typed and coded so actors resolve inside this graph."""
        try:
            party = self.registry.party(code)
        except KeyError:
            name, acronym = code, None
        else:
            name, acronym = party.name, party.acronym
        node = party_iri(name)
        g = self.graph
        g.add((node, RDF.type, SCM.Party))
        g.add((node, RDF.type, SCM.State))
        g.add((node, RDFS.label, Literal(name)))
        g.add((node, SCM.partyCode, Literal(code)))
        if acronym:
            g.add((node, SCM.acronym, Literal(acronym)))
        return node

    def entity(self, key: str) -> URIRef:
        entity = self.entities.get(key)
        return entity_iri(key, entity.type if entity else "")

    def write(self) -> Graph | TripleSet:
        doc = self.facts.document
        g = self.graph
        source_node(g, doc.source)
        self.produced(self.context, self.source, SCM.Communique, NIF.Context)
        if doc.source.origin is not None:  # the published page the file is a copy of
            g.add((self.context, PROV.wasDerivedFrom, origin_iri(doc.source.origin.source)))
        g.add((self.context, RDFS.label, Literal(doc.title or doc.name)))
        if doc.title:
            g.add((self.context, DCTERMS.title, Literal(doc.title)))
        g.add((self.context, SCM.sourceFile, self.source))
        g.add((self.context, NIF.isString, Literal(doc.source.text)))
        g.add((self.context, NIF.beginIndex, _count(0)))
        g.add((self.context, NIF.endIndex, _count(len(doc.source.text))))
        main = meeting_slug(self.facts.meeting, doc.name)
        g.add((self.context, SCM.reportsMeeting, self.meeting(self.facts.meeting, main)))
        self.structure()
        for entity in self.facts.entities:
            self.named_entity(entity)
        for mention in self.facts.mentions:
            sentence = sentence_iri(self.slug, mention.paragraph, mention.sentence)
            node = sentence_part_iri(
                self.slug, mention.paragraph, mention.sentence, "m", mention.begin
            )
            self.phrase(node, sentence, mention.begin, mention.end, mention.surface)
            self.produced(node, sentence)
            g.add((node, ITSRDF.taIdentRef, self.entity(mention.entity)))
        for statement in self.facts.statements:
            self.statement(statement)
        return g

    def structure(self) -> None:
        g = self.graph
        for paragraph in self.facts.document.paragraphs:
            p = paragraph_iri(self.slug, paragraph.number)
            self.produced(p, self.source, NIF.Paragraph)
            g.add((self.context, SCM.hasParagraph, p))
            g.add((p, SCM.paragraphNumber, _count(paragraph.number)))
            g.add((p, NIF.beginIndex, _count(paragraph.begin)))
            g.add((p, NIF.endIndex, _count(paragraph.end)))
            g.add((p, NIF.referenceContext, self.context))
            for sentence in paragraph.sentences:
                s = sentence_iri(self.slug, paragraph.number, sentence.number)
                self.produced(s, self.source, NIF.Sentence)
                g.add((s, SCM.sentenceNumber, _count(sentence.number, positive=True)))
                g.add((s, NIF.beginIndex, _count(sentence.begin)))
                g.add((s, NIF.endIndex, _count(sentence.end)))
                g.add((s, NIF.anchorOf, Literal(sentence.text)))
                g.add((s, NIF.referenceContext, self.context))
                g.add((s, NIF.superString, p))

    def meeting(self, meeting: MeetingFacts, slug: str) -> URIRef:
        g = self.graph
        node = meeting_iri(slug)
        self.produced(node, self.source, SCM.Meeting)
        if meeting.series:
            series = series_iri(meeting.series)
            g.add((node, SCM.series, series))
            g.add((series, RDF.type, SCM.MeetingSeries))
            g.add((series, RDFS.label, Literal(meeting.series)))
            g.add((series, SCM.acronym, Literal(meeting.series)))
        if meeting.ordinal is not None:
            g.add((node, SCM.ordinal, _count(meeting.ordinal, positive=True)))
        label = " ".join(str(x) for x in (meeting.series, meeting.ordinal) if x) or slug
        g.add((node, RDFS.label, Literal(label)))
        if meeting.date is not None:
            g.add((node, DCTERMS.date, Literal(meeting.date.isoformat(), datatype=XSD.date)))
        if meeting.city:
            g.add((node, PROV.atLocation, self.city(meeting.city)))
        for position, head in enumerate(meeting.heads, start=1):
            h = ID[f"meeting/{slug}/head/{position}"]
            self.produced(h, self.source, SCM.DelegationHead)
            g.add((node, SCM.delegationHead, h))
            g.add((h, SCM.position, _count(position, positive=True)))
            g.add((h, SCM.nameAsWritten, Literal(head.name)))
            if head.rank:
                g.add((h, SCM.militaryRank, Literal(head.rank)))
            party = self.party(head.party)
            g.add((h, SCM.party, party))
            known = self.registry.post_named(head.party, head.post)
            post = post_iri(known.key if known else post_key(head.party, head.post))
            g.add((post, RDF.type, ORG.Post))
            g.add((post, RDFS.label, Literal(known.title if known else head.post)))
            g.add((post, ORG.postIn, party))
            g.add((h, SCM.post, post))
            g.add((h, SCM.postAsWritten, Literal(head.post)))
            g.add((h, SCM.person, self.person(head.name)))
        for index, other in enumerate(meeting.associated, start=1):
            other_slug = meeting_slug(other, f"{slug} {other.series or 'meeting'} {index}")
            g.add((node, SCM.associatedMeeting, self.meeting(other, other_slug)))
        return node

    def city(self, city: str) -> URIRef:
        for entity in self.facts.entities:
            if entity.type == "Place" and name_key(entity.name) == name_key(city):
                return entity_iri(entity.key, "Place")
        node = entity_iri(slugify(city), "Place")
        self.graph.add((node, RDF.type, SCM.Place))
        self.graph.add((node, RDFS.label, Literal(city)))
        return node

    def person(self, name: str) -> URIRef:
        entry = self.registry.person_by_name(name)
        key = entry.key if entry else slugify(name)
        node = person_iri(key)
        known = self.entities.get(key)
        label = known.name if known else entry.name if entry else name
        self.produced(node, self.source, SCM.Person)
        self.graph.add((node, RDFS.label, Literal(label)))
        return node

    def named_entity(self, entity: Entity) -> None:
        g = self.graph
        node = entity_iri(entity.key, entity.type)
        self.produced(node, self.source)
        if (cls := entity_class(entity.type)) is not None:
            g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(entity.name)))
        g.add((node, SKOS.prefLabel, Literal(entity.name)))
        g.add((node, SCM.curated, Literal(entity.curated)))
        if entity.acronym:
            g.add((node, SCM.acronym, Literal(entity.acronym)))
        if entity.wikidata:
            g.add((node, SKOS.exactMatch, wikidata_iri(entity.wikidata)))
        for party in self.registry.parties:
            if party_iri(party.name) == node:
                self.party(party.code)

    def statement(self, st: Statement) -> None:
        g = self.graph
        sentence = sentence_iri(self.slug, st.paragraph, st.sentence)
        node = statement_iri(self.slug, st.paragraph, st.sentence, st.index)
        self.produced(node, sentence, SCM.Statement)
        g.add((node, SCM.sentence, sentence))
        g.add((node, SCM.clauseIndex, _count(st.index, positive=True)))
        g.add((node, SCM.verbLemma, Literal(st.verb)))
        g.add((node, SCM.verb, verb_iri(st.verb)))
        g.add((node, SCM.speechActClass, verb_class_iri(st.verb_class)))
        g.add((node, SCM.extractionRule, Literal(st.rule)))
        verb = sentence_part_iri(self.slug, st.paragraph, st.sentence, "v", st.verb_begin)
        text = self.facts.document.source.text[st.verb_begin : st.verb_end]
        self.phrase(verb, sentence, st.verb_begin, st.verb_end, text)
        self.produced(verb, sentence)
        g.add((node, SCM.verbPhrase, verb))
        for code in st.actors:
            g.add((node, SCM.actor, self.party(code)))
        for key in st.speakers:
            g.add((node, SCM.speaker, person_iri(key)))
        for key in st.mentions:
            g.add((node, SCM.mentions, self.entity(key)))
        for rank, topic in enumerate(st.topics, start=1):
            g.add((node, DCTERMS.subject, topic_iri(topic)))
            assignment = ID[f"{node.removeprefix(str(ID))}/topic/{rank}"]
            self.produced(assignment, sentence, SCM.TopicAssignment)
            g.add((node, SCM.topicAssignment, assignment))
            g.add((assignment, SCM.topic, topic_iri(topic)))
            g.add((assignment, SCM.topicRank, _count(rank, positive=True)))
        if st.deadline is not None:
            d = ID[f"{node.removeprefix(str(ID))}/deadline"]
            self.phrase(d, sentence, st.deadline.begin, st.deadline.end, st.deadline.text)
            self.produced(d, sentence, SCM.Deadline)
            g.add((node, SCM.deadline, d))
            g.add((d, SCM.deadlineText, Literal(st.deadline.text)))
            if st.deadline.year is not None:
                g.add((d, SCM.deadlineYear, Literal(f"{st.deadline.year:04d}", datatype=XSD.gYear)))


def communique_graph(
    facts: Facts, registry: Registry, build: BuildInfo, *, slug: str | None = None
) -> Graph:
    """The named graph of one communiqué: structure, meeting, entities, statements.

    ``slug`` overrides ``scm-52`` (from the meeting) when two files report one meeting.
    """
    slug = slug or meeting_slug(facts.meeting, facts.document.name)
    graph = _CommuniqueWriter(facts, registry, build, slug).write()
    assert isinstance(graph, Graph)
    return graph


def communique_triples(facts: Facts, registry: Registry, build: BuildInfo, slug: str) -> TripleSet:
    """The triples of ``communique_graph``, gathered without building an indexed graph."""

    sink = TripleSet()
    _CommuniqueWriter(facts, registry, build, slug, sink).write()
    return sink


def ontology_graph(path: Path | None = None) -> Graph:
    """The ontology (default: the project's) as the build's ontology graph."""
    graph = new_graph(ONTOLOGY_GRAPH)
    graph.parse(path or default_ontology_path(), format="turtle")
    return graph


def build_dataset(
    all_facts: Sequence[Facts],
    registry: Registry,
    build: BuildInfo,
    *,
    threads: Sequence[ThreadLink] = (),
    ontology_path: Path | None = None,
) -> Dataset:
    """Every named graph of a build: communiqués, ontology, registries, links, provenance.

    ``threads`` (from ``scmgraph.extract.threads.link_series``) go into the links graph.
    """
    graphs: dict[URIRef, Graph] = {}
    slugs = communique_slugs(all_facts)
    for facts in all_facts:
        slug = slugs[facts.document.name]
        part = build.part(facts.document.source.path.name)
        graphs[communique_graph_iri(slug)] = communique_graph(facts, registry, part, slug=slug)
    graphs[ONTOLOGY_GRAPH] = ontology_graph(ontology_path)
    for name, graph in registry_graphs(registry).items():
        graphs[registry_graph_iri(name)] = graph
    graphs[LINKS_GRAPH] = links_graph(all_facts, registry, build, threads)
    graphs[PROVENANCE_GRAPH] = provenance_graph(build, thread_pairs(all_facts, threads))
    dataset = ReproducibleDataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    for iri in sorted(graphs, key=str):  # insertion order is serialisation order
        target = dataset.graph(iri)
        for triple in sorted(graphs[iri]):
            target.add(triple)
    return dataset
