"""The material the project was given (corpus, gold, devset, specification) is kept
in the repository exactly as published: its SHA-256 digests were recorded once, when
the copies were made, in tests/given.sha256 (``sha256sum`` format), and an edit to
any copy fails here. The project's own notes live beside them, in other files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = Path(__file__).with_name("given.sha256")


def recorded() -> list[tuple[str, str]]:
    rows = [line.split("  ", 1) for line in MANIFEST.read_text(encoding="utf-8").splitlines()]
    return [(path, digest) for digest, path in rows]


def test_the_record_covers_every_given_folder() -> None:
    folders = {path.rsplit("/", 1)[0] for path, _ in recorded()}
    assert folders == {
        "data/communiques",
        "tests/gold",
        "tests/fixtures/devset",
        "tests/fixtures/devset/gold",
        "docs",
    }
    # every communiqué of the corpus and every gold file is one of the given ones
    given = {path for path, _ in recorded()}
    for folder in ("data/communiques", "tests/gold", "tests/fixtures/devset/gold"):
        assert {str(p.relative_to(ROOT)) for p in (ROOT / folder).iterdir()} <= given


@pytest.mark.parametrize(("path", "digest"), recorded())
def test_a_given_file_is_as_published(path: str, digest: str) -> None:
    assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == digest, path
