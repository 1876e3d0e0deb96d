"""The curated registries as RDF, one named graph each.

A SPARQL user sees the vocabulary the extractor used: entities with their
aliases, parties and their posts, people, topics and speech-act classes as SKOS
concept schemes (classes mapped to CAMEO and PLOVER), and the reporting verbs.
Every node is derived from the registry file it was read from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS

from scmgraph.rdf.terms import (
    CAMEO_SCHEME,
    ID,
    PLOVER_SCHEME,
    SCM,
    TOPIC_SCHEME,
    VERB_CLASS_SCHEME,
    entity_iri,
    new_graph,
    party_iri,
    person_iri,
    post_iri,
    post_key,
    registry_graph_iri,
    source_iri,
    topic_iri,
    verb_class_iri,
    verb_iri,
    wikidata_iri,
)
from scmgraph.registry.entity_types import view_type
from scmgraph.registry.load import EventCode, Registry


def registry_file_name(registry: Registry, path: Path) -> str:
    """A registry file's path under the data folder ("registry/verbs.yaml")."""
    try:
        return path.relative_to(registry.data_dir).as_posix()
    except ValueError:
        return path.name


def _file(registry: Registry, stem: str) -> URIRef:
    """The source node of the registry file called ``stem`` (``entities``)."""
    for path in registry.files:
        if path.stem == stem:
            return source_iri(registry_file_name(registry, path))
    return source_iri(f"registry/{stem}.yaml")


def _labelled(g: Graph, node: URIRef, label: str, source: URIRef, *types: URIRef) -> None:
    for kind in types:
        g.add((node, RDF.type, kind))
    g.add((node, RDFS.label, Literal(label)))
    g.add((node, SKOS.prefLabel, Literal(label)))
    g.add((node, PROV.wasDerivedFrom, source))


def _scheme(g: Graph, scheme: URIRef, label: str, definition: str) -> None:
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, RDFS.label, Literal(label)))
    g.add((scheme, SKOS.prefLabel, Literal(label)))
    g.add((scheme, SKOS.definition, Literal(definition)))


def _curated_concept(
    g: Graph, node: URIRef, kind: URIRef, scheme: URIRef, entry: Any, source: URIRef
) -> None:
    """A concept of a curated scheme (a topic, a verb class): its id, label, definition."""
    _concept(g, node, scheme, entry.id, entry.label)
    g.add((node, RDF.type, kind))
    g.add((node, SKOS.definition, Literal(entry.definition)))
    g.add((node, PROV.wasDerivedFrom, source))


def _concept(g: Graph, node: URIRef, scheme: URIRef, notation: str, label: str | None) -> None:
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.inScheme, scheme))
    g.add((node, SKOS.topConceptOf, scheme))
    g.add((scheme, SKOS.hasTopConcept, node))
    g.add((node, SKOS.notation, Literal(notation)))
    if label:
        g.add((node, SKOS.prefLabel, Literal(label)))
        g.add((node, RDFS.label, Literal(label)))


def _graph_of(registry: Registry, name: str) -> tuple[Graph, URIRef]:
    """The empty named graph of registry file ``name``, and the file as a source."""
    return new_graph(registry_graph_iri(name)), _file(registry, name)


def _entities(registry: Registry) -> Graph:
    g, source = _graph_of(registry, "entities")
    for item in registry.entities:
        node = entity_iri(item.key, item.type)
        _labelled(g, node, item.name, source, URIRef(view_type(item.type).iri))
        _curated(g, node, item.aliases, item.acronym, item.wikidata)
    return g


def _curated(
    g: Graph, node: URIRef, aliases: Iterable[str], acronym: str | None, wikidata: str | None
) -> None:
    """What the registry says of a curated node beyond its label: other names, the link out."""
    g.add((node, SCM.curated, Literal(True)))
    for alias in aliases:
        g.add((node, SKOS.altLabel, Literal(alias)))
    if acronym:
        g.add((node, SCM.acronym, Literal(acronym)))
    if wikidata:
        g.add((node, SKOS.exactMatch, wikidata_iri(wikidata)))


def _parties(registry: Registry) -> Graph:
    g, source = _graph_of(registry, "parties")
    for party in registry.parties:
        node = party_iri(party.name)
        _labelled(g, node, party.name, source, SCM.Party, SCM.State)
        g.add((node, SCM.partyCode, Literal(party.code)))
        g.add((node, SCM.curated, Literal(True)))
        if party.acronym:
            g.add((node, SCM.acronym, Literal(party.acronym)))
        if party.wikidata:
            g.add((node, SKOS.exactMatch, wikidata_iri(party.wikidata)))
        for name in party.names:
            if name != party.name:
                g.add((node, SKOS.altLabel, Literal(name)))
    posts = _file(registry, "posts")
    for post in registry.posts:
        node = post_iri(post_key(post.party, post.title))
        party = registry.party(post.party)
        g.add((node, RDF.type, ORG.Post))
        g.add((node, RDFS.label, Literal(post.title)))
        g.add((node, SKOS.prefLabel, Literal(f"{party.acronym or party.code} {post.title}")))
        g.add((node, ORG.postIn, party_iri(party.name)))
        g.add((node, PROV.wasDerivedFrom, posts))
        for short in post.short:
            g.add((node, SKOS.altLabel, Literal(short)))
        for name in post.titles[1:]:
            g.add((node, SKOS.altLabel, Literal(name)))
    return g


def _people(registry: Registry) -> Graph:
    g, source = _graph_of(registry, "people")
    for person in registry.people:
        node = person_iri(person.key)
        _labelled(g, node, person.name, source, SCM.Person)
        _curated(g, node, person.variants, None, person.wikidata)
    return g


def _topics(registry: Registry) -> Graph:
    g, source = _graph_of(registry, "topics")
    _scheme(g, TOPIC_SCHEME, "scmgraph topics", "Subjects of alliance commitments.")
    by_name = {e.name: e for e in registry.entities}
    for topic in registry.topics:
        node = topic_iri(topic.id)
        _curated_concept(g, node, SCM.Topic, TOPIC_SCHEME, topic, source)
        for keyword in topic.keywords:
            g.add((node, SCM.keyword, Literal(keyword)))
        for name in topic.entities:
            if name in by_name:
                entity = by_name[name]
                g.add((entity_iri(entity.key, entity.type), DCTERMS.subject, node))
    return g


def _event_code(g: Graph, scheme: URIRef, family: str, code: EventCode) -> URIRef:
    node = ID[f"{family}/{code.code}"]
    _concept(g, node, scheme, code.code, code.label)
    return node


def _verb_classes(registry: Registry) -> Graph:
    g, source = _graph_of(registry, "verb-classes")
    _scheme(g, VERB_CLASS_SCHEME, "scmgraph speech-act classes", "Classes of speech act.")
    _scheme(g, CAMEO_SCHEME, "CAMEO event codes", "Conflict and Mediation Event Observations.")
    _scheme(
        g,
        PLOVER_SCHEME,
        "PLOVER event types",
        "Political Language Ontology for Verifiable Event Records.",
    )
    for verb_class in registry.verb_classes:
        node = verb_class_iri(verb_class.id)
        _curated_concept(g, node, SCM.VerbClass, VERB_CLASS_SCHEME, verb_class, source)
        if verb_class.cameo:
            g.add((node, SKOS.closeMatch, _event_code(g, CAMEO_SCHEME, "cameo", verb_class.cameo)))
        if verb_class.plover:
            plover = _event_code(g, PLOVER_SCHEME, "plover", verb_class.plover)
            g.add((node, SKOS.closeMatch, plover))
    return g


def _verbs(registry: Registry) -> Graph:
    g, source = _graph_of(registry, "verbs")
    for verb in registry.verbs:
        node = verb_iri(verb.lemma)
        g.add((node, RDF.type, SCM.ReportingVerb))
        g.add((node, RDFS.label, Literal(verb.lemma)))
        g.add((node, SCM.lemma, Literal(verb.lemma)))
        g.add((node, SCM.defaultVerbClass, verb_class_iri(verb.verb_class)))
        g.add((node, SCM.lightVerb, Literal(verb.light)))
        g.add((node, PROV.wasDerivedFrom, source))
        for form in verb.forms:
            g.add((node, SCM.verbForm, Literal(form)))
    return g


def registry_graphs(registry: Registry) -> dict[str, Graph]:
    """Registry name -> its graph (named ``graph/registry/<name>`` in the dataset)."""
    return {
        "entities": _entities(registry),
        "parties": _parties(registry),
        "people": _people(registry),
        "topics": _topics(registry),
        "verb-classes": _verb_classes(registry),
        "verbs": _verbs(registry),
    }
