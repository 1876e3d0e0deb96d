"""The named-entity types, read from the ontology: their one home.

Each class of the ontology that carries ``scm:typePrecedence`` is an entity type.
Its local name is the type's name in the statements view and the registries
(``MilitaryCommand``), its ``rdfs:label`` the name shown to people, its
``scm:identifierFamily`` the path of its instances' IRIs (``org``), its
``scm:networkCategory`` the group network pictures colour it by. The precedence
orders the types: an entity seen with several types is reported under the first.
A class without an identifier family (``Party``, whose IRI is its State's) ranks
in networks but is not a type of the statements view.

>>> [t.name for t in view_types()][:3]
['Person', 'State', 'MilitaryCommand']
>>> view_type("MilitaryCommand").family, view_type("MilitaryCommand").label
('org', 'military command')
>>> [t.name for t in entity_types() if t.family is None]
['Party']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

import pyoxigraph as ox

from scmgraph import namespaces as ns
from scmgraph.errors import InputError
from scmgraph.resources import shipped

_QUERY = f"""
PREFIX scm: <{ns.SCM}>
PREFIX rdfs: <{ns.PREFIXES["rdfs"]}>
SELECT ?class ?precedence ?label ?family ?category WHERE {{
  ?class scm:typePrecedence ?precedence ; rdfs:label ?label ; scm:networkCategory ?category .
  OPTIONAL {{ ?class scm:identifierFamily ?family }}
}} ORDER BY ?precedence"""


@dataclass(frozen=True)
class EntityType:
    """One entity class of the ontology and how scmgraph names and shows its instances."""

    name: str
    iri: str
    label: str
    family: str | None
    category: str
    precedence: int


@cache
def entity_types(ontology: Path | None = None) -> tuple[EntityType, ...]:
    """Every ranked entity class of ``ontology`` (default: the shipped one), by precedence."""
    path = ontology or shipped("ontology") / "scmgraph.ttl"
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError) as error:
        raise InputError(path, f"cannot read the ontology: {error}") from error
    found = []
    for row in store.query(_QUERY):
        iri = row["class"].value
        family = row["family"].value if row["family"] is not None else None
        found.append(
            EntityType(
                name=iri.removeprefix(ns.SCM),
                iri=iri,
                label=row["label"].value,
                family=family,
                category=row["category"].value,
                precedence=int(row["precedence"].value),
            )
        )
    if not found:
        raise InputError(path, "no class carries scm:typePrecedence")
    return tuple(found)


@cache
def by_name() -> Mapping[str, EntityType]:
    """Every ranked entity class of the shipped ontology by its name: one lookup per entity."""
    return MappingProxyType({t.name: t for t in entity_types()})


def view_types() -> tuple[EntityType, ...]:
    """The types an entity of the statements view can have, in order of precedence."""
    return tuple(t for t in entity_types() if t.family is not None)


def view_type(name: str) -> EntityType:
    """The statements-view type called ``name``; KeyError for any other name."""
    found = by_name()[name]
    if found.family is None:
        raise KeyError(name)
    return found
