"""What a build read: its inputs and registry files, hashed into the build's name.

Every graph names the build it came from (``prov:wasGeneratedBy``), so this sits
below the conversion, the links and the dataset description that all use it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef

from scmgraph.model import SourceFile
from scmgraph.rdf.registry import registry_file_name
from scmgraph.rdf.terms import build_iri
from scmgraph.registry.load import Registry


@dataclass(frozen=True)
class BuildInfo:
    """What a build read, so its graph can say where every triple came from.

    ``timestamp`` (ISO 8601) is recorded only when the caller passes one: a build
    must not differ from another over the same inputs just because it ran later.
    """

    tool_version: str
    inputs: tuple[tuple[str, str], ...]  # (file name, sha256) of each communiqué
    registry_files: tuple[tuple[str, str], ...]  # (path under the data folder, sha256)
    timestamp: str | None = None

    @classmethod
    def from_inputs(
        cls,
        tool_version: str,
        sources: Iterable[SourceFile],
        registry: Registry,
        timestamp: str | None = None,
    ) -> BuildInfo:
        """Describe a build over ``sources``, hashing the registry files it reads."""
        inputs = sorted({(s.path.name, s.sha256) for s in sources})
        files = sorted(
            (registry_file_name(registry, p), hashlib.sha256(p.read_bytes()).hexdigest())
            for p in registry.files
        )
        return cls(tool_version, tuple(inputs), tuple(files), timestamp)

    @functools.cached_property
    def digest(self) -> str:
        """A short hash of everything read (not of the timestamp): the build's name,
        computed once (every node of a graph names it)."""
        payload = json.dumps(
            [self.tool_version, self.inputs, self.registry_files], separators=(",", ":")
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    @property
    def iri(self) -> URIRef:
        return build_iri(self.digest)

    @property
    def term(self) -> bytes:
        """The build's IRI as an N-Triples term, as the graphs' lines name it."""
        return f"<{self.iri}>".encode()

    def part(self, *names: str) -> BuildInfo:
        """The build of the inputs ``names`` within this build, in that order: one
        communiqué's names its nodes, a pair's (previous, current) their thread
        links, so neither changes when another communiqué does."""
        by_name = self._inputs_by_name
        inputs = tuple(item for name in names for item in by_name.get(name, ()))
        return BuildInfo(self.tool_version, inputs, self.registry_files, self.timestamp)

    @functools.cached_property
    def _inputs_by_name(self) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for item in self.inputs:
            found.setdefault(item[0], []).append(item)
        return found
