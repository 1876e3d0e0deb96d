"""Views of a built graph for people: the statements view, networks and their exports,
pictures, provenance traces, meeting comparisons and the scoring against gold."""
