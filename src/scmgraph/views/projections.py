"""The networks a corpus is projected into: entities co-mentioned, who speaks about what,
and how statements thread across meetings; the exports and the API draw these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from scmgraph.registry.entity_types import by_name
from scmgraph.views.network import Corpus, Node, Statement, node_key

PROJECTIONS = ("entities", "speakers", "threads")


def _years(values: Iterable[int | None]) -> dict[str, Any]:
    years = sorted({y for y in values if y is not None})
    if not years:
        return {}
    return {"first_year": years[0], "last_year": years[-1], "years": " ".join(map(str, years))}


def _entity_attrs(node: Node) -> dict[str, Any]:
    attrs = {"iri": node.iri, "label": node.label, "type": node.type}
    known = by_name().get(node.type)
    attrs["category"] = known.category if known else "entity"
    if node.acronym:
        attrs["acronym"] = node.acronym
    return attrs


def _statement_attrs(st: Statement, corpus: Corpus, order: int) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "iri": st.iri,
        "label": st.label,
        "type": "Statement",
        "category": corpus.node(st.verb_class).label if st.verb_class else "statement",
        "verb": st.verb,
        "paragraph": st.paragraph,
        "order": order,
        "text": st.text,
        "topics": " ".join(sorted(st.topics.values())),
        **_years([st.year]),
    }
    if st.meeting is not None:
        attrs["meeting"] = st.meeting
    return attrs


def _finish(graph: nx.Graph) -> nx.Graph:
    """Set ``degree`` on every node; return a copy with nodes and edges in sorted order."""
    ordered = graph.__class__()
    ordered.graph.update(graph.graph)
    for node in sorted(graph.nodes):
        ordered.add_node(node, **graph.nodes[node], degree=int(graph.degree(node)))
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: e[2]["id"]):
        ordered.add_edge(u, v, **data)
    return ordered


def entity_network(corpus: Corpus) -> nx.Graph:
    """Entities linked when a statement mentions both; weight = number of such statements."""
    graph = nx.Graph(projection="entities")
    years: dict[str, list[int | None]] = defaultdict(list)
    pairs: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    for st in corpus.statements.values():
        keys = sorted({node_key(e): e for e in st.mentions}.items())
        for _key, iri in keys:
            years[iri].append(st.year)
        for i, (a, _) in enumerate(keys):
            for b, _ in keys[i + 1 :]:
                pairs[(a, b)].append(st)
    for iri, seen in years.items():
        attrs = _entity_attrs(corpus.node(iri))
        graph.add_node(node_key(iri), **attrs, statements=len(seen), **_years(seen))
    for (a, b), sts in pairs.items():
        found = _years(st.year for st in sts)
        found.pop("years", None)
        graph.add_edge(
            a,
            b,
            id=f"{a}--{b}",
            weight=len(sts),
            label=f"{len(sts)} statement{'s' if len(sts) > 1 else ''}",
            statements=" ".join(sorted(st.iri for st in sts)),
            **found,
        )
    return _finish(graph)


def speaker_network(corpus: Corpus) -> nx.DiGraph:
    """People and parties -> the statements they make -> the entities those mention.

    Speakers and actors get their own ``agent:`` nodes (layer 0) even when a
    statement also mentions them, so the three layers stay apart.
    """
    graph = nx.DiGraph(projection="speakers")
    agent_years: dict[str, list[int | None]] = defaultdict(list)
    entity_years: dict[str, list[int | None]] = defaultdict(list)
    for order, st in enumerate(corpus.statements.values(), start=1):
        key = node_key(st.iri)
        graph.add_node(key, **_statement_attrs(st, corpus, order), layer=1)
        for role, agents in (("speaker", st.speakers), ("actor", st.actors)):
            for agent in sorted(agents):
                agent_years[agent].append(st.year)
                source = f"agent:{node_key(agent)}"
                graph.add_edge(source, key, id=f"{role}:{source}--{key}", role=role)
        for entity in sorted(st.mentions):
            entity_years[entity].append(st.year)
            target = node_key(entity)
            graph.add_edge(key, target, id=f"mentions:{key}--{target}", role="mentions")
    for agent, seen in agent_years.items():
        attrs = _entity_attrs(corpus.node(agent))
        attrs["category"] = "speaker" if attrs["type"] == "Person" else "party"
        graph.add_node(f"agent:{node_key(agent)}", **attrs, layer=0, **_years(seen))
    for entity, seen in entity_years.items():
        graph.add_node(node_key(entity), **_entity_attrs(corpus.node(entity)), layer=2)
        graph.nodes[node_key(entity)].update(_years(seen))
    return _finish(graph)


def thread_network(corpus: Corpus) -> nx.DiGraph:
    """Statements ordered by meeting; edges from a statement to the later one carrying it on."""
    graph = nx.DiGraph(projection="threads")
    for order, st in enumerate(corpus.statements.values(), start=1):
        graph.add_node(node_key(st.iri), **_statement_attrs(st, corpus, order))
    for link in corpus.threads:
        graph.add_edge(
            node_key(link.previous),
            node_key(link.current),
            id=node_key(link.iri),
            iri=link.iri,
            kind=link.kind,
            similarity=link.similarity,
            label=link.label,
        )
    return _finish(graph)


def project(corpus: Corpus, projection: str) -> nx.Graph:
    """The named projection (one of PROJECTIONS) of ``corpus``."""
    builders = {"entities": entity_network, "speakers": speaker_network, "threads": thread_network}
    if projection not in builders:
        raise ValueError(f"unknown projection {projection!r} (expected one of {PROJECTIONS})")
    return builders[projection](corpus)
