"""The ``scmgraph`` command line: every click command lives here."""
