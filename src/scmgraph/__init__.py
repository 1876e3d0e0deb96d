"""scmgraph: a knowledge graph of alliance commitments from joint defence communiqués."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scmgraph.version import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from scmgraph.api import KnowledgeGraph

__all__ = ["__version__", "load"]


def load(path: str | Path) -> KnowledgeGraph:
    """Open a built graph folder for notebooks: ``scmgraph.load("data/graph")``.

    See scmgraph.api; imported on first use so the command line starts fast.
    """
    from scmgraph.api import load as open_graph

    return open_graph(path)
