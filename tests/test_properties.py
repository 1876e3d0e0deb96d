"""Property-based tests of the reader and the extractor.

On generated communiqué-like texts and on arbitrary text: nothing but InputError
ever escapes, offsets always slice back to their sentence, the same input always
gives the same facts and the same graph, and every graph passes SHACL.

The default profile runs in CI; the large one (10,000 examples per property) is
run with ``HYPOTHESIS_PROFILE=large .venv/bin/pytest tests/test_properties.py``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scmgraph.errors import InputError
from scmgraph.extract.document import extract
from scmgraph.model import Facts
from scmgraph.read.reader import read_document
from scmgraph.registry.load import load_registry

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "large", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REGISTRY = load_registry()

NAME = st.from_regex(r"[A-Z][a-z]{2,8}(?:-[a-z]{2,6})?", fullmatch=True)
SUBJECTS = st.sampled_from(
    [
        "The Secretary and the Minister",
        "Both sides",
        "The two leaders",
        "The Minister",
        "The Secretary",
        "They",
        "He",
        "The U.S. side",
        "Each side",
    ]
)
VERBS = st.sampled_from(
    [
        "reaffirmed",
        "pledged",
        "noted",
        "urged",
        "expressed appreciation for",
        "agreed",
        "committed",
        "assessed that",
        "reviewed",
        "discussed",
        "decided",
        "welcomed",
    ]
)
OBJECTS = st.sampled_from(
    [
        "the role of the United Nations Command (UNC) in the Armistice Agreement",
        "the relocation of the Combined Forces Command to Camp Humphreys by next year",
        "cooperation on space and cyber through the Space Policy Working Group (SPWG)",
        "the importance of the U.S.-ROK-Japan trilateral exercise in 2031",
        "full implementation of United Nations Security Council resolutions by the DPRK",
        "the Special Measures Agreement (SMA) and the Status of Forces Agreement (SOFA)",
        "the conditions-based OPCON transition plan, as agreed in Washington, D.C.",
        "the progress made by Gen. Smith and Dr. Lee Jr. on item No. 4",
    ]
)
CHROME = st.sampled_from(
    [
        "Home : News",
        "Search News\nArchive\nTopics",
        "Share this page",
        "/Public Release. View in full here.",
    ]
)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    parts = [draw(SUBJECTS), draw(VERBS), draw(OBJECTS)]
    if draw(st.booleans()):
        parts += ["and", draw(VERBS), draw(OBJECTS)]
    return " ".join(parts) + "."


@st.composite
def communiques(draw: st.DrawFn) -> str:
    """A communiqué in the genre: chrome, numbered paragraphs, layouts varied."""
    ordinal = draw(st.integers(min_value=1, max_value=120))
    year = draw(st.integers(min_value=1970, max_value=2090))
    month = draw(st.sampled_from(["January", "May", "October", "December"]))
    day = draw(st.integers(min_value=1, max_value=28))
    first, second = draw(NAME), draw(NAME)
    opening = (
        f"The {ordinal}th Security Consultative Meeting (SCM) was held in "
        f"{draw(NAME)} on {month} {day}, {year}. U.S. Secretary of Defense {first} "
        f"{draw(NAME)} and ROK Minister of National Defense {second} {draw(NAME)} led "
        "their respective delegations."
    )
    paragraphs = [opening]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        paragraphs.append(" ".join(draw(st.lists(sentences(), min_size=1, max_size=4))))
    numbers = sorted(
        draw(
            st.sets(st.integers(2, 40), min_size=len(paragraphs) - 1, max_size=len(paragraphs) - 1)
        )
    )
    body = [f"1. {paragraphs[0]}"] + [
        f"{n}. {text}" for n, text in zip(numbers, paragraphs[1:], strict=True)
    ]
    if draw(st.booleans()):  # hard-wrap every paragraph
        width = draw(st.integers(min_value=30, max_value=90))
        body = [_wrap(p, width) for p in body]
    text = draw(CHROME) + "\n\n" + "\n\n".join(body) + "\n\n" + draw(CHROME) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = text.replace(" the ", "\u00a0the ", 1)
    return text


def _wrap(paragraph: str, width: int) -> str:
    lines, line = [], ""
    for word in paragraph.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def read_text(text: str, suffix: str = ".txt") -> tuple[str, Facts]:
    """The text as stored (UTF-8, newlines as written) and its facts, read from a
    file in a folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="scmgraph-prop-") as folder:
        path = Path(folder) / f"generated{suffix}"
        path.write_bytes(text.encode("utf-8"))
        return path.read_bytes().decode("utf-8"), extract(read_document(path), REGISTRY)


def check_offsets(source: str, facts: Facts) -> None:
    for sentence in facts.document.sentences():
        assert " ".join(source[sentence.begin : sentence.end].split()) == sentence.text
    for mention in facts.mentions:  # a name may wrap across lines: compare collapsed
        assert " ".join(source[mention.begin : mention.end].split()) == mention.surface
        assert source[mention.begin : mention.end].strip() == source[mention.begin : mention.end]
    for statement in facts.statements:
        assert source[statement.verb_begin : statement.verb_end].lower().startswith(
            statement.verb[:3]
        ) or statement.verb in ("have", "hold")


@given(communiques())
def test_generated_communiques_read_with_true_offsets(text: str) -> None:
    source, facts = read_text(text)
    check_offsets(source, facts)
    assert facts.meeting.series == "SCM"
    assert all(1 <= len(s.topics) <= 3 for s in facts.statements)
    assert all(s.actors for s in facts.statements)


@given(communiques())
def test_the_same_input_gives_the_same_facts(text: str) -> None:
    first = read_text(text)[1]
    second = read_text(text)[1]
    assert first.statements == second.statements
    assert first.entities == second.entities
    assert first.meeting == second.meeting


@given(st.text(max_size=3000))
def test_arbitrary_text_never_raises_anything_but_input_error(text: str) -> None:
    try:
        source, facts = read_text(text)
    except InputError:
        return
    check_offsets(source, facts)


@given(st.text(max_size=2000), st.sampled_from([".html", ".htm"]))
def test_arbitrary_html_never_raises_anything_but_input_error(text: str, suffix: str) -> None:
    try:
        read_text(f"<html><body><p>1. {text}</p></body></html>", suffix)
    except InputError:
        return


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_but_input_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="scmgraph-prop-") as folder:
        path = Path(folder) / "bytes.txt"
        path.write_bytes(data)
        try:
            extract(read_document(path), REGISTRY)
        except InputError:
            return


@pytest.mark.parametrize("seed", range(3))
def test_graphs_of_generated_communiques_pass_shacl_and_are_reproducible(seed: int) -> None:
    # SHACL costs about a second a graph, so this property runs on a few drawn
    # examples per seed rather than on every example of the other properties.
    from scmgraph.extract.threads import link_series
    from scmgraph.rdf.build_info import BuildInfo
    from scmgraph.rdf.convert import build_dataset
    from scmgraph.rdf.serialize import serialize_all
    from scmgraph.rdf.validate import validate
    from scmgraph.version import __version__

    @settings(
        max_examples=4 if os.environ.get("HYPOTHESIS_PROFILE") != "large" else 200,
        deadline=None,
        database=None,
    )
    @given(communiques())
    def check(text: str) -> None:
        _, facts = read_text(text)
        info = BuildInfo.from_inputs(__version__, [facts.document.source], REGISTRY)
        outputs = []
        for _ in range(2):
            dataset = build_dataset([facts], REGISTRY, info, threads=link_series([facts]))
            result = validate(dataset)
            assert result.conforms, result.render()
            outputs.append(serialize_all(dataset)["scmgraph.nq"])
        assert outputs[0] == outputs[1]

    check()
