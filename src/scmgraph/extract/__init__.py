"""Extraction: the facts of one communiqué (meeting, entities, statements, topics, deadlines)
and the threads that link statements across meetings."""
