"""Every way a built graph is opened: its store folder, a graph file, or an rdflib graph.

A built store is opened read-only; a graph file is read only in the syntaxes a
build writes (TriG, N-Quads, Turtle, N-Triples), never RDF/XML or JSON-LD.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from scmgraph.errors import InputError, QueryError
from scmgraph.rdf.validate import load_dataset


def open_store(path: Path) -> ox.Store:
    """Open the built on-disk store without writing to it."""
    if not path.exists():
        raise QueryError(f"{path}: no built store here (run `scmgraph build` first)")
    return ox.Store.read_only(str(path.resolve()))


def open_graph(path: Path) -> Graph | ox.Store:
    """A built store folder (read-only) or a graph file (TriG, N-Quads, Turtle)."""
    if Path(path).is_dir():
        return ox.Store.read_only(str(Path(path).resolve()))
    return load_dataset(path)


def open_source(source: Path | ox.Store) -> ox.Store:
    """The store to push: a built store folder, or a TriG / N-Quads file."""
    if isinstance(source, ox.Store):
        return source
    path = Path(source)
    if path.is_dir():
        return ox.Store.read_only(str(path.resolve()))
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such store or graph file")
    store = ox.Store()
    syntax = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    try:
        store.bulk_load(path=str(path), format=syntax)
    except SyntaxError as exc:
        raise InputError(path, f"not valid {syntax.name}: {exc}") from exc
    return store


def _ox_term(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


def load_store(graph_or_dataset: Graph | ox.Store) -> ox.Store:
    """An in-memory pyoxigraph store with the same quads (named graphs kept)."""
    if isinstance(graph_or_dataset, ox.Store):
        return graph_or_dataset
    store = ox.Store()
    quads: Iterable[tuple[Node, Node, Node, Node | None]]
    if isinstance(graph_or_dataset, Dataset):
        quads = graph_or_dataset.quads((None, None, None, None))
    else:
        quads = ((s, p, o, None) for s, p, o in graph_or_dataset)
    store.extend(
        ox.Quad(
            _ox_term(s),
            _ox_term(p),
            _ox_term(o),
            ox.DefaultGraph() if g is None or str(g) == "urn:x-rdflib:default" else _ox_term(g),
        )
        for s, p, o, g in quads
    )
    return store
