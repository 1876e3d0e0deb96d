"""The entity types come from the ontology: one list, in the spec's order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scmgraph.errors import InputError
from scmgraph.rdf.terms import entity_class, entity_iri
from scmgraph.registry.entity_types import entity_types, view_type, view_types
from scmgraph.views.network import best_type

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "scmgraph.ttl"


def _spec_types() -> list[str]:
    """The types the statements view allows, in the order docs/statements.md lists them."""
    text = (ROOT / "docs" / "statements.md").read_text(encoding="utf-8")
    listing = text.split("`type` is one of:", 1)[1].split("The reported meeting", 1)[0]
    return re.findall(r"`(\w+)`", listing)


def test_view_types_are_the_spec_types_in_the_spec_order() -> None:
    spec = _spec_types()
    assert len(spec) == 13 and spec[0] == "Person" and spec[-1] == "Initiative"
    assert [t.name for t in view_types()] == spec


def test_each_type_names_its_class_label_family_and_category() -> None:
    command = view_type("MilitaryCommand")
    assert command.iri == "https://w3id.org/scmgraph/ontology#MilitaryCommand"
    assert (command.label, command.family, command.category) == (
        "military command",
        "org",
        "organisation",
    )
    assert str(entity_class("Agreement")) == "https://w3id.org/scmgraph/ontology#Agreement"
    assert entity_class("Party") is None and entity_class("Topic") is None
    assert str(entity_iri("camp-humphreys", "Place")) == (
        "https://w3id.org/scmgraph/id/place/camp-humphreys"
    )
    with pytest.raises(KeyError):
        view_type("Party")


def test_precedence_decides_a_node_seen_with_several_types() -> None:
    assert best_type({"State", "Party"}) == "Party"
    assert best_type({"Place", "MilitaryCommand"}) == "MilitaryCommand"
    assert best_type({"Topic"}) == "NamedEntity"


def test_another_ontology_reorders_the_types(tmp_path: Path) -> None:
    text = ONTOLOGY.read_text(encoding="utf-8")
    swapped = text.replace("scm:typePrecedence 1 ;", "scm:typePrecedence 99 ;").replace(
        'scm:identifierFamily "plan"', 'scm:identifierFamily "plans"'
    )
    path = tmp_path / "ontology.ttl"
    path.write_text(swapped, encoding="utf-8")
    names = [t.name for t in entity_types(path) if t.family]
    assert names[0] == "State" and names[-1] == "Person"
    assert [t.family for t in entity_types(path) if t.name == "Plan"] == ["plans"]


def test_an_ontology_without_ranked_classes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ontology.ttl"
    path.write_text(re.sub(r"scm:typePrecedence \d+ ;", "", ONTOLOGY.read_text()), "utf-8")
    with pytest.raises(InputError, match=r"ontology\.ttl: no class carries scm:typePrecedence"):
        entity_types(path)
    broken = tmp_path / "broken.ttl"
    broken.write_text("scm:Person a", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.ttl: cannot read the ontology"):
        entity_types(broken)
