"""One entity written several ways in a document: a numbered name written short
("Resolution 2094"), a name written by its head ("the Joint Declaration"), a person
named by one word ("General Scaparrotti"). The short entity goes, and its surfaces
name the full one."""

from __future__ import annotations

from scmgraph.extract.mentions import Surface
from scmgraph.model import Entity


def _merge(
    entities: dict[str, Entity], surfaces: list[Surface], short: Entity, full: Entity
) -> None:
    """``short`` is ``full``: its surfaces name ``full``, and it is gone."""
    del entities[short.key]
    for i, surface in enumerate(surfaces):
        if surface.entity == short.key:
            surfaces[i] = Surface(surface.text, full.key, surface.case_sensitive, surface.plural)


def merge_numbered(entities: dict[str, Entity], surfaces: list[Surface]) -> None:
    """A numbered name written short ("Resolution 2094") is the one entity of the
    document whose full name ends with it ("United Nations Security Council
    Resolution 2094")."""
    full: dict[str, list[Entity]] = {}
    for entity in entities.values():
        words = entity.name.split()
        if len(words) > 2 and words[-1].isdigit():
            full.setdefault(" ".join(words[-2:]), []).append(entity)
    for short in [e for e in entities.values() if not e.curated and e.name in full]:
        found = full[short.name]
        if len(found) != 1 or found[0].type != short.type:
            continue
        _merge(entities, surfaces, short, found[0])


def merge_headed(
    entities: dict[str, Entity], surfaces: list[Surface], markers: frozenset[str]
) -> None:
    """A name written by its head alone ("the Joint Declaration") is the one entity
    of the document, of its type, whose full name is that head before a head marker
    ("Joint Declaration on the Denuclearization of the Korean Peninsula")."""
    full: dict[str, list[Entity]] = {}
    for entity in entities.values():
        words = entity.name.split()
        for i, word in enumerate(words[1:-1], start=1):
            if word in markers:
                full.setdefault(" ".join(words[:i]), []).append(entity)
                break
    for short in [e for e in entities.values() if not e.curated and e.name in full]:
        found = [e for e in full[short.name] if e.type == short.type]
        if len(found) == 1:
            _merge(entities, surfaces, short, found[0])


def merge_surnames(
    entities: dict[str, Entity], surfaces: list[Surface], leads: dict[str, set[str]]
) -> None:
    """A person named by one word ("General Scaparrotti", "Chairman Kim") is the one
    person of the document whose full name starts or ends with that word; among
    namesakes, the one the same rank or title introduces ("General Lee" is General Lee
    Sang-eui, not President Lee Myung-bak). ``leads``: person key -> those words."""
    people = [e for e in entities.values() if e.type == "Person"]
    for short in [e for e in people if " " not in e.name]:
        full = [
            e
            for e in people
            if e is not short
            and short.name in (e.name.split()[0], *[w for w in e.name.split()[-2:]])
        ]
        if len(full) > 1:
            full = [e for e in full if leads.get(short.key, set()) & leads.get(e.key, set())]
        if len(full) != 1 or short.curated:
            continue
        _merge(entities, surfaces, short, full[0])
