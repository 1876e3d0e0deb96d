"""Malformed and hostile input: each gives its exact error or warning.

Committed fixtures live in tests/fixtures/malformed/; inputs too big to commit
(a 50 MB file, a megabyte of one repeated sentence) and file-system oddities
(a folder, a symlink loop) are made by the tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scmgraph.cli.main import main
from scmgraph.errors import InputError
from scmgraph.extract.document import extract
from scmgraph.read.reader import MAX_FILE_BYTES, find_communiques, read_document
from scmgraph.registry.load import load_registry

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "malformed"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "communiques"


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def warnings_of(name: str, registry) -> list[str]:
    path = FIXTURES / name
    facts = extract(read_document(path), registry)
    prefix = f"{path}: "
    assert all(w.startswith(prefix) for w in facts.warnings)
    return [w.removeprefix(prefix) for w in facts.warnings]


def test_the_fixture_corpus_is_not_empty() -> None:
    assert len(list(FIXTURES.iterdir())) >= 10


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "truncated.txt",
            ["paragraph 3 ends without a full stop; the file may be truncated"],
        ),
        (
            "duplicated_numbers.txt",
            [
                "paragraph number 3 after paragraph 3 is repeated or out of order; "
                "its text is kept in paragraph 3"
            ],
        ),
        (
            "out_of_order.txt",
            [
                "paragraph number 3 after paragraph 4 is repeated or out of order; "
                "its text is kept in paragraph 4"
            ],
        ),
        ("no_date.txt", ["paragraph 1 gives no date for the SCM"]),
        ("no_officials.txt", ["paragraph 1 names no heads of delegation"]),
        (
            "no_meeting.txt",
            ["paragraph 1 does not name the meeting (no '... was held in ...' sentence)"],
        ),
        ("bom_crlf_nbsp.txt", []),
        ("scripts_entities.html", []),
    ],
)
def test_wrong_but_readable_input_is_reported(name: str, expected: list[str], registry) -> None:
    assert warnings_of(name, registry) == expected


def test_repeated_number_keeps_its_text_in_the_paragraph_before(registry) -> None:
    document = read_document(FIXTURES / "duplicated_numbers.txt")
    assert [p.number for p in document.paragraphs] == [1, 2, 3, 4]
    assert "3. The Minister noted the progress" in document.paragraphs[2].text


def test_bom_crlf_and_nbsp_keep_offsets_true() -> None:
    path = FIXTURES / "bom_crlf_nbsp.txt"
    document = read_document(path)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text and "\u00a0" in text
    for sentence in document.sentences():
        assert " ".join(text[sentence.begin : sentence.end].split()) == sentence.text
    assert document.paragraphs[1].sentences[0].text == (
        "The Secretary and the Minister reaffirmed the strength of the Alliance."
    )


def test_html_scripts_styles_and_navigation_make_no_paragraphs(registry) -> None:
    document = read_document(FIXTURES / "scripts_entities.html")
    assert [p.number for p in document.paragraphs] == [1, 2]
    everything = " ".join(s.text for s in document.sentences())
    assert "Injected" not in everything and "99th" not in everything
    assert "not a paragraph" not in everything and "Copyright" not in everything
    assert "the Alliance’s strength & resolve" in everything
    facts = extract(document, registry)
    assert [(s.paragraph, s.verb) for s in facts.statements] == [(2, "reaffirm"), (2, "pledge")]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("mixed_encoding.txt", "not valid UTF-8 (byte 0xe9 at offset 112)"),
        ("utf16.txt", "UTF-16 text; save the communiqué as UTF-8"),
    ],
)
def test_unreadable_encodings_are_errors(name: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(FIXTURES / name)
    assert str(caught.value) == f"{FIXTURES / name}: {problem}"


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    with pytest.raises(InputError, match=r"file too large \(52428800 bytes"):
        read_document(huge)
    assert MAX_FILE_BYTES < 50 * 1024 * 1024


def test_a_long_repeat_is_read_in_bounded_pieces(tmp_path: Path, registry) -> None:
    # Sentence splitting grows with the square of its input, so long paragraphs are
    # split into pieces first; this one has 6,000 sentences in one paragraph.
    sentence = "The Secretary and the Minister reaffirmed the U.S. commitment to the ROK. "
    path = tmp_path / "repeat.txt"
    path.write_text(
        "1. The 60th SCM was held in Seoul on May 1, 2030.\n\n2. " + sentence * 6000 + "\n",
        encoding="utf-8",
    )
    document = read_document(path)
    assert len(document.paragraphs[1].sentences) == 6000
    assert {s.text for s in document.paragraphs[1].sentences} == {sentence.strip()}
    facts = extract(document, registry)
    assert len(facts.statements) == 6000


def test_a_directory_is_not_a_communique(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory, not a communiqué file"):
        read_document(folder)


def test_a_symlink_loop_is_named(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    os.symlink(loop, loop)
    with pytest.raises(InputError, match="symbolic link loop"):
        read_document(loop)


def test_a_broken_symlink_is_named(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    os.symlink(tmp_path / "missing.txt", link)
    with pytest.raises(InputError, match="broken symbolic link"):
        read_document(link)


def test_a_corpus_with_a_symlink_loop_fails_the_build_cleanly(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "052_scm_2020.txt").write_bytes((CORPUS / "052_scm_2020.txt").read_bytes())
    os.symlink(corpus / "zz_loop.txt", corpus / "zz_loop.txt")
    assert [p.name for p in find_communiques(corpus)] == ["052_scm_2020.txt", "zz_loop.txt"]
    out = tmp_path / "graph"
    result = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {corpus / 'zz_loop.txt'}: symbolic link loop"
    assert not (out / "scmgraph.trig").exists()


def test_warnings_reach_the_command_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["statements", str(FIXTURES / "truncated.txt"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        f"warning: {FIXTURES / 'truncated.txt'}: paragraph 3 ends without a full stop; "
        "the file may be truncated"
    )
    assert (tmp_path / "truncated.json").exists()


# --- files that cannot be read among files that can -----------------------------------


@pytest.mark.parametrize("name", ["korean.txt", "korean_brackets.txt"])
def test_a_korean_communique_is_named_as_such(name: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(FIXTURES / name)
    assert str(caught.value) == f"{FIXTURES / name}: Korean-language communiqué: not read yet"


def test_korean_menus_around_an_english_communique_do_not_refuse_it(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(
        "국방부 홈페이지 보도자료 알림마당 정책브리핑 국방소식 전체메뉴 검색 로그인 회원가입\n\n"
        "1. The 60th SCM was held in Seoul on October 2, 2030.\n\n2. Both sides agreed.\n",
        encoding="utf-8",
    )
    assert [p.number for p in read_document(path).paragraphs] == [1, 2]


def mixed_folder(tmp_path: Path) -> Path:
    """The real corpus with four files that cannot be read, each for its own reason."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("052_scm_2020.txt", "053_scm_2021.txt"):
        (folder / name).write_bytes((CORPUS / name).read_bytes())
    (folder / "a_korean.txt").write_bytes((FIXTURES / "korean.txt").read_bytes())
    (folder / "b_binary.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    (folder / "c_latin1.txt").write_bytes((FIXTURES / "mixed_encoding.txt").read_bytes())
    (folder / "d_notes.txt").write_text("Notes on the talks, not a communiqué.\n", encoding="utf-8")
    return folder


def expected_errors(folder: Path) -> list[str]:
    return [
        f"error: {folder / 'a_korean.txt'}: Korean-language communiqué: not read yet",
        f"error: {folder / 'b_binary.txt'}: binary file (NUL byte at offset 4)",
        f"error: {folder / 'c_latin1.txt'}: not valid UTF-8 (byte 0xe9 at offset 112)",
        f"error: {folder / 'd_notes.txt'}: no numbered paragraphs found "
        "(expected a line starting '1. ')",
    ]


def test_statements_writes_every_readable_file_and_names_the_others(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    out = tmp_path / "views"
    result = CliRunner().invoke(main, ["statements", str(folder), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == expected_errors(folder)
    assert result.stdout.splitlines() == [
        str(out / "052_scm_2020.json"),
        str(out / "053_scm_2021.json"),
    ]
    assert sorted(p.name for p in out.iterdir()) == ["052_scm_2020.json", "053_scm_2021.json"]


def test_statements_names_a_missing_input_and_still_writes_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "views"
    missing = tmp_path / "nowhere.txt"
    result = CliRunner().invoke(
        main, ["statements", str(missing), str(CORPUS / "052_scm_2020.txt"), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {missing}: no such file or folder"]
    assert [p.name for p in out.iterdir()] == ["052_scm_2020.json"]


def test_build_names_every_bad_file_and_writes_nothing(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    out = tmp_path / "graph"
    result = CliRunner().invoke(main, ["build", "--corpus", str(folder), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == expected_errors(folder)
    assert not (out / "scmgraph.trig").exists()
