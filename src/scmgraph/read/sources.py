"""The provenance file of a corpus folder: where each communiqué was taken from.

``scmgraph add`` records, beside the files it stores, the URL or path each one
came from, when it was retrieved, the SHA-256 of the bytes stored and the content
type they were served with. The build reads that record back, never the clock,
so two builds of one corpus are the same bytes however far apart they run. A
record whose digest is not the file's (the file was edited since) is left out of
the graph, with a warning: it no longer says where these bytes came from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from scmgraph.errors import InputError
from scmgraph.model import Origin
from scmgraph.registry.files import read_data

SOURCES_FILE = "sources.yaml"
_FIELDS = ("source", "retrieved", "sha256", "content_type")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEADER = (
    "# Where the communiqués of this folder were taken from, written by `scmgraph add`:\n"
    "# the URL or file, when it was retrieved (UTC), the SHA-256 of the bytes stored\n"
    "# and the content type they were served with. The build reads it for the graph's\n"
    "# provenance (prov:wasDerivedFrom, prov:generatedAtTime).\n"
)


def sources_path(folder: Path) -> Path:
    return Path(folder) / SOURCES_FILE


def utc_stamp(moment: dt.datetime) -> str:
    """``2026-01-31T09:30:00Z``: the form every record keeps (seconds, UTC)."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_sources(folder: Path) -> dict[str, Origin]:
    """File name -> origin, from the folder's provenance file (none: an empty mapping)."""
    path = sources_path(folder)
    if not path.is_file():
        return {}
    try:
        data = read_data(path, "provenance file")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read the provenance file: {error}") from error
    return {str(name): _origin(path, str(name), entry) for name, entry in data.items()}


def _origin(path: Path, name: str, entry: Any) -> Origin:
    if not isinstance(entry, dict):
        raise InputError(path, f"{name}: expected the fields {', '.join(_FIELDS)}")
    missing = [key for key in _FIELDS if not entry.get(key)]
    if missing:
        raise InputError(path, f"{name}: missing {', '.join(missing)}")
    retrieved = entry["retrieved"]
    if isinstance(retrieved, dt.datetime):  # an unquoted timestamp, as YAML reads one
        retrieved = utc_stamp(retrieved if retrieved.tzinfo else retrieved.replace(tzinfo=dt.UTC))
    retrieved = str(retrieved)
    try:
        dt.datetime.strptime(retrieved, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError as error:
        problem = f"{name}: retrieved {retrieved!r} is not a UTC time like 2026-01-31T09:30:00Z"
        raise InputError(path, problem) from error
    sha256 = str(entry["sha256"])
    if not _SHA256.fullmatch(sha256):
        raise InputError(path, f"{name}: sha256 is not 64 lower-case hex digits")
    return Origin(str(entry["source"]), retrieved, sha256, str(entry["content_type"]))


def dump_sources(records: Mapping[str, Origin]) -> bytes:
    """The provenance file's bytes: files in name order, fields in a fixed order."""
    data = {
        name: {
            "source": origin.source,
            "retrieved": origin.retrieved,
            "sha256": origin.sha256,
            "content_type": origin.content_type,
        }
        for name, origin in sorted(records.items())
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000) if data else ""
    return (_HEADER + body).encode("utf-8")


class FolderRecords:
    """The provenance records of many files' folders, each folder's file read once.

    Made per build or per run over many files: one lookup per file would read the
    file again each time, which grows with the square of the corpus.
    """

    def __init__(self) -> None:
        self._folders: dict[Path, dict[str, Origin]] = {}

    def of(self, path: Path) -> dict[str, Origin]:
        """The records of the folder of ``path``; InputError when its file is malformed."""
        folder = Path(path).parent
        if folder not in self._folders:
            self._folders[folder] = load_sources(folder)
        return self._folders[folder]

    def origin(self, path: Path) -> Origin | None:
        return self.of(path).get(Path(path).name)


def recorded_origin(
    path: Path, sha256: str, records: Mapping[str, Origin] | None = None
) -> tuple[Origin | None, str | None]:
    """The origin recorded for ``path`` if it vouches for these bytes, and else why not.

    ``records`` are the records of its folder, when the caller has read them already.
    """
    records = load_sources(path.parent) if records is None else records
    origin = records.get(path.name)
    if origin is None or origin.sha256 == sha256:
        return origin, None
    return None, (
        f"{SOURCES_FILE} records other bytes for this file (edited since it was added?); "
        "its source is left out of the graph"
    )


def origin_key(origin: Origin | None) -> bytes:
    """What a file's record adds to its cache key (nothing when it has none)."""
    if origin is None:
        return b""
    return "\0".join((origin.source, origin.retrieved, origin.sha256, origin.content_type)).encode()
