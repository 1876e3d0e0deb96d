"""Tests for the RDF stage: to_rdf, the ontology, the SHACL shapes and the view.

The facts are made by hand (a short invented communiqué) so that every IRI,
offset and view field can be asserted exactly, independently of the extractor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from scmgraph.model import (
    Deadline,
    Document,
    Entity,
    Facts,
    Holding,
    MeetingFacts,
    Mention,
    Official,
    Paragraph,
    Sentence,
    SourceFile,
    Statement,
    StatementRef,
    ThreadLink,
)
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.convert import build_dataset, communique_graph
from scmgraph.rdf.terms import SCM, default_ontology_path
from scmgraph.rdf.validate import validate
from scmgraph.registry.load import Registry, load_registry
from scmgraph.views.names import display_name
from scmgraph.views.statements import statements_view, write_views

ID = "https://w3id.org/scmgraph/id/"
G = "https://w3id.org/scmgraph/graph/"
SCM_NS = "https://w3id.org/scmgraph/ontology#"
NON_NEGATIVE = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")

TITLE = "JOINT COMMUNIQUE OF THE 99TH SECURITY CONSULTATIVE MEETING"
P1 = (
    "The 99th Security Consultative Meeting was held in Seoul on March 3, 2030.",
    "Secretary of Defense Jane Q. Doe and Minister of National Defense Kim Min-su of the ROK "
    "led their delegations.",
)
P2 = (
    "The Secretary and the Minister reaffirmed the role of Combined Forces Command (CFC) and "
    "pledged to complete its relocation to Camp Humphreys by the end of 2031.",
    "The Minister noted that the CFC remains vital.",
)
TEXT = f"{TITLE}\n\n1. {' '.join(P1)}\n\n2. {' '.join(P2)}\n"


def at(text: str, after: int = 0) -> tuple[int, int]:
    """Offsets of ``text`` in the source, searching from ``after``."""
    begin = TEXT.index(text, after)
    return begin, begin + len(text)


def sentence(paragraph: int, number: int, text: str) -> Sentence:
    return Sentence(paragraph, number, *at(text), text)


def paragraph(number: int, texts: tuple[str, ...]) -> Paragraph:
    sentences = tuple(sentence(number, i, t) for i, t in enumerate(texts, start=1))
    return Paragraph(number, sentences[0].begin, sentences[-1].end, sentences)


def mention(key: str, par: int, num: int, surface: str, after: int = 0) -> Mention:
    return Mention(key, par, num, *at(surface, after), surface)


def make_facts(ordinal: int = 99, date: dt.date = dt.date(2030, 3, 3)) -> Facts:
    name = f"{ordinal:03d}_scm_{date.year}"
    source = SourceFile(
        path=Path(f"corpus/{name}.txt"),
        name=name,
        media_type="text/plain",
        sha256=hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
        text=TEXT,
    )
    document = Document(source, TITLE, (paragraph(1, P1), paragraph(2, P2)))
    heads = (
        Official("Jane Q. Doe", "Secretary of Defense", "US"),
        Official("Kim Min-su", "Minister of National Defense", "ROK"),
    )
    mcm = MeetingFacts(
        "MCM",
        ordinal - 11,
        date - dt.timedelta(days=1),
        None,
        (Official("John Roe", "Chairman of the Joint Chiefs of Staff", "US", "General"),),
    )
    meeting = MeetingFacts("SCM", ordinal, date, "Seoul", heads, (mcm,))
    entities = (
        Entity("camp-humphreys", "Camp Humphreys", "Place", curated=True),
        Entity(
            "combined-forces-command",
            "Combined Forces Command",
            "MilitaryCommand",
            "CFC",
            curated=True,
        ),
        Entity("jane-q-doe", "Jane Q. Doe", "Person"),
        Entity("kim-min-su", "Kim Min-su", "Person"),
        Entity("republic-of-korea", "Republic of Korea", "State", "ROK", "Q884", True),
        Entity("seoul", "Seoul", "Place", wikidata="Q8684", curated=True),
    )
    p2 = document.paragraphs[1].begin
    mentions = (
        mention("seoul", 1, 1, "Seoul"),
        mention("jane-q-doe", 1, 2, "Jane Q. Doe"),
        mention("kim-min-su", 1, 2, "Kim Min-su"),
        mention("republic-of-korea", 1, 2, "ROK"),
        mention("combined-forces-command", 2, 1, "Combined Forces Command"),
        mention("combined-forces-command", 2, 1, "CFC", p2),
        mention("camp-humphreys", 2, 1, "Camp Humphreys"),
        mention("combined-forces-command", 2, 2, "CFC", TEXT.index(P2[1])),
    )
    deadline_begin, deadline_end = at("by the end of 2031")
    both = ("ROK", "US")
    statements = (
        Statement(
            2,
            1,
            1,
            "reaffirm",
            "reaffirmation",
            both,
            ("jane-q-doe", "kim-min-su"),
            P2[0],
            *at("reaffirmed"),
            ("combined-forces-command", "camp-humphreys"),
            ("alliance",),
            None,
            "subject-verb",
        ),
        Statement(
            2,
            1,
            2,
            "pledge",
            "commitment",
            both,
            ("jane-q-doe", "kim-min-su"),
            P2[0],
            *at("pledged"),
            ("combined-forces-command", "camp-humphreys"),
            ("stationing", "opcon"),
            Deadline("by the end of 2031", 2031, deadline_begin, deadline_end),
            "coordinated-verb",
        ),
        Statement(
            2,
            2,
            1,
            "note",
            "assessment",
            ("ROK",),
            ("kim-min-su",),
            P2[1],
            *at("noted"),
            ("combined-forces-command",),
            ("alliance",),
            None,
            "subject-verb",
        ),
    )
    holdings = (
        Holding("jane-q-doe", "us-secretary-of-defense", "US", date),
        Holding("kim-min-su", "rok-minister-of-national-defense", "ROK", date),
        Holding("john-roe", "us-chairman-of-the-joint-chiefs-of-staff", "US", mcm.date),
    )
    return Facts(document, meeting, entities, mentions, statements, holdings)


EXPECTED_VIEW = {
    "document": "099_scm_2030",
    "meeting": {
        "series": "SCM",
        "ordinal": 99,
        "date": "2030-03-03",
        "city": "Seoul",
        "heads": [
            {"name": "Jane Q. Doe", "post": "Secretary of Defense", "party": "US"},
            {"name": "Kim Min-su", "post": "Minister of National Defense", "party": "ROK"},
        ],
        "associated": [
            {
                "series": "MCM",
                "ordinal": 88,
                "date": "2030-03-02",
                "heads": [
                    {
                        "name": "John Roe",
                        "post": "Chairman of the Joint Chiefs of Staff",
                        "party": "US",
                    }
                ],
            }
        ],
    },
    "entities": [
        {"name": "Jane Q. Doe", "acronym": None, "type": "Person"},
        {"name": "Kim Min-su", "acronym": None, "type": "Person"},
        {"name": "Republic of Korea", "acronym": "ROK", "type": "State"},
        {"name": "Combined Forces Command", "acronym": "CFC", "type": "MilitaryCommand"},
        {"name": "Camp Humphreys", "acronym": None, "type": "Place"},
        {"name": "Seoul", "acronym": None, "type": "Place"},
    ],
    "statements": [
        {
            "paragraph": 2,
            "verb": "reaffirm",
            "class": "reaffirmation",
            "actors": ["ROK", "US"],
            "text": P2[0],
            "mentions": ["Combined Forces Command", "Camp Humphreys"],
            "topics": ["alliance"],
            "deadline": None,
        },
        {
            "paragraph": 2,
            "verb": "pledge",
            "class": "commitment",
            "actors": ["ROK", "US"],
            "text": P2[0],
            "mentions": ["Combined Forces Command", "Camp Humphreys"],
            "topics": ["stationing", "opcon"],
            "deadline": {"text": "by the end of 2031", "year": 2031},
        },
        {
            "paragraph": 2,
            "verb": "note",
            "class": "assessment",
            "actors": ["ROK"],
            "text": P2[1],
            "mentions": ["Combined Forces Command"],
            "topics": ["alliance"],
            "deadline": None,
        },
    ],
    "threads": [],
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


THREAD = ThreadLink(
    previous=StatementRef("099_scm_2030", 2, 1, 2),
    current=StatementRef("100_scm_2031", 2, 1, 2),
    kind="repeated",
    similarity=1.0,
    shared_entities=("combined-forces-command", "camp-humphreys"),
    shared_topics=("stationing", "opcon"),
    label="CFC relocation to Camp Humphreys",
)


def make_dataset(registry: Registry) -> Dataset:
    all_facts = [make_facts(), make_facts(100, dt.date(2031, 3, 5))]
    build = BuildInfo.from_inputs("0.1.0", [f.document.source for f in all_facts], registry)
    return build_dataset(all_facts, registry, build, threads=[THREAD])


@pytest.fixture(scope="module")
def dataset(registry: Registry) -> Dataset:
    return make_dataset(registry)


def ask(dataset: Dataset, graph: str, pattern: str) -> bool:
    """ASK ``pattern`` in one named graph; ``id:a/b`` is shorthand for the full IRI."""
    pattern = re.sub(r"id:([\w/-]+(?:\.[\w/-]+)*)", lambda m: f"<{ID}{m[1]}>", pattern)
    query = f"""
        PREFIX scm: <{SCM_NS}>
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
        PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX time: <http://www.w3.org/2006/time#> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        ASK {{ GRAPH <{G}{graph}> {{ {pattern} }} }}"""
    return bool(dataset.query(query).askAnswer)


# --- the dataset -------------------------------------------------------------------


def test_named_graphs(dataset: Dataset) -> None:
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    registries = {
        f"{G}registry/{n}"
        for n in ("entities", "parties", "people", "topics", "verb-classes", "verbs")
    }
    assert names == {
        f"{G}communique/scm-99",
        f"{G}communique/scm-100",
        f"{G}ontology",
        f"{G}links",
        f"{G}provenance",
        *registries,
    }
    assert len(dataset.default_graph) == 0


def test_communique_meeting_and_heads(dataset: Dataset) -> None:
    assert ask(
        dataset,
        "communique/scm-99",
        """
        id:communique/scm-99 a scm:Communique, nif:Context ;
            scm:reportsMeeting id:meeting/scm-99 ; scm:sourceFile id:source/099_scm_2030 ;
            scm:hasParagraph id:communique/scm-99/p1, id:communique/scm-99/p2 .
        id:source/099_scm_2030 scm:fileName "099_scm_2030.txt" ; scm:sha256 ?sha .
        id:meeting/scm-99 scm:series id:meeting-series/scm ;
            scm:ordinal "99"^^xsd:positiveInteger ; dcterms:date "2030-03-03"^^xsd:date ;
            prov:atLocation id:place/seoul ; scm:associatedMeeting id:meeting/mcm-88 ;
            scm:delegationHead id:meeting/scm-99/head/1 .
        id:meeting/scm-99/head/1 scm:position "1"^^xsd:positiveInteger ;
            scm:nameAsWritten "Jane Q. Doe" ; scm:person id:person/jane-q-doe ;
            scm:post id:post/us-secretary-of-defense ; scm:party id:org/united-states .
        id:post/us-secretary-of-defense org:postIn id:org/united-states .
        id:meeting/mcm-88/head/1 scm:militaryRank "General" .""",
    )


def test_statement_triples(dataset: Dataset) -> None:
    assert ask(
        dataset,
        "communique/scm-99",
        """
        id:statement/scm-99/p2/s1/2 a scm:Statement ;
            scm:sentence id:communique/scm-99/p2/s1 ;
            prov:wasDerivedFrom id:communique/scm-99/p2/s1 ; prov:wasGeneratedBy ?build ;
            scm:verbLemma "pledge" ; scm:verb id:verb/pledge ;
            scm:speechActClass id:verb-class/commitment ;
            scm:actor id:org/united-states, id:org/republic-of-korea ;
            scm:speaker id:person/jane-q-doe ;
            scm:mentions id:org/combined-forces-command, id:place/camp-humphreys ;
            dcterms:subject id:topic/stationing, id:topic/opcon ;
            scm:clauseIndex "2"^^xsd:positiveInteger ; scm:extractionRule "coordinated-verb" ;
            scm:deadline id:statement/scm-99/p2/s1/2/deadline .
        id:statement/scm-99/p2/s1/2/topic/1 scm:topic id:topic/stationing ;
            scm:topicRank "1"^^xsd:positiveInteger .
        id:statement/scm-99/p2/s1/2/deadline a scm:Deadline ;
            scm:deadlineText "by the end of 2031" ; scm:deadlineYear "2031"^^xsd:gYear .
        id:org/united-states scm:partyCode "US" .""",
    )
    graph = dataset.graph(URIRef(f"{G}communique/scm-99"))
    build = graph.value(
        URIRef(f"{ID}statement/scm-99/p2/s1/2"), URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")
    )
    assert str(build).startswith(f"{ID}build/")


def test_nif_offsets_point_into_the_source(dataset: Dataset) -> None:
    graph = dataset.graph(URIRef(f"{G}communique/scm-99"))
    rows = graph.query(f"""
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        SELECT ?node ?begin ?end ?anchor WHERE {{
            ?node nif:referenceContext <{ID}communique/scm-99> ;
                  nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?anchor }}""")
    checked = 0
    for node, begin, end, anchor in rows:
        assert TEXT[int(begin) : int(end)] == str(anchor), node
        assert begin.datatype == NON_NEGATIVE
        checked += 1
    assert checked == 4 + 8 + 3 + 1  # sentences, mentions, verbs, deadline
    mention = URIRef(f"{ID}communique/scm-99/p2/s1/m/{TEXT.index('Combined Forces')}")
    itsrdf = "http://www.w3.org/2005/11/its/rdf#taIdentRef"
    assert graph.value(mention, URIRef(itsrdf)) == URIRef(f"{ID}org/combined-forces-command")
    assert graph.value(mention, RDF.type) == URIRef(
        "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Phrase"
    )


def test_entities_typed_and_labelled(dataset: Dataset) -> None:
    assert ask(
        dataset,
        "communique/scm-99",
        """
        id:org/combined-forces-command a scm:MilitaryCommand ;
            rdfs:label "Combined Forces Command" ; skos:prefLabel "Combined Forces Command" ;
            scm:acronym "CFC" ; scm:curated true .
        id:place/seoul a scm:Place ; skos:exactMatch <http://www.wikidata.org/entity/Q8684> .
        id:person/jane-q-doe a scm:Person ; rdfs:label "Jane Q. Doe" ; scm:curated false .
        id:org/republic-of-korea a scm:State, scm:Party ; scm:partyCode "ROK" .""",
    )


def test_links_memberships_over_time(dataset: Dataset) -> None:
    assert ask(
        dataset,
        "links",
        """
        ?m a org:Membership ; org:member id:person/jane-q-doe ;
           org:organization id:org/united-states ; scm:post id:post/us-secretary-of-defense ;
           org:memberDuring ?i .
        ?i time:hasBeginning/time:inXSDDate "2030-03-03"^^xsd:date ;
           time:hasEnd/time:inXSDDate "2031-03-05"^^xsd:date .
        id:org/combined-forces-command dcterms:isReferencedBy id:communique/scm-99,
            id:communique/scm-100 .""",
    )


def test_thread_links(dataset: Dataset) -> None:
    assert ask(
        dataset,
        "links",
        """
        id:statement/scm-100/p2/s1/2 scm:carriesForward id:statement/scm-99/p2/s1/2 .
        id:thread-link/scm-100/p2/s1/2 a scm:ThreadLink ;
            scm:currentStatement id:statement/scm-100/p2/s1/2 ;
            scm:previousStatement id:statement/scm-99/p2/s1/2 ;
            scm:threadKind "repeated" ; scm:wordingSimilarity 1.000 ;
            scm:sharedEntity id:place/camp-humphreys ; dcterms:subject id:topic/opcon .""",
    )
    later = statements_view(dataset, "100_scm_2031")
    assert later["threads"] == [
        {
            "thread": "CFC relocation to Camp Humphreys",
            "previous": {"document": "099_scm_2030", "paragraphs": [2]},
            "paragraphs": [2],
        }
    ]
    assert later["statements"] == EXPECTED_VIEW["statements"]


def test_registry_graphs(dataset: Dataset) -> None:
    assert ask(
        dataset,
        "registry/topics",
        """
        id:topic/opcon a skos:Concept, scm:Topic ; skos:inScheme id:scheme/topics ;
            skos:notation "opcon" ; skos:definition ?d .
        id:scheme/topics a skos:ConceptScheme .""",
    )
    assert ask(
        dataset,
        "registry/verb-classes",
        """
        id:verb-class/commitment a scm:VerbClass ; skos:inScheme id:scheme/verb-classes ;
            skos:closeMatch id:cameo/030, id:plover/AGREE .
        id:cameo/030 skos:notation "030" ; skos:inScheme id:scheme/cameo .""",
    )
    assert ask(
        dataset,
        "registry/verbs",
        """
        id:verb/pledge a scm:ReportingVerb ; scm:defaultVerbClass id:verb-class/commitment ;
            scm:verbForm "pledged" .""",
    )


def test_provenance_without_wall_clock(dataset: Dataset, registry: Registry) -> None:
    prov = dataset.graph(URIRef(f"{G}provenance"))
    assert not any(p == URIRef("http://www.w3.org/ns/prov#startedAtTime") for _, p, _ in prov)
    assert ask(
        dataset,
        "provenance",
        """
        ?b a scm:BuildActivity ; scm:toolVersion "0.1.0" ; prov:used id:source/099_scm_2030,
            id:source/registry/verbs.yaml .
        id:source/099_scm_2030 scm:sha256 ?sha .""",
    )
    facts = make_facts()
    stamped = BuildInfo.from_inputs(
        "0.1.0", [facts.document.source], registry, timestamp="2030-03-03T00:00:00Z"
    )
    plain = dataclasses.replace(stamped, timestamp=None)
    assert stamped.digest == plain.digest  # the name of a build is the hash of its inputs


def test_no_blank_nodes(dataset: Dataset) -> None:
    for quad in dataset.quads((None, None, None, None)):
        assert not any(isinstance(term, BNode) for term in quad[:3]), quad


def trig_digest() -> str:
    """SHA-256 of the TriG of a fresh build (called in subprocesses too)."""
    data = make_dataset(load_registry()).serialize(format="trig", encoding="utf-8")
    return hashlib.sha256(data).hexdigest()


def test_builds_are_byte_identical(dataset: Dataset, registry: Registry) -> None:
    first = dataset.serialize(format="trig", encoding="utf-8")
    assert make_dataset(registry).serialize(format="trig", encoding="utf-8") == first
    code = (
        "import importlib.util, sys; "
        f"spec = importlib.util.spec_from_file_location('t', {str(Path(__file__))!r}); "
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
        "print(m.trig_digest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(first).hexdigest()}


def test_slug_falls_back_to_file_name(registry: Registry) -> None:
    facts = make_facts()
    unknown = dataclasses.replace(facts, meeting=dataclasses.replace(facts.meeting, ordinal=None))
    build = BuildInfo.from_inputs("0.1.0", [facts.document.source], registry)
    graph = communique_graph(unknown, registry, build)
    assert graph.identifier == URIRef(f"{G}communique/099-scm-2030")
    assert (URIRef(f"{ID}communique/099-scm-2030"), RDF.type, SCM.Communique) in graph


# --- SHACL -------------------------------------------------------------------------


def test_shacl_conforms(dataset: Dataset) -> None:
    result = validate(dataset)
    assert result.conforms, result.render()
    assert result.render() == "SHACL validation: conforms"


def test_shacl_rejects_broken_graph(registry: Registry) -> None:
    broken = make_dataset(registry)
    statement = URIRef(f"{ID}statement/scm-99/p2/s2/1")
    entity = URIRef(f"{ID}place/camp-humphreys")
    for graph in broken.graphs():
        graph.remove((statement, SCM.sentence, None))
        graph.remove((entity, RDFS.label, None))
    broken.graph(URIRef(f"{G}ontology")).remove((SCM.deadlineYear, SKOS.definition, None))
    result = validate(broken)
    assert not result.conforms
    found = {(v.focus, v.path) for v in result.violations}
    assert ("id:statement/scm-99/p2/s2/1", "scm:sentence") in found
    assert ("id:place/camp-humphreys", "rdfs:label") in found
    assert ("scm:deadlineYear", "skos:definition") in found
    assert "id:statement/scm-99/p2/s2/1  scm:sentence  a statement is reported by" in (
        result.render()
    )


def test_shacl_checks_offsets_and_topics(registry: Registry) -> None:
    broken = make_dataset(registry)
    graph = broken.graph(URIRef(f"{G}communique/scm-99"))
    nif = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
    sentence = URIRef(f"{ID}communique/scm-99/p2/s2")
    graph.set((sentence, URIRef(f"{nif}endIndex"), Literal(0, datatype=NON_NEGATIVE)))
    statement = URIRef(f"{ID}statement/scm-99/p2/s2/1")
    for topic in ("dprk", "wmd", "global"):
        graph.add(
            (statement, URIRef("http://purl.org/dc/terms/subject"), URIRef(f"{ID}topic/{topic}"))
        )
    focus = {(v.focus, v.path) for v in validate(broken).violations}
    assert ("id:communique/scm-99/p2/s2", "nif:beginIndex") in focus
    assert ("id:statement/scm-99/p2/s2/1", "dcterms:subject") in focus


# --- the statements view ------------------------------------------------------------


def test_view_reproduces_the_facts(dataset: Dataset) -> None:
    assert statements_view(dataset, "099_scm_2030") == EXPECTED_VIEW
    assert statements_view(dataset, f"{ID}communique/scm-99") == EXPECTED_VIEW
    with pytest.raises(KeyError):
        statements_view(dataset, "no_such_document")


def test_view_from_a_single_graph(dataset: Dataset) -> None:
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    # all graphs merged (a Turtle export): queries still keep to one communiqué
    assert statements_view(union, "099_scm_2030") == EXPECTED_VIEW
    # one communiqué's graph suffices: ids fall back to the IRI when registries are absent
    single = dataset.graph(URIRef(f"{G}communique/scm-99"))
    assert statements_view(single, "scm-99") == EXPECTED_VIEW


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("U.S.-ROK Alliance", "Alliance"),
        ("the ROK-U.S. Integrated Defense Dialogue", "Integrated Defense Dialogue"),
        ("21-1 Combined Command Post Training", "Combined Command Post Training"),
        ("2018 Comprehensive Military Agreement", "Comprehensive Military Agreement"),
        ("May 2021 Joint Statement", "May 2021 Joint Statement"),
        ("the", "the"),
    ],
)
def test_view_names_drop_qualifiers(surface: str, name: str) -> None:
    from scmgraph.rdf.convert import registry_graphs
    from scmgraph.rdf.store import load_store
    from scmgraph.views.statements import qualifier_pattern

    parties = Graph()  # the registry graphs: the parties and their acronyms
    for graph in registry_graphs(load_registry()).values():
        for triple in graph:
            parties.add(triple)
    assert display_name(surface, qualifier_pattern(load_store(parties))) == name


def test_write_views(dataset: Dataset, tmp_path: Path) -> None:
    written = write_views(dataset, tmp_path)
    assert [p.name for p in written] == ["099_scm_2030.json", "100_scm_2031.json"]
    text = written[0].read_text(encoding="utf-8")
    assert json.loads(text) == EXPECTED_VIEW
    assert text.startswith('{\n  "document": "099_scm_2030"')
    assert not list(tmp_path.glob("*.tmp"))


# --- the ontology -------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(default_ontology_path(), format="turtle")


def test_ontology_metadata(ontology: Graph) -> None:
    iri = URIRef("https://w3id.org/scmgraph/ontology")
    assert (iri, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(iri, OWL.versionIRI) == URIRef("https://w3id.org/scmgraph/ontology/0.1.0")
    assert ontology.value(iri, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(ontology.value(iri, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"))) == (
        SCM_NS
    )
    assert not any(isinstance(t, BNode) for triple in ontology for t in triple)


def test_every_scm_term_is_labelled_and_defined(ontology: Graph) -> None:
    terms = {
        s
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in ontology.subjects(RDF.type, kind)
        if str(s).startswith(SCM_NS)
    }
    assert len(terms) > 60
    for term in terms:
        assert ontology.value(term, RDFS.label), term
        assert ontology.value(term, SKOS.definition), term
        assert ontology.value(term, RDFS.isDefinedBy) == URIRef(
            "https://w3id.org/scmgraph/ontology"
        ), term


def test_every_scm_term_used_is_declared(dataset: Dataset, ontology: Graph) -> None:
    declared = set(ontology.subjects(RDF.type, None))
    used = {
        t
        for s, p, o, _ in dataset.quads((None, None, None, None))
        for t in (p, o)
        if isinstance(t, URIRef) and str(t).startswith(SCM_NS)
    }
    assert used - declared == set()


def test_ontology_without_definition_is_rejected(tmp_path: Path) -> None:
    text = default_ontology_path().read_text(encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        text.replace("owl:versionIRI <https://w3id.org/scmgraph/ontology/0.1.0> ;", "")
        + '\nscm:Orphan a owl:Class ; rdfs:label "orphan"@en .\n',
        encoding="utf-8",
    )
    result = validate(Graph(), ontology_path=broken)
    found = {(v.focus, v.path) for v in result.violations}
    assert ("scm:Orphan", "skos:definition") in found
    assert ("https://w3id.org/scmgraph/ontology", "owl:versionIRI") in found
