"""scmgraph: a knowledge graph of alliance commitments from joint defence communiqués."""

__version__ = "0.1.0"
