"""The graphs that span communiqués: links and build provenance.

The links graph gives every person and entity one node whatever the document
that names it, and records who held which post over the meetings seen; the
provenance graph names the build and every file it read, without wall-clock time
unless one is given, so that rebuilding the same inputs yields the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, TIME, XSD

from scmgraph.model import Entity, Facts, SourceFile, StatementRef, ThreadLink
from scmgraph.rdf.terms import (
    ID,
    LINKS_GRAPH,
    PROVENANCE_GRAPH,
    SCM,
    communique_iri,
    communique_slugs,
    entity_class,
    entity_iri,
    instant_iri,
    membership_iri,
    new_graph,
    origin_iri,
    party_iri,
    person_iri,
    post_iri,
    post_key,
    source_iri,
    statement_iri,
    topic_iri,
    wikidata_iri,
)
from scmgraph.registry.load import Registry, slugify

if TYPE_CHECKING:
    from scmgraph.rdf.build_info import BuildInfo
    from scmgraph.rdf.sink import TripleSet


def links_graph(
    all_facts: Sequence[Facts],
    registry: Registry,
    build: BuildInfo,
    threads: Sequence[ThreadLink] = (),
    *,
    sink: TripleSet | None = None,
) -> Graph | TripleSet:
    """One node per person and entity across documents, who held which post when, and
    the thread links from statements to those of the previous communiqué they carry on.

    ``sink`` gathers the triples instead of an rdflib graph (faster to write out)."""
    g = new_graph(LINKS_GRAPH) if sink is None else sink
    slugs = communique_slugs(all_facts)
    ordered = sorted(all_facts, key=lambda f: f.document.name)
    canonical: dict[URIRef, Entity] = {}
    nodes: dict[tuple[str, str], URIRef] = {}  # most entities are in many communiqués
    referenced_by, derived_from = DCTERMS.isReferencedBy, PROV.wasDerivedFrom
    for facts in ordered:
        context = communique_iri(slugs[facts.document.name])
        for entity in facts.entities:
            node = nodes.get((entity.key, entity.type))
            if node is None:
                node = nodes[entity.key, entity.type] = entity_iri(entity.key, entity.type)
            canonical.setdefault(node, entity)
            g.add((node, referenced_by, context))
            g.add((node, derived_from, context))
    # Terms looked up once: a namespace checks each name it is asked for.
    label, preferred = RDFS.label, SKOS.prefLabel
    generated, acronym = PROV.wasGeneratedBy, SCM.acronym
    whole = build.iri
    for node, entity in canonical.items():
        if (cls := entity_class(entity.type)) is not None:
            g.add((node, RDF.type, cls))
        name = Literal(entity.name)
        g.add((node, label, name))
        g.add((node, preferred, name))
        g.add((node, generated, whole))
        if entity.acronym:
            g.add((node, acronym, Literal(entity.acronym)))
        if entity.wikidata:
            g.add((node, SKOS.exactMatch, wikidata_iri(entity.wikidata)))
    _memberships(g, ordered, slugs, registry, build)
    kinds = {e.key: e.type for f in ordered for e in f.entities}
    files = file_names(all_facts)
    pairs: dict[tuple[str, str], BuildInfo] = {}  # the build of each pair's two files
    for link in threads:
        pair = files[link.previous.document], files[link.current.document]
        generated = pairs.get(pair) or pairs.setdefault(pair, build.part(*pair))
        _thread(g, link, slugs, kinds, generated)
    return g


def file_names(all_facts: Sequence[Facts]) -> dict[str, str]:
    """Each document's file name, by which a build names its inputs."""
    return {f.document.name: f.document.source.path.name for f in all_facts}


def thread_pairs(
    all_facts: Sequence[Facts], threads: Sequence[ThreadLink]
) -> list[tuple[str, str]]:
    """The (previous, current) file names of every pair that thread links join."""
    files = file_names(all_facts)
    return sorted({(files[t.previous.document], files[t.current.document]) for t in threads})


def _statement(ref: StatementRef, slugs: dict[str, str]) -> URIRef:
    slug = slugs.get(ref.document, slugify(ref.document))
    return statement_iri(slug, ref.paragraph, ref.sentence, ref.index)


def _thread(
    g: Graph | TripleSet,
    link: ThreadLink,
    slugs: dict[str, str],
    kinds: dict[str, str],
    generated: BuildInfo,
) -> None:
    """A qualified link (kind, similarity, what both share) plus the plain shortcut; it
    names the build that ``generated`` it, that of its two communiqués' files."""
    current, previous = _statement(link.current, slugs), _statement(link.previous, slugs)
    node = ID[f"thread-link/{current.removeprefix(str(ID) + 'statement/')}"]
    g.add((current, SCM.carriesForward, previous))
    g.add((node, RDF.type, SCM.ThreadLink))
    g.add((node, RDFS.label, Literal(link.label)))
    g.add((node, SCM.currentStatement, current))
    g.add((node, SCM.previousStatement, previous))
    g.add((node, SCM.threadKind, Literal(link.kind)))
    g.add((node, SCM.wordingSimilarity, Literal(f"{link.similarity:.3f}", datatype=XSD.decimal)))
    for key in link.shared_entities:
        g.add((node, SCM.sharedEntity, entity_iri(key, kinds.get(key, ""))))
    for topic in link.shared_topics:
        g.add((node, DCTERMS.subject, topic_iri(topic)))
    for statement in (current, previous):
        g.add((node, PROV.wasDerivedFrom, statement))
    g.add((node, PROV.wasGeneratedBy, generated.iri))


def _memberships(
    g: Graph | TripleSet,
    ordered: list[Facts],
    slugs: dict[str, str],
    registry: Registry,
    build: BuildInfo,
) -> None:
    """org:Membership per (person, post), spanning the meeting dates it is seen at."""
    people = {p.key: p.name for p in registry.people}
    posts = {post_key(p.party, p.title): (p.party, p.title) for p in registry.posts}
    seen: dict[tuple[str, str], tuple[str, set[str], set[URIRef]]] = {}
    for facts in ordered:
        context = communique_iri(slugs[facts.document.name])
        for meeting in (facts.meeting, *facts.meeting.associated):
            for head in meeting.heads:
                known = registry.post_named(head.party, head.post)
                key = known.key if known else post_key(head.party, head.post)
                posts.setdefault(key, (head.party, known.title if known else head.post))
                entry = registry.person_by_name(head.name)
                people.setdefault(entry.key if entry else slugify(head.name), head.name)
        for holding in facts.holdings:
            party, dates, sources = seen.setdefault(
                (holding.person, holding.post), (holding.party, set(), set())
            )
            if holding.date is not None:
                dates.add(holding.date.isoformat())
            sources.add(context)
    for (person, post), (party_code, dates, sources) in sorted(seen.items()):
        node = membership_iri(person, post)
        person_node = person_iri(person)
        g.add((person_node, RDF.type, SCM.Person))
        g.add((person_node, RDFS.label, Literal(people.get(person, person))))
        try:
            party = party_iri(registry.party(party_code).name)
        except KeyError:
            party = party_iri(party_code)
        post_node = post_iri(post)
        g.add((post_node, RDF.type, ORG.Post))
        g.add((post_node, RDFS.label, Literal(posts.get(post, (party_code, post))[1])))
        g.add((post_node, ORG.postIn, party))
        for kind in (ORG.Membership, SCM.PostHolding):
            g.add((node, RDF.type, kind))
        g.add((node, ORG.member, person_node))
        g.add((node, ORG.organization, party))
        g.add((node, SCM.post, post_node))
        g.add((node, PROV.wasGeneratedBy, build.iri))
        for source in sources:
            g.add((node, PROV.wasDerivedFrom, source))
        if dates:
            first, last = min(dates), max(dates)
            interval = ID[f"{node.removeprefix(str(ID))}/interval/{first}/{last}"]
            g.add((node, ORG.memberDuring, interval))
            g.add((interval, RDF.type, TIME.Interval))
            for link, day in ((TIME.hasBeginning, first), (TIME.hasEnd, last)):
                instant = instant_iri(day)
                g.add((interval, link, instant))
                g.add((instant, RDF.type, TIME.Instant))
                g.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))


# --- provenance ---


def source_node(graph: Graph | TripleSet, source: SourceFile) -> URIRef:
    """A communiqué's file; when ``scmgraph add`` stored it, the page or file it copies
    and when it was retrieved (from the corpus's record, never the clock)."""
    node = source_iri(source.name)
    graph.add((node, RDF.type, SCM.SourceFile))
    graph.add((node, SCM.fileName, Literal(source.path.name)))
    graph.add((node, SCM.sha256, Literal(source.sha256)))
    graph.add((node, DCTERMS["format"], Literal(source.media_type)))
    if source.origin is not None:
        origin = origin_iri(source.origin.source)
        retrieved = Literal(source.origin.retrieved, datatype=XSD.dateTime, normalize=False)
        graph.add((node, PROV.wasDerivedFrom, origin))
        graph.add((node, PROV.generatedAtTime, retrieved))
        graph.add((origin, RDF.type, PROV.Entity))
        graph.add((origin, DCTERMS["format"], Literal(source.origin.content_type)))
    return node


def provenance_graph(
    build: BuildInfo, pairs: Iterable[tuple[str, str]] = (), *, sink: TripleSet | None = None
) -> Graph | TripleSet:
    """The build activity, the tool that ran it and every file it used; and the
    builds within it that the graphs name: one per communiqué (its nodes) and one
    per pair of consecutive communiqués (their thread links), given by file names.

    ``sink`` gathers the triples instead of an rdflib graph (faster to write out)."""
    g = new_graph(PROVENANCE_GRAPH) if sink is None else sink
    activity = build.iri
    agent = ID[f"software/scmgraph/{build.tool_version}"]
    g.add((activity, RDF.type, SCM.BuildActivity))
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"scmgraph build {build.digest}")))
    g.add((activity, SCM.toolVersion, Literal(build.tool_version)))
    g.add((activity, PROV.wasAssociatedWith, agent))
    g.add((agent, RDF.type, PROV.SoftwareAgent))
    g.add((agent, RDFS.label, Literal(f"scmgraph {build.tool_version}")))
    if build.timestamp:
        g.add((activity, PROV.startedAtTime, Literal(build.timestamp, datatype=XSD.dateTime)))
    inputs = set(build.inputs)
    for name, digest in (*build.inputs, *build.registry_files):
        is_input = (name, digest) in inputs
        node = source_iri(Path(name).stem if is_input else name)
        g.add((node, RDF.type, SCM.SourceFile))
        g.add((node, SCM.fileName, Literal(name)))
        g.add((node, SCM.sha256, Literal(digest)))
        g.add((activity, PROV.used, node))
        if is_input:  # the build of this communiqué alone, which its own nodes name
            _part_build(g, build, (name,), agent)
    for pair in pairs:
        _part_build(g, build, pair, agent)
    return g


def _part_build(
    g: Graph | TripleSet, build: BuildInfo, names: tuple[str, ...], agent: URIRef
) -> None:
    """A build within ``build`` of the input files ``names`` alone, part of it (unless
    they are all its inputs: then it is the build itself)."""
    part = build.part(*names)
    node, whole = part.iri, build.iri  # each a digest of the inputs: made once
    if node == whole:
        return
    g.add((node, RDF.type, SCM.BuildActivity))
    g.add((node, RDF.type, PROV.Activity))
    g.add((node, RDFS.label, Literal(f"scmgraph build {part.digest}")))
    g.add((node, SCM.toolVersion, Literal(build.tool_version)))
    g.add((node, PROV.wasAssociatedWith, agent))
    for name in names:
        g.add((node, PROV.used, source_iri(Path(name).stem)))
    g.add((node, DCTERMS.isPartOf, whole))
