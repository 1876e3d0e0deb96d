"""A VoID and DCAT description of a built dataset, for catalogues and other knowledge bases.

The description says what the dataset holds (triples, entities, classes and
properties with their counts, one subset per named graph), where it came from
(the communiqué files with their SHA-256, the build), how to get it (one
distribution per published file) and where to query it (the SPARQL endpoint).
Every node has an IRI under ``id/dataset/`` and no date is recorded, so the same
dataset is always described by the same triples.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from scmgraph import namespaces as ns
from scmgraph.checksums import SPDX_ALGORITHM, file_hasher
from scmgraph.errors import InputError
from scmgraph.rdf.terms import GRAPH, ID, ONTOLOGY_IRI, PREFIXES, SCM, new_graph
from scmgraph.registry.files import default_data_dir, read_data

if TYPE_CHECKING:
    from scmgraph.rdf.build_info import BuildInfo

Triple = tuple[Any, Any, Any]
VOID = Namespace(ns.VOID)
SPDX = Namespace(ns.SPDX)
DCAT = Namespace(ns.DCAT)
DATASET = ID["dataset/scmgraph"]
MEDIA_TYPES = MappingProxyType(
    {
        "scmgraph.trig": "application/trig",
        "scmgraph.nq": "application/n-quads",
        "scmgraph.ttl": "text/turtle",
        "scmgraph.jsonld": "application/ld+json",
        "scmgraph.nt": "application/n-triples",
    }
)
_PUBLISHED = ("scmgraph.trig", "scmgraph.nq", "scmgraph.ttl", "scmgraph.jsonld")


@dataclass(frozen=True)
class About:
    """What a dataset says of itself, read from ``data/dataset.yaml``."""

    title: str
    description: str
    license: str
    endpoint: str

    @classmethod
    def load(cls, path: Path | None = None) -> About:
        source = Path(path or default_data_dir() / "dataset.yaml")
        data = read_data(source, "dataset description")
        try:
            return cls(*(str(data[key]) for key in ("title", "description", "license", "endpoint")))
        except KeyError as exc:
            raise InputError(source, f"not a dataset description (no {exc})") from exc


def rdf_term(term: Any) -> Any:
    """The rdflib term of a pyoxigraph term; None for the default graph."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else datatype)
    return None


def quads(source: Graph | ox.Store, subject: URIRef | None = None) -> Iterable[tuple[Any, ...]]:
    """``(s, p, o, graph or None)`` in rdflib terms, from a store or an rdflib graph.

    Read RDF from the rdflib dataset when there is one: pyoxigraph 0.5 stores
    xsd:nonNegativeInteger and xsd:positiveInteger literals as xsd:integer.
    """
    if isinstance(source, ox.Store):
        node = None if subject is None else ox.NamedNode(str(subject))
        for q in source.quads_for_pattern(node, None, None, None):
            yield (*(rdf_term(t) for t in (q.subject, q.predicate, q.object, q.graph_name)),)
    elif isinstance(source, Dataset):
        for s, p, o, g in source.quads((subject, None, None, None)):
            yield s, p, o, None if g is None or g == DATASET_DEFAULT_GRAPH_ID else g
    else:
        for s, p, o in source.triples((subject, None, None)):
            yield s, p, o, None


def _slug(iri: str) -> str:
    """``scm-Statement`` for a term of a known namespace, else a digest: an IRI segment."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local.replace("-", "").replace("_", "").isalnum():
            return f"{prefix}-{local}"
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


@dataclass(frozen=True)
class DatasetStats:
    """The counts a description gives, over the distinct triples of all graphs."""

    triples: int
    entities: int  # distinct subjects under id/
    subjects: int
    objects: int
    instances: Mapping[Any, int]  # class -> distinct instances
    properties: Mapping[Any, int]  # property -> distinct triples
    graphs: Mapping[Any, int]  # named graph -> triples
    sources: tuple[Any, ...]  # the communiqué files (objects of scm:sourceFile)
    source_triples: tuple[Triple, ...]  # their scm:sha256 and scm:fileName triples


def dataset_stats(dataset: Graph | ox.Store) -> DatasetStats:
    """Count what ``dataset`` holds, in memory (the build counts while it streams)."""
    graphs: dict[Any, set[Triple]] = defaultdict(set)
    for s_, p_, o_, name in quads(dataset):
        graphs[name].add((s_, p_, o_))
    triples = set().union(*graphs.values())
    instances: dict[Any, set[Any]] = defaultdict(set)
    for s_, _, o_ in (t for t in triples if t[1] == RDF.type):
        instances[o_].add(s_)
    subjects = {t[0] for t in triples}
    sources = {o for _, p, o in triples if p == SCM.sourceFile}
    return DatasetStats(
        triples=len(triples),
        entities=sum(str(x).startswith(str(ID)) for x in subjects),
        subjects=len(subjects),
        objects=len({t[2] for t in triples}),
        instances={cls: len(members) for cls, members in instances.items()},
        properties=Counter(p_ for _, p_, _ in triples),
        graphs={name: len(g) for name, g in graphs.items() if name is not None},
        sources=tuple(sorted(sources)),
        source_triples=tuple(
            sorted(t for t in triples if t[0] in sources and t[1] in (SCM.sha256, SCM.fileName))
        ),
    )


def describe_dataset(
    dataset: Graph | ox.Store,
    build_info: BuildInfo,
    *,
    files: Mapping[str, bytes] | None = None,
    about: About | None = None,
) -> Graph:
    """VoID + DCAT triples describing ``dataset`` as built by ``build_info``.

    ``files`` (published file name -> bytes) adds a byte size and checksum to each
    distribution; without it the four standard serialisations are listed.
    """
    sized = None if files is None else {n: file_facts(d) for n, d in files.items()}
    return describe_stats(dataset_stats(dataset), build_info, files=sized, about=about)


def file_facts(data: bytes) -> tuple[int, str]:
    """(byte size, checksum) of a published file (``scmgraph.checksums``)."""
    return len(data), file_hasher().update(data).hexdigest()


def describe_stats(
    stats: DatasetStats,
    build_info: BuildInfo,
    *,
    files: Mapping[str, tuple[int, str]] | None = None,
    about: About | None = None,
) -> Graph:
    """The description of a dataset from its counts; ``files``: name -> (size, checksum)."""
    about = about or About.load()
    endpoint = URIRef(about.endpoint)
    g = new_graph()
    g.bind("void", str(VOID))
    g.bind("dcat", str(DCAT))
    g.bind("spdx", str(SPDX))
    ds = DATASET
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(about.title, lang="en")))
    g.add((ds, DCTERMS.description, Literal(about.description, lang="en")))
    g.add((ds, DCTERMS.license, URIRef(about.license)))
    g.add((ds, DCTERMS.identifier, Literal(build_info.digest)))
    g.add((ds, DCAT.version, Literal(build_info.tool_version)))
    g.add((ds, OWL.versionInfo, Literal(build_info.tool_version)))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY_IRI))
    g.add((ds, PROV.wasGeneratedBy, build_info.iri))
    g.add((ds, VOID.uriSpace, Literal(str(ID))))
    g.add((ds, VOID.sparqlEndpoint, endpoint))
    instances, properties = stats.instances, stats.properties
    g.add((ds, VOID.triples, _int(stats.triples)))
    g.add((ds, VOID.entities, _int(stats.entities)))
    g.add((ds, VOID.distinctSubjects, _int(stats.subjects)))
    g.add((ds, VOID.distinctObjects, _int(stats.objects)))
    g.add((ds, VOID.properties, _int(len(properties))))
    g.add((ds, VOID.classes, _int(len(instances))))
    for cls in sorted(instances):
        node = URIRef(f"{ds}/class/{_slug(str(cls))}")
        g.add((ds, VOID.classPartition, node))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, VOID["class"], cls))
        g.add((node, VOID.entities, _int(instances[cls])))
    for prop in sorted(properties):
        node = URIRef(f"{ds}/property/{_slug(str(prop))}")
        g.add((ds, VOID.propertyPartition, node))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, VOID.property, prop))
        g.add((node, VOID.triples, _int(properties[prop])))
    for namespace in sorted({n for n in PREFIXES.values() for p in properties if p.startswith(n)}):
        g.add((ds, VOID.vocabulary, URIRef(namespace)))
    for name in sorted(stats.graphs):
        node = URIRef(f"{ds}/graph/{str(name).removeprefix(str(GRAPH))}")
        g.add((ds, VOID.subset, node))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, RDFS.label, Literal(f"named graph <{name}>")))
        g.add((node, DCTERMS.identifier, Literal(str(name))))
        g.add((node, VOID.triples, _int(stats.graphs[name])))
    _sources(g, stats)
    _distributions(g, files)
    service = URIRef(f"{ds}/sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("scmgraph SPARQL endpoint (scmgraph serve)", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    return g


def _sources(g: Graph, stats: DatasetStats) -> None:
    """The communiqué files the dataset was read from, with their SHA-256."""
    for triple in stats.source_triples:
        g.add(triple)
    for source in stats.sources:
        g.add((DATASET, DCTERMS.source, source))
        g.add((source, RDF.type, SCM.SourceFile))


def _distributions(g: Graph, files: Mapping[str, tuple[int, str]] | None) -> None:
    names = sorted(files) if files is not None else sorted(_PUBLISHED)
    for name in names:
        node = URIRef(f"{DATASET}/distribution/{name.rsplit('.', 1)[-1]}")
        media = MEDIA_TYPES.get(name)
        g.add((DATASET, DCAT.distribution, node))
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCTERMS.title, Literal(name)))
        if media:
            g.add(
                (
                    node,
                    DCAT.mediaType,
                    URIRef(f"https://www.iana.org/assignments/media-types/{media}"),
                )
            )
            g.add((node, DCTERMS["format"], Literal(media)))
        if files is not None:
            size, digest = files[name]
            g.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
            checksum = URIRef(f"{node}/checksum")
            g.add((node, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX[SPDX_ALGORITHM]))
            g.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
