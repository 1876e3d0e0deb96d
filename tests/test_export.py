"""Exports, ontology docs and the dataset description, each re-read by an independent reader.

Expected counts come from SPARQL run by rdflib on the built TriG, not from the
pyoxigraph queries the exporters use; networks are read back with networkx and
pydot, validated against the published GraphML and GEXF schemas (fixtures under
tests/fixtures/xsd/), RDF is parsed back with rdflib and JSON-LD expanded with
pyld under a document loader that refuses the network.
"""

from __future__ import annotations

import csv
import json
import os
import struct
from pathlib import Path

import blake3
import networkx as nx
import pydot
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from lxml import etree
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from scmgraph.build.corpus import build
from scmgraph.cli.docs import docs_command
from scmgraph.cli.export import export_command
from scmgraph.rdf.build_info import BuildInfo
from scmgraph.rdf.describe import DATASET, describe_dataset
from scmgraph.rdf.docs import write_docs
from scmgraph.rdf.serialize import jsonld_context
from scmgraph.rdf.terms import PROVENANCE_GRAPH, default_ontology_path
from scmgraph.rdf.validate import load_dataset
from scmgraph.views.export import TABLES, export
from scmgraph.views.network import Filters, read_corpus
from scmgraph.views.picture import entity_figure
from scmgraph.views.projections import project

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
XSD_DIR = ROOT / "tests" / "fixtures" / "xsd"
SCM = "https://w3id.org/scmgraph/ontology#"
VOID = "http://rdfs.org/ns/void#"
PREFIXES = f"""
PREFIX scm: <{SCM}>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
PROJECTIONS = ("entities", "speakers", "threads")
ROLES = "{ ?st scm:speaker ?o BIND(1 AS ?role) } UNION { ?st scm:actor ?o BIND(2 AS ?role) }"
NETWORKS = ("graphml", "gexf", "cytoscape", "dot")
CFC = "https://w3id.org/scmgraph/id/org/combined-forces-command"
HUMPHREYS = "https://w3id.org/scmgraph/id/place/camp-humphreys"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graph")
    build(CORPUS, out)
    return out


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    return ox.Store.read_only(str((built / "store").resolve()))


@pytest.fixture(scope="module")
def dataset(built: Path) -> Dataset:
    ds = load_dataset(built / "scmgraph.trig")
    ds.default_union = True  # SPARQL over every named graph
    return ds


@pytest.fixture(scope="module")
def out(store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every network format of every projection, the tables, the picture."""
    folder = tmp_path_factory.mktemp("exports")
    for projection in PROJECTIONS:
        for fmt in NETWORKS:
            export(store, fmt, folder / f"{projection}.{fmt}", projection=projection)
    export(store, "csv", folder / "csv")
    export(store, "png", folder / "entities.png")
    return folder


def count(dataset: Dataset, where: str) -> int:
    """Rows of ``SELECT DISTINCT`` over ``where``: an independent count by rdflib."""
    rows = dataset.query(f"{PREFIXES} SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(next(iter(rows))[0])


def expected_sizes(dataset: Dataset) -> dict[str, tuple[int, int]]:
    statements = count(dataset, "SELECT DISTINCT ?st WHERE { ?st a scm:Statement }")
    entities = count(dataset, "SELECT DISTINCT ?e WHERE { ?st a scm:Statement ; scm:mentions ?e }")
    pairs = count(
        dataset,
        "SELECT DISTINCT ?a ?b WHERE { ?st a scm:Statement ; scm:mentions ?a, ?b "
        "FILTER(STR(?a) < STR(?b)) }",
    )
    agents = count(dataset, "SELECT DISTINCT ?a WHERE { ?st scm:speaker|scm:actor ?a }")
    roles = count(dataset, f"SELECT DISTINCT ?st ?o ?role WHERE {{ {ROLES} }}")
    mentions = count(dataset, "SELECT DISTINCT ?st ?e WHERE { ?st scm:mentions ?e }")
    links = count(dataset, "SELECT DISTINCT ?l WHERE { ?l a scm:ThreadLink }")
    return {
        "entities": (entities, pairs),
        "speakers": (statements + entities + agents, roles + mentions),
        "threads": (statements, links),
    }


def validator(schema: str) -> etree.XMLSchema:
    """A schema from the fixtures; imports of published URLs resolve to the fixtures."""

    class Fixtures(etree.Resolver):
        def resolve(self, url: str, pubid: str, context: object) -> object:
            name = url.rsplit("/", 1)[-1]
            folder = "graphml" if "graphml" in url or name == "xlink.xsd" else "gexf-1.2"
            return self.resolve_filename(str(XSD_DIR / folder / name), context)

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Fixtures())
    return etree.XMLSchema(etree.parse(str(XSD_DIR / schema), parser))


def no_network(url: str, options: object = None) -> object:
    raise AssertionError(f"JSON-LD processing tried to fetch {url}")


# --- networks --------------------------------------------------------------------------


@pytest.mark.parametrize("projection", PROJECTIONS)
def test_graphml_is_valid_and_sizes_match_sparql(
    out: Path, dataset: Dataset, projection: str
) -> None:
    path = out / f"{projection}.graphml"
    schema = validator("graphml/graphml.xsd")
    assert schema.validate(etree.parse(str(path))), schema.error_log
    graph = nx.read_graphml(path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == expected_sizes(dataset)[projection]
    for _, data in graph.nodes(data=True):
        assert {"label", "type", "category", "degree", "iri"} <= data.keys()


@pytest.mark.parametrize("projection", PROJECTIONS)
def test_gexf_is_valid_and_sizes_match_sparql(out: Path, dataset: Dataset, projection: str) -> None:
    path = out / f"{projection}.gexf"
    # networkx and Gephi write the 1.2draft namespace; the stored 1.2 schema is that
    # schema under its final namespace, so the document is checked under that name.
    text = path.read_bytes().replace(b"http://www.gexf.net/1.2draft", b"http://www.gexf.net/1.2")
    schema = validator("gexf-1.2/gexf.xsd")
    assert schema.validate(etree.fromstring(text)), schema.error_log
    graph = nx.read_gexf(path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == expected_sizes(dataset)[projection]


@pytest.mark.parametrize("projection", PROJECTIONS)
def test_cytoscape_elements_have_the_cytoscape_js_shape(
    out: Path, dataset: Dataset, projection: str
) -> None:
    document = json.loads((out / f"{projection}.cytoscape").read_text(encoding="utf-8"))
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    ids = [n["data"]["id"] for n in nodes]
    edge_ids = [e["data"]["id"] for e in edges]
    assert len(set(ids + edge_ids)) == len(ids) + len(edge_ids)
    assert all({e["data"]["source"], e["data"]["target"]} <= set(ids) for e in edges)
    for element in nodes + edges:
        assert set(element) == {"data"}
        assert all(type(v) in (str, int, float, bool) for v in element["data"].values())
    assert (len(nodes), len(edges)) == expected_sizes(dataset)[projection]


@pytest.mark.parametrize("projection", PROJECTIONS)
def test_dot_parses_with_pydot(out: Path, dataset: Dataset, projection: str) -> None:
    (graph,) = pydot.graph_from_dot_file(str(out / f"{projection}.dot"))
    nodes = [n for n in graph.get_nodes() if n.get_name() not in ("node", "graph", "edge")]
    assert (len(nodes), len(graph.get_edges())) == expected_sizes(dataset)[projection]


def test_entity_network_links_combined_forces_command_and_camp_humphreys(out: Path) -> None:
    graph = nx.read_graphml(out / "entities.graphml")
    key = {data["iri"]: node for node, data in graph.nodes(data=True)}
    edge = graph.edges[key[CFC], key[HUMPHREYS]]
    assert (edge["first_year"], edge["last_year"]) == (2020, 2021)
    assert edge["weight"] == len(edge["statements"].split())
    assert graph.nodes[key[CFC]]["label"] == "Combined Forces Command"


def test_threads_run_forward_in_time_with_a_kind(out: Path) -> None:
    graph = nx.read_graphml(out / "threads.graphml")
    kinds = {"repeated", "strengthened", "weakened", "changed", "fulfilled"}
    for u, v, data in graph.edges(data=True):
        assert graph.nodes[u]["meeting"] < graph.nodes[v]["meeting"]
        assert data["kind"] in kinds


def test_speaker_network_is_tripartite(out: Path) -> None:
    graph = nx.read_graphml(out / "speakers.graphml")
    for u, v in graph.edges:
        assert graph.nodes[v]["layer"] == graph.nodes[u]["layer"] + 1


def test_png_has_the_expected_size(out: Path) -> None:
    data = (out / "entities.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1600, 1200)


def test_png_labels_are_legible(store: ox.Store) -> None:
    """Every label of the picture lies inside it and clear of the other labels."""
    graph = project(read_corpus(store, Filters(None, None, None, None, None)), "entities")
    figure, boxes = entity_figure(graph, top=30)
    assert len(boxes) == 30
    labels = {key for key, _ in boxes}
    assert {"org:combined-forces-command", "place:korean-peninsula"} <= labels
    frame = figure.axes[0].get_window_extent(figure.canvas.get_renderer())
    for i, (key, box) in enumerate(boxes):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, key
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, key
        for other, second in boxes[i + 1 :]:
            assert not box.overlaps(second), (key, other)


def test_exports_are_byte_for_byte_reproducible(store: ox.Store, out: Path, tmp_path: Path) -> None:
    for name, fmt in (("entities.gexf", "gexf"), ("speakers.graphml", "graphml")):
        export(store, fmt, tmp_path / name, projection=name.split(".")[0])
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()
    export(store, "png", tmp_path / "entities.png")
    assert (tmp_path / "entities.png").read_bytes() == (out / "entities.png").read_bytes()


# --- tables ----------------------------------------------------------------------------


def test_csv_tables_have_headers_and_one_row_per_observation(out: Path, dataset: Dataset) -> None:
    expected = {
        "statements.csv": "SELECT DISTINCT ?st WHERE { ?st a scm:Statement }",
        "mentions.csv": "SELECT DISTINCT ?st ?e WHERE { ?st a scm:Statement ; scm:mentions ?e }",
        "entities.csv": "SELECT DISTINCT ?e WHERE { ?st a scm:Statement ; scm:mentions ?e }",
        "actors.csv": f"SELECT DISTINCT ?st ?o ?role WHERE {{ {ROLES} }}",
        "topics.csv": "SELECT DISTINCT ?st ?t WHERE { ?st a scm:Statement ; dcterms:subject ?t }",
        "threads.csv": "SELECT DISTINCT ?l WHERE { ?l a scm:ThreadLink }",
    }
    for name, where in expected.items():
        with open(out / "csv" / name, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == TABLES[name]
        assert len(rows) - 1 == count(dataset, where), name
        assert all(len(row) == len(rows[0]) for row in rows)


# --- filters ---------------------------------------------------------------------------


def test_meeting_filter_keeps_only_that_meetings_statements(
    store: ox.Store, dataset: Dataset, tmp_path: Path
) -> None:
    export(store, "csv", tmp_path, meeting=53)
    with open(tmp_path / "statements.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["meeting"] for row in rows} == {"53"}
    where = (
        "SELECT DISTINCT ?st WHERE { ?st a scm:Statement ; scm:sentence/nif:referenceContext ?c . "
        '?c scm:reportsMeeting/scm:ordinal ?n FILTER(STR(?n) = "53") }'
    )
    assert len(rows) == count(dataset, where)


def test_topic_filter_gives_a_subnetwork(store: ox.Store, out: Path, tmp_path: Path) -> None:
    export(store, "graphml", tmp_path / "opcon.graphml", topic="opcon")
    part, whole = (
        nx.read_graphml(tmp_path / "opcon.graphml"),
        nx.read_graphml(out / "entities.graphml"),
    )
    assert 0 < part.number_of_nodes() < whole.number_of_nodes()
    assert set(part.nodes) <= set(whole.nodes)
    assert {frozenset(e) for e in part.edges} <= {frozenset(e) for e in whole.edges}


def test_unknown_topic_is_an_error(store: ox.Store, tmp_path: Path) -> None:
    with pytest.raises(LookupError):
        export(store, "csv", tmp_path, topic="no-such-topic")


# --- RDF -------------------------------------------------------------------------------


def quads(ds: Dataset) -> set[tuple]:
    return {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}


def test_rdf_exports_hold_the_whole_graph(built: Path, tmp_path: Path) -> None:
    reference = load_dataset(built / "scmgraph.trig")
    triples = {q[:3] for q in quads(reference)}
    for fmt in ("trig", "ttl", "nt", "jsonld"):
        path = export(reference, fmt, tmp_path / f"all.{fmt}")[0]
        back = Dataset()
        back.parse(path, format={"ttl": "turtle", "jsonld": "json-ld"}.get(fmt, fmt))
        if fmt in ("trig", "jsonld"):
            assert quads(back) == quads(reference), fmt
        else:
            assert {q[:3] for q in quads(back)} == triples, fmt


def test_filtered_rdf_is_a_subset_about_the_selected_statements(
    built: Path, dataset: Dataset, tmp_path: Path
) -> None:
    reference = load_dataset(built / "scmgraph.trig")
    path = export(reference, "trig", tmp_path / "m53.trig", meeting=53)[0]
    part = Dataset()
    part.parse(path, format="trig")
    assert quads(part) <= quads(reference)
    statements = {q[0] for q in part.quads((None, RDF.type, URIRef(SCM + "Statement"), None))}
    assert statements and all("/scm-53/" in str(s) for s in statements)
    where = (
        "SELECT DISTINCT ?st WHERE { ?st a scm:Statement ; scm:sentence/nif:referenceContext ?c . "
        '?c scm:reportsMeeting/scm:ordinal ?n FILTER(STR(?n) = "53") }'
    )
    assert len(statements) == count(dataset, where)


def test_jsonld_expands_offline_and_matches_rdflib(built: Path, tmp_path: Path) -> None:
    reference = load_dataset(built / "scmgraph.trig")
    path = export(reference, "jsonld", tmp_path / "m53.jsonld", meeting=53)[0]
    document = json.loads(path.read_text(encoding="utf-8"))
    options = {"documentLoader": no_network}
    expanded = jsonld.expand(document, options)
    assert expanded
    nquads = jsonld.to_rdf(document, {**options, "format": "application/n-quads"})
    by_pyld, by_rdflib = Dataset(), Dataset()
    by_pyld.parse(data=nquads, format="nquads")
    by_rdflib.parse(path, format="json-ld")
    assert quads(by_pyld) == quads(by_rdflib)


def test_context_has_readable_keys_and_the_build_round_trips(built: Path) -> None:
    context = jsonld_context()
    for key in ("label", "Statement", "verb", "actor", "mentions", "topic", "sentence"):
        assert key in context
    assert context["beginIndex"]["@type"] == "xsd:nonNegativeInteger"
    assert context["mentions"]["@type"] == "@id"
    published = json.loads((built / "scmgraph.jsonld").read_text(encoding="utf-8"))
    assert published["@context"] == context
    back = Dataset()
    back.parse(built / "scmgraph.jsonld", format="json-ld")
    assert quads(back) == quads(load_dataset(built / "scmgraph.trig"))


def test_cli_exports_and_keeps_the_statements_subcommand(built: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--format", "cytoscape", "--out", str(tmp_path / "t.cyjs"), "--graph"]
    result = runner.invoke(export_command, [*args, str(built / "store"), "--projection", "threads"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "t.cyjs").read_text())["elements"]["nodes"]
    views = [
        "statements",
        "--out",
        str(tmp_path / "views"),
        "--graph",
        str(built / "scmgraph.trig"),
    ]
    result = runner.invoke(export_command, views)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "views").iterdir()) == [
        "052_scm_2020.json",
        "053_scm_2021.json",
    ]
    assert runner.invoke(export_command, []).exit_code == 2


# --- ontology documentation --------------------------------------------------------------


def test_docs_write_a_release_with_every_serialisation(tmp_path: Path) -> None:
    result = CliRunner().invoke(docs_command, ["--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    ontology = Graph().parse(default_ontology_path(), format="turtle")
    for release in ("0.1.0", "latest"):
        folder = tmp_path / "release" / release
        for ext, fmt in (("ttl", "turtle"), ("owl", "xml"), ("nt", "nt"), ("jsonld", "json-ld")):
            assert Graph().parse(folder / f"scmgraph.{ext}", format=fmt).isomorphic(ontology)
        page = (folder / "scmgraph.html").read_text(encoding="utf-8")
        for cls in ontology.subjects(RDF.type, OWL.Class):
            assert f'id="{str(cls).split("#")[-1]}"' in page
            assert str(ontology.value(cls, RDFS.label)) in page
    assert (
        write_docs(tmp_path)[0].read_bytes()
        == (tmp_path / "release/0.1.0/scmgraph.ttl").read_bytes()
    )


# --- dataset description -----------------------------------------------------------------


def test_describe_dataset_counts_agree_with_the_dataset(built: Path) -> None:
    ds = load_dataset(built / "scmgraph.trig")
    info = BuildInfo("0.1.0", (("052_scm_2020.txt", "x"),), ())
    files = {name: (built / name).read_bytes() for name in ("scmgraph.trig", "scmgraph.nq")}
    void = describe_dataset(ds, info, files=files)
    assert not any(isinstance(t, BNode) for triple in void for t in triple)
    assert void.serialize(format="nt") == describe_dataset(ds, info, files=files).serialize(
        format="nt"
    )
    v = {name: URIRef(VOID + name) for name in ("triples", "classes", "entities", "class")}
    triples = {q[:3] for q in quads(ds)}
    assert void.value(DATASET, v["triples"]).toPython() == len(triples)
    classes = {o for s, p, o in triples if p == RDF.type}
    assert void.value(DATASET, v["classes"]).toPython() == len(classes)
    for partition in void.objects(DATASET, URIRef(VOID + "classPartition")):
        cls = void.value(partition, v["class"])
        instances = {s for s, p, o in triples if p == RDF.type and o == cls}
        assert void.value(partition, v["entities"]).toPython() == len(instances)
    for partition in void.objects(DATASET, URIRef(VOID + "propertyPartition")):
        prop = void.value(partition, URIRef(VOID + "property"))
        assert void.value(partition, v["triples"]).toPython() == sum(
            1 for t in triples if t[1] == prop
        )
    for subset in void.objects(DATASET, URIRef(VOID + "subset")):
        graph = ds.graph(
            URIRef(str(void.value(subset, URIRef("http://purl.org/dc/terms/identifier"))))
        )
        assert void.value(subset, v["triples"]).toPython() == len(graph)
    provenance = ds.graph(PROVENANCE_GRAPH)
    sha = URIRef(SCM + "sha256")
    for source in void.objects(DATASET, URIRef("http://purl.org/dc/terms/source")):
        assert void.value(source, sha) in set(provenance.objects(None, sha))
    assert len(list(void.objects(DATASET, URIRef("http://www.w3.org/ns/dcat#distribution")))) == 2
    endpoint = URIRef("http://127.0.0.1:7878/sparql")  # data/dataset.yaml
    assert (None, URIRef("http://www.w3.org/ns/dcat#endpointURL"), endpoint) in void
    assert void.value(DATASET, URIRef(VOID + "sparqlEndpoint")) == endpoint
    assert Literal("0.1.0") in set(void.objects(DATASET, OWL.versionInfo))


def test_build_publishes_the_description_of_what_it_built(built: Path) -> None:
    void = Graph().parse(built / "void.ttl", format="turtle")
    triples = {q[:3] for q in quads(load_dataset(built / "scmgraph.trig"))}
    assert void.value(DATASET, URIRef(VOID + "triples")).toPython() == len(triples)
    distributions = {
        str(void.value(d, URIRef("http://purl.org/dc/terms/title"))): d
        for d in void.objects(DATASET, URIRef("http://www.w3.org/ns/dcat#distribution"))
    }
    assert sorted(distributions) == [
        "scmgraph.jsonld",
        "scmgraph.nq",
        "scmgraph.trig",
        "scmgraph.ttl",
    ]
    size = URIRef("http://www.w3.org/ns/dcat#byteSize")
    spdx = "http://spdx.org/rdf/terms#"
    for name, node in distributions.items():
        assert void.value(node, size).toPython() == (built / name).stat().st_size
        # each file's BLAKE3 (what `b3sum` prints), named as SPDX names the algorithm
        checksum = void.value(node, URIRef(spdx + "checksum"))
        algorithm = void.value(checksum, URIRef(spdx + "algorithm"))
        assert algorithm == URIRef(spdx + "checksumAlgorithm_blake3")
        value = str(void.value(checksum, URIRef(spdx + "checksumValue")))
        assert value == blake3.blake3((built / name).read_bytes()).hexdigest()
    sources = {
        str(void.value(s, URIRef(SCM + "fileName")))
        for s in void.objects(DATASET, URIRef("http://purl.org/dc/terms/source"))
    }
    assert sources == {"052_scm_2020.txt", "053_scm_2021.txt"}


def test_exports_do_not_depend_on_the_hash_seed(built: Path, tmp_path: Path) -> None:
    """Sets iterate in hash order: two interpreters with other seeds must agree byte for byte."""
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path; from scmgraph.views.export import export; "
        "from scmgraph.rdf.validate import load_dataset; "
        "ds = load_dataset(Path(sys.argv[1])); out = Path(sys.argv[2]); "
        "[export(ds, f, out / f'entities.{f}') for f in ('png', 'gexf', 'cytoscape', 'dot')]; "
        "export(ds, 'graphml', out / 'speakers.graphml', projection='speakers'); "
        "export(ds, 'csv', out / 'csv')"
    )
    folders = []
    for seed in ("1", "2"):
        folder = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        args = [sys.executable, "-c", script, str(built / "scmgraph.trig"), str(folder)]
        subprocess.run(args, check=True, env=env)
        folders.append(folder)
    names = sorted(p.relative_to(folders[0]) for p in folders[0].rglob("*") if p.is_file())
    assert len(names) == 11
    for name in names:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name
