"""The Turtle file's blocks of subjects many graphs share, kept from one build to the next.

Four cached graphs describe the same entities, as communiqués do: a rebuild with
one graph changed makes again only the blocks of the subjects that graph has, and
writes the same bytes, and the same counts, as a build that kept nothing.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from threading import Event

import pyoxigraph as ox
import pytest

from scmgraph.build.turtle import _Saving, write_turtle
from scmgraph.build.turtle_blocks import CachedTurtle, Tally, subject_blocks
from scmgraph.build.turtle_shared import shared_blocks
from scmgraph.build.units import UnitCache
from scmgraph.rdf.terms import PREFIXES

ID = "https://w3id.org/scmgraph/id/"
SCM = "https://w3id.org/scmgraph/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
STATES = ("united-states", "republic-of-korea", "japan")  # every communiqué names them
ALLIANCE = "north-atlantic-treaty-organization"  # all but the third name it


def graph(number: int, wording: str = "") -> list[bytes]:
    """A communiqué's lines: its own statement, and the entities it names, each with
    the label every communiqué gives it and the name this one wrote."""
    lines = [
        f'<{ID}statement/scm-{number}/p1/s1/1> <{SCM}verbLemma> "reaffirm{wording}" .\n',
        f"<{ID}statement/scm-{number}/p1/s1/1> <{SCM}mentions> <{ID}org/japan> .\n",
    ]
    for entity in (*STATES, ALLIANCE) if number != 3 else STATES:
        lines.append(f'<{ID}org/{entity}> <{LABEL}> "{entity}" .\n')
        lines.append(f'<{ID}org/{entity}> <{ALT}> "{entity} {number}{wording}" .\n')
    return sorted({line.encode() for line in lines})


def cached_graph(cache: UnitCache, key: str, lines: list[bytes]) -> CachedTurtle:
    """A graph's files as a build caches them: triples, Turtle blocks, subject index."""
    cache.folder.mkdir(parents=True, exist_ok=True)
    body, index = subject_blocks(lines)
    cache.path(key, "nt").write_bytes(b"".join(lines))
    cache.path(key, "ttl").write_bytes(body)
    cache.path(key, "subjects").write_bytes(pickle.dumps(index))
    return CachedTurtle(
        key, cache.path(key, "ttl"), cache.path(key, "nt"), cache.path(key, "subjects")
    )


class Sink:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)


def written(
    cache: UnitCache, graphs: list[CachedTurtle], kept: tuple[str | None, str] | None
) -> tuple[bytes, Tally]:
    sink = Sink()
    tally, _ = write_turtle(graphs, [], sink, cache, kept)
    return sink.data, tally


def whole(lines: list[bytes]) -> bytes:
    """What pyoxigraph writes of all the lines at once: what the file must be."""
    triples = ox.parse(b"".join(sorted(set(lines))), format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))


def made_again(cache: UnitCache, graphs: list[CachedTurtle], kept: dict) -> int:
    """How many shared blocks a build with ``kept`` makes (every subject is shared here)."""
    indexes = [g.index() for g in graphs]
    order = sorted(
        {
            s
            for index in indexes
            for s in index.subjects
            if s.startswith(b"<" + ID.encode() + b"org/")
        }
    )
    holes = [[i for i, s in enumerate(index.subjects) if s in set(order)] for index in indexes]
    return shared_blocks(order, graphs, indexes, holes, [], kept).made


def test_a_rebuild_makes_again_only_the_blocks_of_the_changed_graph(tmp_path: Path) -> None:
    cache = UnitCache(tmp_path / "cache")
    lines = {n: graph(n) for n in range(1, 5)}
    graphs = [cached_graph(cache, f"unit-{n}", lines[n]) for n in lines]
    every = [line for n in lines for line in lines[n]]

    first, tally = written(cache, graphs, (None, "blocks-1"))
    assert first == whole(every)
    assert tally.subjects == len(STATES) + 1 + 4 and tally.triples == len(set(every))
    kept = cache.load("blocks-1")
    assert isinstance(kept, dict) and len(kept) == len(STATES) + 1
    assert made_again(cache, graphs, {}) == len(STATES) + 1
    assert made_again(cache, graphs, kept) == 0
    # Nothing changed: every block kept, the same bytes and counts.
    assert written(cache, graphs, ("blocks-1", "blocks-2")) == (first, tally)

    # The third communiqué reworded (a new key, other names): the blocks of the states
    # it names are made again, the alliance's (which it does not name) kept.
    lines[3] = graph(3, wording=" again")
    graphs[2] = cached_graph(cache, "unit-3b", lines[3])
    every = [line for n in lines for line in lines[n]]
    assert made_again(cache, graphs, kept) == len(STATES)
    rebuilt = written(cache, graphs, ("blocks-2", "blocks-3"))
    assert rebuilt == written(cache, graphs, None)
    assert rebuilt[0] == whole(every)
    assert b'"japan 3 again"' in rebuilt[0]


def test_a_block_kept_by_another_graph_s_build_is_not_used(tmp_path: Path) -> None:
    """A digest names the graphs that have the subject: the same subject in other graphs
    is made again, though its lines may be the same."""
    cache = UnitCache(tmp_path / "cache")
    graphs = [cached_graph(cache, f"unit-{n}", graph(n)) for n in range(1, 4)]
    written(cache, graphs, (None, "blocks-1"))
    kept = cache.load("blocks-1")
    others = [cached_graph(cache, f"other-{n}", graph(n)) for n in range(1, 4)]
    assert made_again(cache, others, kept) == len(STATES) + 1
    assert written(cache, others, ("blocks-1", "blocks-2")) == written(cache, others, None)


def test_one_subjects_merge_counts_as_the_general_merge() -> None:
    """An entity's lines from three graphs and the build's own (its type and label in
    each, a name only one gives, a file it came from, a link only the build gives)
    merge to the same lines and the same change of counts either way."""
    from scmgraph.build.turtle_blocks import merged_lines, merged_subject

    entity = f"<{ID}org/japan>"
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

    def lines(*triples: str) -> list[bytes]:
        return sorted(f"{entity} {p} {o} .\n".encode() for p, o in triples)

    shared = (f"<{LABEL}>", '"Japan"'), (kind, f"<{SCM}State>")
    source = (f"<{SCM}sourceFile>", f"<{ID}source/scm-1>"), (f"<{SCM}sha256>", '"ab12"')
    groups = [
        lines(*shared, (f"<{ALT}>", '"Japan 1"'), *source),
        lines(*shared, (f"<{ALT}>", '"Japan 2"')),
        lines(*shared, (kind, f"<{SCM}Party>")),
        [],
    ]
    own = lines(("<http://purl.org/dc/terms/isReferencedBy>", f"<{ID}communique/scm-1>"))
    own += lines(shared[0])  # also given by every graph
    expected_lines, expected = merged_lines(groups, own)
    found_lines, found = merged_subject(groups, own)
    assert found_lines == expected_lines
    assert found == expected
    assert (found.triples, found.subjects, found.entities) == (-3, -2, -2)
    assert found.instances[f"<{SCM}State>".encode()] == -2
    assert found.sources == {f"<{ID}source/scm-1>".encode()}
    assert found.facts == {(entity.encode(), f"<{SCM}sha256>".encode(), b'"ab12"')}
    assert merged_subject([[], []]) == ([], Tally())


PROV = "http://www.w3.org/ns/prov#"
PART_OF = "http://purl.org/dc/terms/isPartOf"
UNIT_BUILDS = ("3000000000000000", "6000000000000000", "9000000000000000")


def build_term(digest: str) -> bytes:
    return f"<{ID}build/{digest}>".encode()


def unit_graph(number: int) -> list[bytes]:
    """A communiqué's lines: its entities, each generated by the build of that communiqué."""
    unit = build_term(UNIT_BUILDS[number])
    lines = [
        f'<{ID}org/{entity}> <{LABEL}> "{entity}" .\n'.encode() for entity in (*STATES, ALLIANCE)
    ]
    lines += [f"<{ID}org/{e}> <{PROV}wasGeneratedBy> ".encode() + unit + b" .\n" for e in STATES]
    lines.append(unit + f' <{LABEL}> "build of communique {number}" .\n'.encode())
    return sorted(lines)


def own_lines(whole: str) -> list[bytes]:
    """What the build's own graphs say: every entity was generated by the whole build,
    every communiqué's build is part of it, and the whole build has its label."""
    build = build_term(whole)
    lines = [
        f"<{ID}org/{e}> <{PROV}wasGeneratedBy> ".encode() + build + b" .\n"
        for e in (*STATES, ALLIANCE)
    ]
    lines += [build_term(u) + f" <{PART_OF}> ".encode() + build + b" .\n" for u in UNIT_BUILDS]
    lines.append(build + f' <{LABEL}> "scmgraph build {whole}" .\n'.encode())
    return lines


def test_a_kept_block_names_the_new_whole_build_where_it_sorts(tmp_path: Path) -> None:
    """A changed communiqué changes the whole build's name, which the blocks of many shared
    subjects give: they are kept, renamed (the new name sorted among the communiqués'
    builds), not made again; only the whole build's own block is."""
    cache = UnitCache(tmp_path / "cache")
    graphs = [cached_graph(cache, f"unit-{n}", unit_graph(n)) for n in range(3)]
    units = [line for n in range(3) for line in unit_graph(n)]
    subjects = sorted(
        {line.split(b" ", 1)[0] for line in units + own_lines("1" * 16)} - {build_term("1" * 16)}
    )

    def write(whole_build: str, kept: tuple[str | None, str]) -> bytes:
        sink = Sink()
        build = build_term(whole_build)
        write_turtle(graphs, own_lines(whole_build), sink, cache, kept, build)
        return sink.data

    first = write("1" * 16, (None, "blocks-1"))
    assert first == whole(units + own_lines("1" * 16))
    kept = cache.load("blocks-1")
    assert isinstance(kept, dict)
    # The next whole build's name sorts between the communiqués' builds, not first.
    later = "7" * 16
    indexes = [g.index() for g in graphs]
    order = sorted([*subjects, build_term(later)])
    holes = [[i for i, s in enumerate(index.subjects) if s in set(order)] for index in indexes]
    made = shared_blocks(order, graphs, indexes, holes, own_lines(later), kept, build_term(later))
    assert made.made == 1  # the whole build's own node: its name is its subject
    second = write(later, ("blocks-1", "blocks-2"))
    assert second == whole(units + own_lines(later))
    assert b"id:build\\/3000000000000000 , id:build\\/6000000000000000 , id:build\\/7777" in second
    # Without the whole build's name, a block that names it is made again.
    again = shared_blocks(order, graphs, indexes, holes, own_lines(later), kept)
    assert again.made == len(order) and again.body == made.body


def test_a_whole_build_that_is_also_a_communique_s_build_is_not_renamed(tmp_path: Path) -> None:
    """The whole build of a corpus of one file is that file's build: the blocks that
    name it, named by the communiqué's graph too, are made again when it changes."""
    cache = UnitCache(tmp_path / "cache")
    graphs = [cached_graph(cache, f"unit-{n}", unit_graph(n)) for n in range(3)]
    units = [line for n in range(3) for line in unit_graph(n)]
    for first, then in ((UNIT_BUILDS[0], "7" * 16), ("7" * 16, UNIT_BUILDS[1])):
        for whole_build, kept in ((first, (None, "blocks-a")), (then, ("blocks-a", "blocks-b"))):
            sink = Sink()
            build = build_term(whole_build)
            write_turtle(graphs, own_lines(whole_build), sink, cache, kept, build)
            assert sink.data == whole(units + own_lines(whole_build)), (first, then)


def test_blocks_two_graphs_share_are_merged_once_and_cached_as_written(tmp_path: Path) -> None:
    """A subject only two graphs have (a statement and its thread links) is merged from
    those two, and cached: the next build copies it, the same bytes."""
    cache = UnitCache(tmp_path / "cache")
    lines = {n: graph(n) for n in range(1, 4)}
    link = f"<{ID}statement/scm-2/p1/s1/1> <{SCM}repeats> <{ID}statement/scm-1/p1/s1/1> .\n"
    lines[4] = [link.encode()]  # the thread links of the pair (1, 2)
    graphs = [cached_graph(cache, f"unit-{n}", lines[n]) for n in lines]
    every = [line for n in lines for line in lines[n]]

    first, tally = written(cache, graphs, None)
    assert first == whole(every)
    # Two pairs of graphs share subjects: the alliance (named by the first two alone)
    # and the statement with its thread link; each pair's blocks are cached, text and index.
    texts = {p.read_bytes(): p for p in cache.folder.glob("merged-*.ttl")}
    assert len(texts) == 2 and len(list(cache.folder.glob("merged-*.pickle"))) == 2
    text = next(t for t in texts if t.startswith(b"id:statement"))
    assert text.startswith(b"id:statement\\/scm-2\\/p1\\/s1\\/1 ") and b"scm:repeats" in text
    assert b"scm:verbLemma" in text  # the statement's own line, from its communiqué
    again = texts[text]
    stamp = again.stat().st_mtime_ns
    assert written(cache, graphs, None) == (first, tally)
    assert again.stat().st_mtime_ns == stamp  # copied from the cache, not made again


def test_a_rebuild_reads_the_merged_blocks_of_the_previous_build_from_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that keeps its blocks keeps its merged blocks' index in one file, which
    the next build reads instead of one file a pair of graphs; without that file the
    next build falls back to each pair's own, and writes the same bytes."""
    cache = UnitCache(tmp_path / "cache")
    lines = {n: graph(n) for n in range(1, 4)}
    link = f"<{ID}statement/scm-2/p1/s1/1> <{SCM}repeats> <{ID}statement/scm-1/p1/s1/1> .\n"
    lines[4] = [link.encode()]
    graphs = [cached_graph(cache, f"unit-{n}", lines[n]) for n in lines]
    first, tally = written(cache, graphs, (None, "blocks-a"))
    assert cache.path("blocks-a-merged", "pickle").is_file()
    loaded: list[str] = []
    load = UnitCache.load

    def counted(self: UnitCache, key: str) -> object | None:
        loaded.append(key)
        return load(self, key)

    monkeypatch.setattr(UnitCache, "load", counted)
    assert written(cache, graphs, ("blocks-a", "blocks-b")) == (first, tally)
    assert "blocks-a-merged" in loaded
    assert not [key for key in loaded if key.startswith("merged-")]
    cache.path("blocks-b-merged", "pickle").unlink()
    loaded.clear()
    assert written(cache, graphs, ("blocks-b", "blocks-c")) == (first, tally)
    assert len([key for key in loaded if key.startswith("merged-")]) == 2


def test_a_text_being_cached_is_read_from_memory_until_it_is_in_its_place(
    tmp_path: Path,
) -> None:
    cache = UnitCache(tmp_path / "cache")
    release = Event()
    place = cache.path("merged-x", "ttl")
    with _Saving(cache) as saving:
        saving._thread.submit(release.wait, 10)  # the disk busy: nothing written yet
        saving.write(place, b"id:a id:b id:c .\n")
        assert not place.exists()
        assert saving.text(place) == b"id:a id:b id:c .\n"
        release.set()
    assert place.read_bytes() == b"id:a id:b id:c .\n"
    assert saving.text(place) == b"id:a id:b id:c .\n"


def test_a_cache_file_that_cannot_be_written_fails_the_turtle_file(tmp_path: Path) -> None:
    cache = UnitCache(tmp_path / "cache")
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    with pytest.raises(OSError), _Saving(cache) as saving:
        saving.save("blocks-1", {})


def test_a_subject_many_graphs_have_is_remade_from_its_counts_and_the_changed_graphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entity most communiqués name keeps how many graphs give each of its lines: a
    rebuild with one graph changed reads that graph's lines, old and new, not every
    graph's, and writes what a build that kept nothing writes."""
    import scmgraph.build.turtle_counts as counts

    cache = UnitCache(tmp_path / "cache")
    lines = {n: graph(n) for n in range(1, counts.MANY + 5)}
    graphs = [cached_graph(cache, f"unit-{n}", lines[n]) for n in lines]
    first = written(cache, graphs, (None, "blocks-1"))
    kept = cache.load("blocks-1-counts")
    assert isinstance(kept, dict)
    assert sorted(kept) == sorted(f"<{ID}org/{e}>".encode() for e in (*STATES, ALLIANCE))
    japan = kept[f"<{ID}org/japan>".encode()]
    assert japan.given[f'<{ID}org/japan> <{LABEL}> "japan" .\n'.encode()] == len(lines)
    assert first == written(cache, graphs, None)

    read: list[str] = []
    reading = counts.lines_by_subject
    monkeypatch.setattr(
        counts,
        "lines_by_subject",
        lambda item, index, wanted: read.append(item.key) or reading(item, index, wanted),
    )
    lines[5] = graph(5, wording=" again")
    graphs[4] = cached_graph(cache, "unit-5b", lines[5])
    every = [line for n in lines for line in lines[n]]
    rebuilt = written(cache, graphs, ("blocks-1", "blocks-2"))
    assert sorted(read) == ["unit-5", "unit-5b"]  # the former graph and the new one
    assert rebuilt[0] == whole(every) and b'"japan 5 again"' in rebuilt[0]
    assert b'"japan 5"' not in rebuilt[0]
    read.clear()
    assert rebuilt == written(cache, graphs, None)  # kept nothing: every graph read
    assert len(read) == len(lines)

    # The graph before gone from the cache: its subjects are counted from every graph.
    lines[6] = graph(6, wording=" later")
    graphs[5] = cached_graph(cache, "unit-6b", lines[6])
    for path in cache.folder.glob("unit-6.*"):
        path.unlink()
    read.clear()
    again = written(cache, graphs, ("blocks-2", "blocks-3"))
    assert len(read) == len(lines)
    assert again == written(cache, graphs, None)
    assert again[0] == whole([line for n in lines for line in lines[n]])
