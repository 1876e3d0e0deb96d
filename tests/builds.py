"""Helpers of the rebuild tests: build, count what was computed or checked, compare
with a cold build."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from scmgraph.build.corpus import build

PUBLISHED = ("scmgraph.trig", "scmgraph.nq", "scmgraph.ttl", "scmgraph.jsonld", "void.ttl")


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in PUBLISHED}


def store_quads(out: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str((out / "store").resolve()))
    return set(store.quads_for_pattern(None, None, None, None))


def assert_as_cold(corpus: Path, out: Path, tmp_path: Path) -> None:
    """``out`` holds what a cold build of ``corpus`` writes: the same files and store."""
    cold = tmp_path / "cold"
    build(corpus, cold, jobs=1)
    assert outputs(out) == outputs(cold)
    assert store_quads(out) == store_quads(cold)


def counted_build(corpus: Path, out: Path, **options: object) -> list[str]:
    """Build and return the names of the files whose units were computed."""
    computed: list[str] = []
    build(corpus, out, computed=computed.append, **options)  # type: ignore[arg-type]
    return computed


def drop_last_paragraph(corpus: Path, name: str) -> None:
    target = corpus / name
    lines = target.read_text(encoding="utf-8").splitlines()
    last = max(i for i, line in enumerate(lines) if line[:1].isdigit() and ". " in line[:5])
    target.write_text("\n".join(lines[:last]) + "\n", encoding="utf-8")


class Counting:
    """A validator that counts the checks it makes."""

    def __init__(self, validator) -> None:
        self.validator, self.checks = validator, 0

    def check_lines(self, ntriples: bytes):
        self.checks += 1
        return self.validator.check_lines(ntriples)
