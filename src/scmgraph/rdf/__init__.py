"""RDF: facts into triples (terms, conversion, links, provenance), serialisation, validation
against the shapes, and the description of the dataset and its ontology."""
