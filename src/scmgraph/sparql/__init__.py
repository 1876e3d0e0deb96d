"""SPARQL: stored queries and their parameters, query inspection, result writing, and the
remote stores the graph is pushed to or queried in."""
