"""Entities named without a definition or a head noun, on small composed communiqués.

Each text is written here, not taken from a corpus: places from the gazetteer,
weapon designations and ships by their form, exercises by a cue noun, and the
name-splitting rules ("X in Y", "X and the Y", a dated known name).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scmgraph.extract.document import extract
from scmgraph.model import Facts
from scmgraph.read.reader import read_document
from scmgraph.registry.load import Registry, load_registry

OPENING = (
    "1. The 61st United States (U.S.)-Republic of Korea (ROK) Security Consultative Meeting "
    "(SCM) was held in Seoul on October 20, 2029. U.S. Secretary of Defense Jane Roe and ROK "
    "Minister of National Defense Park Min-ho led their respective delegations."
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def read(tmp_path: Path, registry: Registry, *paragraphs: str, opening: str = OPENING) -> Facts:
    body = "\n\n".join(f"{n}. {p}" for n, p in enumerate(paragraphs, start=2))
    path = tmp_path / "061_scm_2029.txt"
    path.write_text(f"{opening}\n\n{body}\n", encoding="utf-8")
    return extract(read_document(path), registry)


def named(facts: Facts, paragraph: int) -> dict[str, str]:
    """Name -> type of the entities mentioned in ``paragraph``."""
    by_key = {e.key: e for e in facts.entities}
    parties = {"United States", "Republic of Korea"}  # actors, never mentions
    return {
        by_key[m.entity].name: by_key[m.entity].type
        for m in facts.mentions
        if m.paragraph == paragraph and m.entity in by_key and by_key[m.entity].name not in parties
    }


def test_gazetteer_cities_countries_and_regions(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Secretary and the Minister lauded ROK peacekeepers in Lebanon and relief work in "
        "East Africa, and welcomed the port call at Incheon.",
    )
    assert named(facts, 2) == {"Lebanon": "State", "East Africa": "Place", "Incheon": "Place"}


def test_curated_places_abroad_where_forces_served(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Minister noted the work of ROK engineers in Parwan and of the medical unit at Bagram.",
    )
    assert named(facts, 2) == {"Parwan": "Place", "Bagram": "Place"}


def test_gazetteer_words_that_name_people_or_common_words_are_not_places(
    tmp_path: Path, registry: Registry
) -> None:
    # "Austin" and "Mobile" are cities; here they are a surname and a common word.
    facts = read(
        tmp_path,
        registry,
        "General Tom Austin briefed the ministers. Mobile forces and mobile units were "
        "reviewed, and General Austin reported on readiness.",
    )
    assert named(facts, 2) == {"Tom Austin": "Person"}


def test_weapon_designations_and_ships_by_their_form(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The two sides condemned the launch of the KN-25 missile and welcomed the visit of the "
        "aircraft carrier USS Carl Vinson and flights of F-35A aircraft.",
    )
    assert named(facts, 2) == {
        "KN-25": "Capability",
        "USS Carl Vinson": "Capability",
        "F-35A": "Capability",
    }


def test_exercise_named_by_a_cue_noun(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Secretary and the Minister applauded the Silver Falcon combined air defense "
        "exercise in May, and pledged to hold it again.",
    )
    assert named(facts, 2) == {"Silver Falcon": "Exercise"}
    (mention,) = [m for m in facts.mentions if m.paragraph == 2]
    assert mention.surface == "Silver Falcon"


def test_a_place_after_in_is_a_name_of_its_own(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "They welcomed progress at Camp Walker in Daegu in May and the work of the Hanbit Unit "
        "in the Gulf of Guinea.",
    )
    assert named(facts, 2) == {
        "Camp Walker": "Place",
        "Daegu": "Place",
        "Hanbit Unit": "MilitaryCommand",
        "Gulf of Guinea": "Place",
    }


def test_new_head_nouns_and_versions(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Minister explained Defense Innovation 4.0 Reform and the Alliance Cyber Vision, "
        "and both sides approved the 3D Maritime Concept and the Treaty on Friendship.",
    )
    assert named(facts, 2) == {
        "Defense Innovation 4.0 Reform": "Plan",
        "Alliance Cyber Vision": "Plan",
        "3D Maritime Concept": "Plan",
        "Treaty on Friendship": "Agreement",
    }


def test_a_name_with_a_version_number_is_a_plan(tmp_path: Path, registry: Registry) -> None:
    facts = read(tmp_path, registry, "The Minister explained the goals of Defense Innovation 4.0.")
    assert named(facts, 2) == {"Defense Innovation 4.0": "Plan"}


def test_a_qualifier_stays_before_a_lone_unit_noun(tmp_path: Path, registry: Registry) -> None:
    facts = read(tmp_path, registry, "They lauded the activation of the ROK-U.S. Combined Brigade.")
    assert named(facts, 2) == {"Combined Brigade": "MilitaryCommand"}


def test_and_the_ends_a_name(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Secretary thanked Minister Park and the ROK Ministry of National Defense.",
    )
    assert named(facts, 2) == {
        "Park Min-ho": "Person",
        "Ministry of National Defense": "GovernmentBody",
    }


def test_a_surname_is_the_person_named_in_full(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "They received a report from General Ann B. Smith. General Smith noted the progress.",
    )
    people = [e.name for e in facts.entities if e.type == "Person"]
    assert "Smith" not in people and "Ann B. Smith" in people
    assert {m.surface for m in facts.mentions if m.paragraph == 2} == {"Ann B. Smith", "Smith"}


def test_a_dated_known_agreement_is_the_agreement(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path, registry, "The Minister highlighted the April 2018 Panmunjom Declaration."
    )
    assert named(facts, 2) == {"Panmunjom Declaration": "Agreement"}


def test_a_definition_takes_the_words_that_spell_its_acronym(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They reviewed the Coastal Wartime Operational Control Rotation Plan (CORP) and its "
        "schedule.",
    )
    assert named(facts, 2) == {"Coastal Wartime Operational Control Rotation Plan": "Plan"}


def test_people_after_a_post_or_before_a_post(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Minister thanked former Secretary of Defense John Q. Public for his service and "
        "received a report from Paul K. Doe, Commander of the Combined Forces Command.",
    )
    assert named(facts, 2) == {
        "John Q. Public": "Person",
        "Paul K. Doe": "Person",
        "Combined Forces Command": "MilitaryCommand",
    }


def test_a_qualified_or_plural_post_title_hides_the_body_it_names(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Chairman of the U.S. Joint Chiefs of Staff and the ROK and US Chairmen of the "
        "Joint Chiefs of Staff briefed the ministers.",
    )
    assert named(facts, 2) == {}


def test_a_command_named_after_a_party_keeps_its_qualifier(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They decided to deepen space cooperation between US Space Forces Korea and ROK space "
        "units.",
    )
    assert named(facts, 2) == {"US Space Forces Korea": "MilitaryCommand"}


def test_a_numbered_resolution_is_an_agreement_not_its_council(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They called for the full implementation of United Nations Security Council "
        "Resolution 2397 and of Resolution 825.",
    )
    assert named(facts, 2) == {
        "United Nations Security Council Resolution 2397": "Agreement",
        "Resolution 825": "Agreement",
    }


def test_a_name_whose_capitals_spell_a_concept_acronym_is_still_a_name(
    tmp_path: Path, registry: Registry
) -> None:
    # SSA is a concept (space situational awareness); this arrangement only shares its capitals.
    facts = read(
        tmp_path,
        registry,
        "Both sides pledged to sign a Security of Supply Arrangement by the end of next year.",
    )
    assert named(facts, 2) == {"Security of Supply Arrangement": "Agreement"}


def test_to_the_and_and_of_end_a_name(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Minister lauded the dispatch of the Ashena Unit to the Gulf of Guinea and of "
        "ROK engineers to Lebanon.",
    )
    assert named(facts, 2) == {
        "Ashena Unit": "MilitaryCommand",
        "Gulf of Guinea": "Place",
        "Lebanon": "State",
    }


def test_a_coordination_of_three_names_and_the_place_a_camp_is_in(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They welcomed the return of the Seventh Army and the Yeoncheon Live Fire Complex and "
        "Camp Mercer in Hanam-dong.",
    )
    assert named(facts, 2) == {
        "Seventh Army": "MilitaryCommand",
        "Yeoncheon Live Fire Complex": "Place",
        "Camp Mercer": "Place",
        "Hanam-dong": "Place",
    }


def test_a_missile_named_by_its_cue_noun_and_a_hyphen_read_as_a_space(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They condemned the Taepodong long-range ballistic missile and agreed to meet through "
        "the Counter-WMD Committee.",
    )
    assert named(facts, 2) == {
        "Taepodong": "Capability",
        "Counter WMD Committee": "ConsultativeBody",
    }


def test_names_coordinated_before_a_cue_noun_or_set_off_before_it(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They condemned the launches of Frog and Toksa short-range missiles, noted that Hawk "
        "batteries would stay, and welcomed Silver Harbor, a combined exercise on port security.",
    )
    assert named(facts, 2) == {
        "Frog": "Capability",
        "Toksa": "Capability",
        "Hawk": "Capability",
        "Silver Harbor": "Exercise",
    }


def test_a_name_coordinated_with_a_capability_is_one_and_a_year_is_no_part_of_a_place(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Minister explained the Iron Dome and the Theater Air and Missile Defense system, "
        "and the two sides moved the command to Camp Carroll in 2019.",
    )
    assert named(facts, 2) == {
        "Iron Dome": "Capability",
        "Theater Air and Missile Defense": "Capability",
        "Camp Carroll": "Place",
    }


def test_a_name_ending_in_a_year_is_a_plan_unless_it_is_a_known_one_dated(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They replaced the goals of Strategic Partnership 2030 after the Ulchi Freedom Guardian "
        "2029 exercise, flown with the MQ-9 Reaper over the Euro-Atlantic region.",
    )
    assert named(facts, 2) == {
        "Strategic Partnership 2030": "Plan",
        "Ulchi Freedom Guardian": "Exercise",
        "MQ-9 Reaper": "Capability",
        "Euro-Atlantic": "Place",
    }


def test_headquarters_after_a_name_is_where_the_body_sits(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They welcomed the opening of the new Sixth Fleet Headquarters at Camp Walker.",
    )
    assert named(facts, 2) == {"Sixth Fleet": "MilitaryCommand", "Camp Walker": "Place"}


def test_a_name_of_the_reported_series_is_no_entity(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "061_scm_2029.txt"
    opening = (
        "1. The 61st United States-Republic of Korea Security Consultative Meeting convened in "
        "Seoul on October 20, 2029. Secretary of Defense Jane Roe led the U.S. delegation and "
        "Minister of National Defense Park Min-ho led the ROK delegation."
    )
    body = "2. The Minister recalled the Trilateral Ministerial Meeting."
    path.write_text(f"{opening}\n\n{body}\n", encoding="utf-8")
    facts = extract(read_document(path), registry)
    assert facts.meeting is not None and facts.meeting.ordinal == 61
    meetings = {e.name for e in facts.entities if e.type == "Meeting"}
    assert meetings == {"Trilateral Ministerial Meeting"}


def test_a_name_set_off_after_its_cue_noun_and_a_us_state(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They welcomed the combined maritime exercise with Australia, Coral Shield, held off "
        "Alaska in July.",
    )
    assert named(facts, 2) == {"Australia": "State", "Coral Shield": "Exercise", "Alaska": "Place"}


def test_capabilities_as_a_cue_noun_but_not_after_a_concept(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Minister said the ROK would expand its Arrow capabilities, the Alliance’s "
        "capabilities and its CWMD capabilities.",
    )
    assert named(facts, 2) == {"Arrow": "Capability"}


def test_a_numbered_list_names_each_number_and_a_short_form_is_the_full_name(
    tmp_path: Path, registry: Registry
) -> None:
    from scmgraph.rdf.build_info import BuildInfo
    from scmgraph.rdf.convert import communique_graph
    from scmgraph.views.statements import statements_view

    facts = read(
        tmp_path,
        registry,
        "Both sides deplored violations of International Maritime Conventions 1972, 1988 and "
        "2005. They urged respect for Convention 2005.",
    )
    graph = communique_graph(
        facts, registry, BuildInfo.from_inputs("0.1.0", [facts.document.source], registry)
    )
    view = statements_view(graph, "061_scm_2029")
    (statement, urge) = [s for s in view["statements"] if s["paragraph"] == 2]
    names = [f"International Maritime Convention {n}" for n in (1972, 1988, 2005)]
    assert statement["mentions"] == names
    assert urge["mentions"] == names[2:]
    assert {e["name"]: e["type"] for e in view["entities"] if "Convention" in e["name"]} == {
        n: "Agreement" for n in names
    }


def test_a_name_coordinated_before_a_defined_name_is_cut_from_it(
    tmp_path: Path, registry: Registry
) -> None:
    """The right conjunct is a name the document defines: the left one is a name of
    its own, and takes its type."""
    facts = read(
        tmp_path,
        registry,
        "The Minister explained that the ROK would field Swift Lance and Coastal Air and "
        "Missile Defense (CAMD) by 2031.",
    )
    expected = {"Swift Lance": "Capability", "Coastal Air and Missile Defense": "Capability"}
    assert named(facts, 2) == expected


def test_a_name_set_off_before_a_cue_noun_is_a_name_even_with_common_words(
    tmp_path: Path, registry: Registry
) -> None:
    """ "Quiet Harbor, a combined exercise": an apposition defines the name, even when
    the document writes its words in lower case elsewhere ("a quiet harbor")."""
    facts = read(
        tmp_path,
        registry,
        "The two sides welcomed the results of Quiet Harbor, a combined exercise on "
        "responding to chemical threats.",
        "They noted that the fleet stayed in a quiet harbor during the storm.",
    )
    assert named(facts, 2) == {"Quiet Harbor": "Exercise"}


def test_a_common_noun_of_the_registry_names_its_entity_only_with_its_acronym(
    tmp_path: Path, registry: Registry
) -> None:
    """The registry's "tabletop exercise (TTX)" is a term in a document that writes
    TTX; elsewhere a tabletop exercise is any such exercise."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = read(
        tmp_path / "a",
        registry,
        "The two sides decided to hold a combined tabletop exercise on space policy.",
    )
    termed = read(
        tmp_path / "b",
        registry,
        "They assessed that the Deterrence Strategy Committee tabletop exercise (TTX) "
        "strengthened the Alliance's posture.",
    )
    assert named(plain, 2) == {}
    assert named(termed, 2)["tabletop exercise"] == "Exercise"


def test_a_name_set_off_before_a_definite_description_with_coordinated_modifiers(
    tmp_path: Path, registry: Registry
) -> None:
    facts = read(
        tmp_path,
        registry,
        "They noted that Silver Tide, the combined naval and air exercise held in the Yellow "
        "Sea, sent a clear message of deterrence.",
    )
    assert named(facts, 2) == {"Silver Tide": "Exercise", "Yellow Sea": "Place"}


def test_a_ship_named_after_its_kind_is_no_place(tmp_path: Path, registry: Registry) -> None:
    """ "the corvette Daegu": a ship, though a city has its name; so is "the Daegu"
    before it in the document."""
    facts = read(
        tmp_path,
        registry,
        "The two sides honored the sailors of the Daegu.",
        "They condemned the attack on the ROK corvette Daegu and welcomed the new Guidelines "
        "for Alliance Maritime Cooperation.",
    )
    assert named(facts, 2) == {"Daegu": "Capability"}
    expected = {"Daegu": "Capability", "Guidelines for Alliance Maritime Cooperation": "Plan"}
    assert named(facts, 3) == expected


def test_a_proper_name_written_in_lower_case_is_no_mention(
    tmp_path: Path, registry: Registry
) -> None:
    """ "a joint vision for the Alliance's future" is a phrase; "the Joint Vision for the
    Alliance" is the leaders' joint statement."""
    facts = read(
        tmp_path,
        registry,
        "Both sides vowed to develop a joint vision for the Alliance’s future cooperation.",
        "They welcomed the Joint Vision for the Alliance adopted by the two presidents.",
    )
    assert named(facts, 2) == {}
    assert named(facts, 3) == {"Joint Vision for the Alliance": "Agreement"}


def test_a_date_after_a_name_is_cut_before_its_place(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The two sides met at the ROK Ministry of National Defense in Seoul on November 7, "
        "2029, and recalled the Defense Ministerial in Busan on 3 May 2029.",
    )
    assert named(facts, 2) == {
        "Ministry of National Defense": "GovernmentBody",
        "Seoul": "Place",
        "Defense Ministerial": "Meeting",
        "Busan": "Place",
    }


def test_a_name_its_acronym_spells_whole_is_typed_by_its_last_word(
    tmp_path: Path, registry: Registry
) -> None:
    """ "Future of the ..." names no type before "of the"; the acronym spells the whole
    run, so it is one name, typed by its last word."""
    facts = read(
        tmp_path,
        registry,
        "The two sides reviewed the Future of the Partnership Review Initiative (FPRI).",
    )
    assert named(facts, 2) == {"Future of the Partnership Review Initiative": "Initiative"}


def test_a_meeting_counted_in_words_is_its_series(tmp_path: Path, registry: Registry) -> None:
    """ "the Twentieth ROK-U.S. Military Committee Meeting" is the MCM, as "the 20th"
    would be; a unit numbered in words keeps its number ("Eighth Army")."""
    facts = read(
        tmp_path,
        registry,
        "They received the report of the Twentieth ROK-U.S. Military Committee Meeting (MCM) "
        "and thanked the Eighth Army.",
    )
    assert named(facts, 2) == {
        "Military Committee Meeting": "Meeting",
        "Eighth Army": "MilitaryCommand",
    }


def test_a_name_keeps_its_suffix_after_a_comma(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "They thanked General John A. Doe, Jr., and the men and women under his command.",
    )
    assert named(facts, 2) == {"John A. Doe, Jr.": "Person"}


def test_places_in_their_older_romanizations(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "They reviewed the move of units from Tongduchon to Pyongtaek and the talks at Panmunjom.",
    )
    assert named(facts, 2) == {"Tongduchon": "Place", "Pyongtaek": "Place", "Panmunjom": "Place"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(  # the acronym spells the place too: one name, headed before it
            "He noted that the unit is contributing to the United Nations Interim Force in "
            "Lebanon (UNIFIL), and that UNIFIL has kept the peace.",
            {"United Nations Interim Force in Lebanon": "MilitaryCommand"},
            id="defined name holding its place",
        ),
        pytest.param(  # each year opens a name; neither is a date that ends the first
            "They recognized that the 2030 Asian Games and the 2032 Busan Olympic Games will "
            "require close security cooperation.",
            {"Asian Games": "Meeting", "Busan Olympic Games": "Meeting"},
            id="a year after the opens a name",
        ),
        pytest.param(  # no head noun before the parenthesis: the capitalised one after it
            "They agreed to review the Wartime Host Nation Support (WHNS) Agreement, the "
            "Charter of the United Nations and the loss of the ROK naval vessel Cheonan.",
            {
                "Wartime Host Nation Support Agreement": "Agreement",
                "Charter of the United Nations": "Agreement",
                "Cheonan": "Capability",
            },
            id="head noun after a defined acronym",
        ),
        pytest.param(
            "They recalled the bombing in Rangoon, the buildup of Soviet forces in the Far East, "
            "the Taepo Dong-2 launch and the facilities at Yongbyon.",
            {
                "Rangoon": "Place",
                "Soviet Union": "State",
                "Far East": "Place",
                "Taepo Dong-2": "Capability",
                "Yongbyon": "Place",
            },
            id="older names of states, cities and sites",
        ),
        pytest.param(  # the owner after "of" is no part of the name; a name that holds a
            # head noun still ends with the one after its acronym
            "They discussed the Northern Policy of the ROK Government and the "
            "Intermediate-Range Nuclear Forces (INF) Treaty, the F/A-18 and the Yongsan area.",
            {
                "Northern Policy": "Plan",
                "Intermediate-Range Nuclear Forces Treaty": "Agreement",
                "F/A-18": "Capability",
                "Yongsan": "Place",
            },
            id="an owner after of, a treaty after its acronym, a slashed designation",
        ),
        pytest.param(  # a concept acronym whose letters another name spells
            "They noted the decisions of the International Olympic Committee (IOC) and the "
            "progress toward the Initial Operational Capability (IOC) of the command.",
            {"International Olympic Committee": "InternationalOrganization"},
            id="a concept acronym spelled as a name",
        ),
        pytest.param(
            "They noted the East Asia Strategy Report and the new organization established in "
            "New York in March 2029.",
            {"East Asia Strategy Report": "Plan", "New York": "Place"},
            id="a report, and a city the gazetteer names otherwise",
        ),
    ],
)
def test_names_read_whole(
    tmp_path: Path, registry: Registry, text: str, expected: dict[str, str]
) -> None:
    assert named(read(tmp_path, registry, text), 2) == expected


def test_a_name_written_by_its_head_is_the_full_name(tmp_path: Path, registry: Registry) -> None:
    """ "the Joint Declaration" after "the Joint Declaration on the Denuclearization of
    the Korean Peninsula": one entity, written short."""
    facts = read(
        tmp_path,
        registry,
        "The Minister stated that the ROK remains committed to the Joint Declaration on the "
        "Denuclearization of the Korean Peninsula.",
        "He called on North Korea to accept the inspections provided for in the Joint Declaration.",
    )
    full = "Joint Declaration on the Denuclearization of the Korean Peninsula"
    assert named(facts, 3) == {full: "Agreement", "Democratic People's Republic of Korea": "State"}
    assert "Joint Declaration" not in {e.name for e in facts.entities}


def test_events_regimes_and_aircraft_by_their_nouns(tmp_path: Path, registry: Registry) -> None:
    """ "the 2030 FIFA World Cup" (an event), "the Missile Technology Control Regime",
    "Apache Longbow helicopters" (named before their kind); "recommitted" reports a
    reaffirmation."""
    facts = read(
        tmp_path,
        registry,
        "Both sides recommitted themselves to the security of the 2030 FIFA World Cup. They "
        "welcomed the ROK's accession to the Missile Technology Control Regime and the "
        "fielding of Apache Longbow helicopters.",
    )
    assert named(facts, 2) == {
        "FIFA World Cup": "Meeting",
        "Missile Technology Control Regime": "Initiative",
        "Apache Longbow": "Capability",
    }
    assert [(s.verb, s.verb_class) for s in facts.statements if s.paragraph == 2] == [
        ("recommit", "reaffirmation"),
        ("welcome", "appreciation"),
    ]


def test_an_owner_is_no_part_of_the_name_it_owns(tmp_path: Path, registry: Registry) -> None:
    """ "the ROK Government’s Policy for Peace and Prosperity": the policy is named
    after the possessive; a known name that holds one keeps it."""
    facts = read(
        tmp_path,
        registry,
        "The Minister explained the ROK Government’s Policy for Peace and Prosperity toward "
        "the Democratic People’s Republic of Korea.",
    )
    assert named(facts, 2) == {
        "Policy for Peace and Prosperity": "Plan",
        "Democratic People's Republic of Korea": "State",
    }


def test_coordinated_names_share_a_plural_head(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "The Secretary lauded the Seohee and Jema Units in Nasiriyah and the 2nd Infantry "
        "Division (2ID). He thanked the 2ID for its work south of the Han River and in the "
        "Osan-Pyongtaek area.",
    )
    assert named(facts, 2) == {
        "Seohee Unit": "MilitaryCommand",
        "Jema Unit": "MilitaryCommand",
        "Nasiriyah": "Place",
        "Infantry Division": "MilitaryCommand",
        "Han River": "Place",
        "Osan": "Place",
        "Pyongtaek": "Place",
    }


def test_an_acronym_may_open_with_a_digit(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "They decided to move the 2nd Infantry Division (2ID) south. The 2ID will lead the way.",
    )
    (division,) = [e for e in facts.entities if e.name == "Infantry Division"]
    assert division.acronym == "2ID"
    assert [m.surface for m in facts.mentions if m.entity == division.key] == [
        "Infantry Division",
        "2ID",
        "2ID",
    ]


def test_a_task_force_is_a_command(tmp_path: Path, registry: Registry) -> None:
    facts = read(
        tmp_path,
        registry,
        "They commended the ROK ships serving with Combined Task Force 151 and the support of "
        "Congress.",
    )
    assert named(facts, 2) == {
        "Combined Task Force 151": "MilitaryCommand",
        "Congress": "GovernmentBody",
    }


def test_a_head_named_by_rank_and_one_name_among_namesakes(
    tmp_path: Path, registry: Registry
) -> None:
    """ "General Lee" is the MCM's General Lee Ho-jin, though a President Lee is named too."""
    facts = read(
        tmp_path,
        registry,
        "The two sides welcomed the summit of President Lee Jae-won and the U.S. President.",
        "They received a report from General Lee and Admiral Doe.",
        opening=(
            f"{OPENING} The day before, General Lee Ho-jin, Chairman of the ROK Joint Chiefs "
            "of Staff, and Admiral John Doe, Chairman of the U.S. Joint Chiefs of Staff, "
            "presided over the 54th Military Committee Meeting (MCM)."
        ),
    )
    assert named(facts, 3) == {"Lee Ho-jin": "Person", "John Doe": "Person"}
    assert named(facts, 2) == {"Lee Jae-won": "Person"}
