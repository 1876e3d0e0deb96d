"""The build: per-communiqué units (cached, on a process pool), the cross-document parts,
and the atomic publication of the graph, its store and its views."""
