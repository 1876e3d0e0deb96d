"""The communiqué generator (scripts/gen_communiques.py) writes what the benchmarks read.

Generated corpora must be reproducible from their seed, named like the real
corpus, and read by the extractor exactly as they were written: the meeting
facts of paragraph 1 and one statement per reporting clause composed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from scmgraph.extract.document import extract
from scmgraph.extract.threads import link_series
from scmgraph.read.reader import read_document

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_communiques.py"
sys.path.insert(0, str(SCRIPT.parent))

from gen_communiques import generate, write_corpus  # noqa: E402


def run_cli(size: int, seed: int, out: Path) -> dict[str, bytes]:
    command = [sys.executable, str(SCRIPT), "--size", str(size), "--seed", str(seed)]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_same_seed_and_size_write_byte_identical_files(tmp_path: Path) -> None:
    first = run_cli(1, 7, tmp_path / "a")
    second = run_cli(1, 7, tmp_path / "b")
    other_seed = run_cli(1, 8, tmp_path / "c")
    assert first == second
    assert list(first) == list(other_seed)  # same meetings, other words
    assert all(first[name] != other_seed[name] for name in first)


def test_sizes_are_multiples_of_the_given_pair_and_named_like_the_corpus(registry) -> None:
    small = generate(1, 3, registry)
    larger = generate(5, 3, registry)
    assert [c.name for c in small] == ["001_scm_1969.html", "002_scm_1970.txt"]
    assert len(larger) == 10
    assert [c.ordinal for c in larger] == list(range(1, 11))
    for communique in larger:
        assert re.fullmatch(r"\d{3}_scm_\d{4}\.(txt|html)", communique.name)
        assert communique.name.startswith(f"{communique.ordinal:03d}_scm_{communique.date.year}")
    assert {c.name.rsplit(".", 1)[1] for c in larger} == {"txt", "html"}
    # A smaller corpus is the start of a larger one with the same seed.
    assert [c.text for c in small] == [c.text for c in larger[:2]]
    # Seoul and Washington, D.C. in turn; 18 to 22 numbered paragraphs of 10-14 KB or so.
    assert [c.city for c in larger[:4]] == ["Seoul", "Washington, D.C."] * 2
    assert all(18 <= c.paragraphs <= 22 for c in larger)
    assert 9_000 <= sum(len(c.text.encode()) for c in larger) / len(larger) <= 15_000


def test_the_extractor_reads_generated_communiques_as_written(tmp_path: Path, registry) -> None:
    communiques = generate(4, 1, registry)  # the 8th meeting is the first with an MCM
    paths = write_corpus(communiques, tmp_path)
    all_facts = []
    for communique, path in zip(communiques, paths, strict=True):
        facts = extract(read_document(path), registry)
        all_facts.append(facts)
        meeting = facts.meeting
        assert (meeting.series, meeting.ordinal) == ("SCM", communique.ordinal)
        assert (meeting.date, meeting.city) == (communique.date, communique.city)
        assert [(h.party, h.post, h.name) for h in meeting.heads] == [
            (h.party, h.post, h.name) for h in communique.heads
        ]
        assert len(facts.document.paragraphs) == communique.paragraphs
        assert len(facts.statements) == communique.statements
        assert sum(1 for s in facts.statements if s.deadline) == communique.deadlines
        assert not facts.warnings
        chairs = [(h.party, h.post, h.name, h.rank) for h in communique.chairs]
        found = [(h.party, h.post, h.name, h.rank) for a in meeting.associated for h in a.heads]
        assert found == chairs
    eighth = all_facts[7].meeting
    assert eighth.date.isoformat() == "1976-11-23"
    assert [h.name for h in eighth.heads] == ["Chuck Hagel", "Jeong Kyeong-doo"]
    assert [(a.series, a.ordinal) for a in eighth.associated] == [("MCM", 1)]
    assert [h.name for h in eighth.associated[0].heads] == ["Charles Q. Brown", "Kim Myung-soo"]
    assert [len(f.statements) for f in all_facts] == [59, 59, 64, 71, 55, 63, 65, 67]
    assert [c.deadlines for c in communiques] == [7, 7, 6, 11, 8, 8, 7, 8]
    # Statements are carried from meeting to meeting in all the ways threads tell apart.
    kinds = Counter(link.kind for link in link_series(all_facts))
    assert set(kinds) == {"repeated", "strengthened", "weakened", "changed", "fulfilled"}
    assert all(kinds[kind] >= 3 for kind in kinds)


def test_posts_carry_the_name_they_had_on_the_meeting_date(tmp_path: Path, registry) -> None:
    communiques = generate(30, 1, registry)
    before, after = communiques[55], communiques[57]  # the 56th and 58th meetings
    assert (before.date.isoformat(), after.date.isoformat()) == ("2024-10-19", "2026-09-04")
    assert [h.post for h in before.heads] == [
        "Secretary of Defense",
        "Minister of National Defense",
    ]
    assert [h.post for h in after.heads] == ["Secretary of War", "Minister of National Defense"]
    paths = write_corpus([before, after], tmp_path)
    read = [extract(read_document(path), registry).meeting for path in paths]
    assert [[(h.party, h.post, h.name) for h in meeting.heads] for meeting in read] == [
        [("US", "Secretary of Defense", "Ashton B. Carter"),
         ("ROK", "Minister of National Defense", "Lee Jong-sup")],
        [("US", "Secretary of War", "Ashton B. Carter"),
         ("ROK", "Minister of National Defense", "Shin Won-sik")],
    ]  # fmt: skip


@pytest.fixture(scope="module")
def registry():
    from scmgraph.registry.load import load_registry

    return load_registry()
