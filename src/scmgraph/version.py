"""The tool's version: it names every build, so the cache and the graphs can tell tools apart."""

__version__ = "0.1.0"
