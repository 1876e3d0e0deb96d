"""The curated registries a corpus is read against: parties, posts, series, institutions, topics.

Everything above this package reads the genre through a :class:`~scmgraph.registry.load.Registry`,
so another alliance's statements need new registry files, not new code.
"""
