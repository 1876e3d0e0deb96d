"""HTML of ``scmgraph serve``: Jinja2 templates shipped in the package, autoescaped.

Every page the server writes is a template under ``scmgraph/templates``; text
from the graph reaches HTML only through Jinja2's autoescaping, never through
string formatting. The filters here turn RDF terms into links: IRIs of this
dataset link to their page under ``/id/...``, other IRIs are shown (shortened
by the usual prefixes) and literals are shown as text.
"""

from __future__ import annotations

import functools
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from scmgraph import namespaces as ns

# The prefixes pages shorten IRIs with: the vocabularies, not the identifiers.
SHORT = ns.prefixes(
    "scm", "rdf", "rdfs", "skos", "dcterms", "prov", "nif", "org", "owl", "itsrdf", "xsd"
)
# Colours for speech-act classes, given out in the order of the classes' notations,
# so a new class in the registry gets a colour without code.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#86bcb6",
    "#d37295",
)


def short(iri: str) -> str:
    """``scm:Statement`` for the ontology's IRI, and so on; other IRIs unchanged."""
    return ns.curie(iri, SHORT)


def thread_path(statement_iri: str) -> str:
    """The page of the thread a statement starts: ``/threads/scm-52/p10/s2/1``."""
    return "/threads/" + statement_iri[len(ns.ID + "statement/") :]


def page_path(iri: str) -> str | None:
    """The server path of an IRI of this dataset (``/id/...``), None for others."""
    return "/id/" + iri[len(ns.ID) :] if iri.startswith(ns.ID) else None


def term_html(term: Any) -> Markup:
    """An RDF term as HTML: our IRIs link to their page, others shown, all escaped."""
    if term is None:
        return Markup("")
    if isinstance(term, ox.NamedNode):
        iri = term.value
        path = page_path(iri)
        if path is not None:
            return Markup('<a href="{}">{}</a>').format(path, iri)
        if iri.startswith(("http://", "https://")) and short(iri) == iri:
            return Markup('<a href="{}">{}</a>').format(iri, iri)
        return Markup("<code>{}</code>").format(short(iri))
    if isinstance(term, ox.Literal):
        if term.language:
            return Markup('{} <span class="muted">@{}</span>').format(term.value, term.language)
        return escape(term.value)
    if isinstance(term, ox.BlankNode):
        return Markup("<code>_:{}</code>").format(term.value)
    return escape(str(term))


def class_colours(notations: list[str]) -> dict[str, str]:
    """A colour per speech-act class notation, stable for a given set of classes."""
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(sorted(set(notations)))}


@functools.cache
def environment() -> Environment:
    """The template environment (one per process): autoescape on for every template."""
    env = Environment(
        loader=PackageLoader("scmgraph.server", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["term"] = term_html
    env.filters["short"] = short
    env.filters["page"] = page_path
    return env


def render(name: str, **context: Any) -> str:
    """The page ``name`` (a file in ``templates/``) rendered with ``context``."""
    return environment().get_template(name).render(**context)
