"""The read-only SPARQL endpoint and its pages: a pool of store workers behind a WSGI app."""
