"""Every namespace and prefix scmgraph writes or reads, in one place, as plain strings.

The RDF stage wraps them as rdflib namespaces (``scmgraph.rdf.terms``); the
SPARQL, server and view stages use the strings as they are. The IRIs under
``https://w3id.org/scmgraph/`` are stable: other knowledge bases link to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SCM = "https://w3id.org/scmgraph/ontology#"
ONTOLOGY = "https://w3id.org/scmgraph/ontology"
ID = "https://w3id.org/scmgraph/id/"
GRAPH = "https://w3id.org/scmgraph/graph/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
ORG = "http://www.w3.org/ns/org#"
VANN = "http://purl.org/vocab/vann/"
WIKIDATA = "http://www.wikidata.org/entity/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
DCAT = "http://www.w3.org/ns/dcat#"  # DCAT 3 (rdflib's DCAT lacks dcat:version)
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SH = "http://www.w3.org/ns/shacl#"
SCMSH = "https://w3id.org/scmgraph/shapes#"

# The prefixes of the graph, in the order its serialisations list them.
PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "scm": SCM,
        "id": ID,
        "prov": PROV,
        "org": ORG,
        "skos": SKOS,
        "dcterms": DCTERMS,
        "time": TIME,
        "nif": NIF,
        "itsrdf": ITSRDF,
        "foaf": FOAF,
        "owl": OWL,
        "rdf": RDF,
        "rdfs": RDFS,
        "xsd": XSD,
        "vann": VANN,
        "wd": WIKIDATA,
    }
)


def prefixes(*names: str) -> dict[str, str]:
    """The named prefixes, in the order given: ``prefixes("scm", "id")``."""
    return {name: PREFIXES[name] for name in names}


def sparql_prologue(*names: str) -> str:
    """``PREFIX`` lines for a query text.

    >>> print(sparql_prologue("scm"), end="")
    PREFIX scm: <https://w3id.org/scmgraph/ontology#>
    """
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


# The graph's prefixes and those of the shapes, for messages and pages about shapes.
SHAPE_PREFIXES: Mapping[str, str] = MappingProxyType({**PREFIXES, "sh": SH, "scmsh": SCMSH})


def curie(iri: str, known: Mapping[str, str] = PREFIXES) -> str:
    """``scm:Statement`` for an IRI under a known namespace (the longest that fits), else the IRI.

    >>> curie("https://w3id.org/scmgraph/id/meeting/scm-52")
    'id:meeting/scm-52'
    >>> curie("https://example.org/x"), curie(SCM)
    ('https://example.org/x', 'https://w3id.org/scmgraph/ontology#')
    """
    for prefix, namespace in sorted(known.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
