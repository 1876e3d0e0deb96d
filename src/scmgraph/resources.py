"""Where scmgraph finds the files it ships and the folders of the project it works on.

Shipped with the package (importlib.resources): ``data/`` (registry, reader
cues, discovery, threads, dataset description, JSON-LD context), ``queries/``,
``ontology/`` and ``shapes/``. The repository keeps one copy of each, in its
top-level folders; pyproject.toml maps them into the wheel as ``scmgraph/data``,
``scmgraph/queries``, ``scmgraph/ontology`` and ``scmgraph/shapes``. An editable
install does not see that mapping, so a package without them is a source
checkout and reads the checkout's folders instead.

A project's own folders never depend on where the package is installed: the
corpus and the built graph default to ``data/communiques`` and ``data/graph``
under the current folder (what ``make run`` uses in a checkout) and are chosen
with ``--corpus``/``--out``/``--store``; another registry is chosen with
``--registry`` or the ``SCMGRAPH_REGISTRY`` environment variable.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SHIPPED = ("data", "queries", "ontology", "shapes")
REGISTRY_VARIABLE = "SCMGRAPH_REGISTRY"
DEFAULT_CORPUS = Path("data") / "communiques"
DEFAULT_OUT = Path("data") / "graph"


def shipped(name: str) -> Path:
    """The shipped folder ``name`` (one of SHIPPED): package data, or the checkout's copy."""
    if name not in SHIPPED:
        raise ValueError(f"{name!r} is not shipped with scmgraph (shipped: {', '.join(SHIPPED)})")
    package = Path(str(files("scmgraph")))
    if (package / name).is_dir():
        return package / name
    checkout = package.parents[1] / name
    return checkout if checkout.is_dir() else package / name
