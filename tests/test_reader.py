"""Tests for scmgraph.read.reader: the real corpus, synthetic communiqués and bad input."""

from __future__ import annotations

import hashlib
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scmgraph.errors import InputError
from scmgraph.model import Document
from scmgraph.read.reader import find_communiques, read_document

CORPUS = Path(__file__).parent / ".." / "data" / "communiques"
CHROME = ("official website", "Here's how you know", "Search News", "Public Release")
CHROME += ("Mirage", "Archive", "Topics", "Home : Media", "View in full here", "NEWS |")


@pytest.fixture(scope="module")
def doc052() -> Document:
    return read_document(CORPUS / "052_scm_2020.txt")


@pytest.fixture(scope="module")
def doc053() -> Document:
    return read_document(CORPUS / "053_scm_2021.txt")


@pytest.fixture(scope="module", params=["052_scm_2020.txt", "053_scm_2021.txt"])
def corpus_doc(request: pytest.FixtureRequest) -> Document:
    return read_document(CORPUS / request.param)


def sentence_texts(doc: Document, paragraph: int) -> list[str]:
    return [s.text for s in doc.paragraphs[paragraph - 1].sentences]


def assert_offsets(doc: Document, text: str) -> None:
    """Every sentence's offsets slice its (whitespace-collapsed) text out of `text`."""
    for paragraph in doc.paragraphs:
        assert paragraph.begin == paragraph.sentences[0].begin
        assert paragraph.end == paragraph.sentences[-1].end
        for sentence in paragraph.sentences:
            piece = text[sentence.begin : sentence.end]
            assert " ".join(piece.split()) == sentence.text
            assert not piece[0].isspace() and not piece[-1].isspace()


# --- the real corpus -----------------------------------------------------------


def test_corpus_paragraph_numbers(doc052: Document, doc053: Document) -> None:
    assert [p.number for p in doc052.paragraphs] == list(range(1, 21))
    assert [p.number for p in doc053.paragraphs] == list(range(1, 22))


def test_corpus_titles(doc052: Document, doc053: Document) -> None:
    assert doc052.title == (
        "Joint Communique of the 52nd U.S.-Republic of Korea Security Consultative Meeting"
    )
    assert doc053.title == "53rd Security Consultative Meeting Joint Communique"


def test_corpus_source_file(doc052: Document) -> None:
    path = CORPUS / "052_scm_2020.txt"
    assert doc052.name == "052_scm_2020"
    assert doc052.source.media_type == "text/plain"
    assert doc052.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc052.source.text == path.read_bytes().decode("utf-8")


@pytest.mark.parametrize(
    ("name", "paragraph", "first", "last"),
    [
        (
            "052_scm_2020",
            1,
            "The 52nd United States (U.S.)-Republic of Korea (ROK) Security Consultative "
            "Meeting (SCM) was held in Washington, D.C., on October 14, 2020.",
            "On October 13, 2020, U.S. Chairman of the Joint Chiefs of Staff, General Mark "
            "Milley, and ROK Chairman of the Joint Chiefs of Staff, General Won In-choul, "
            "presided over the 45th U.S.-ROK Military Committee Meeting (MCM).",
        ),
        (
            "052_scm_2020",
            20,
            "Secretary Esper and Minister Suh expressed appreciation for the courtesy, "
            "hospitality, and work by both sides that contributed to the success of this "
            "year’s SCM.",
            "Both sides expect to hold the 53rd SCM and 46th MCM in Seoul at a mutually "
            "convenient time in 2021.",
        ),
        (
            "053_scm_2021",
            2,
            "The Minister and the Secretary reaffirmed the vision of the leaders of both "
            "nations, for a region governed by democratic norms, human rights, and the rule "
            "of law, as affirmed in the May 2021 ROK-U.S. Summit.",
            "Both sides pledged to continue to develop the Alliance—the linchpin of peace and "
            "stability on the Korean Peninsula and in Indo-Pacific region—in a mutually "
            "reinforcing and future-oriented manner.",
        ),
        (
            "053_scm_2021",
            21,
            "Minister Suh and Secretary Austin expressed appreciation for the courtesy, "
            "hospitality, and work by both sides that contributed to the success of this "
            "year's SCM.",
            "Both sides expect to hold the 54th SCM and 47th MCM in Washington, D.C., at a "
            "mutually convenient time in 2022.",
        ),
    ],
)
def test_corpus_first_and_last_sentences(name: str, paragraph: int, first: str, last: str) -> None:
    texts = sentence_texts(read_document(CORPUS / f"{name}.txt"), paragraph)
    assert texts[0] == first
    assert texts[-1] == last


@pytest.mark.parametrize(
    ("name", "paragraph", "count"),
    [
        ("052_scm_2020", 1, 3),
        ("052_scm_2020", 3, 4),
        ("052_scm_2020", 15, 2),
        ("052_scm_2020", 17, 1),
        ("053_scm_2021", 2, 4),  # 2 sentences + an unnumbered block of 2
        ("053_scm_2021", 3, 10),  # 2 + 3 + 5 over three blocks
        ("053_scm_2021", 12, 6),
        ("053_scm_2021", 18, 1),
    ],
)
def test_corpus_sentence_counts(name: str, paragraph: int, count: int) -> None:
    assert len(sentence_texts(read_document(CORPUS / f"{name}.txt"), paragraph)) == count


def test_unnumbered_blocks_belong_to_their_paragraph(doc053: Document) -> None:
    assert sentence_texts(doc053, 2)[2] == (
        "The Minister and the Secretary noted that the SCM has played a pivotal role in the "
        "continued development of the ROK-U.S. Alliance, and will continue to be a cornerstone "
        "venue to discuss and affirm national commitments."
    )
    assert sentence_texts(doc053, 3)[-1] == (
        "Both leaders urged the DPRK to uphold its international agreements."
    )
    assert sentence_texts(doc053, 4)[-1].startswith("Secretary Austin expressed support")


def test_block_end_is_a_sentence_end(doc053: Document) -> None:
    # the first block of paragraph 12 ends without a full stop
    assert sentence_texts(doc053, 12)[1].endswith("Future Combined Forces Command (F-CFC)")
    assert sentence_texts(doc053, 12)[2].startswith("The Minister and the Secretary reaffirmed")


def test_no_chrome_in_paragraphs(corpus_doc: Document) -> None:
    for paragraph in corpus_doc.paragraphs:
        for sentence in paragraph.sentences:
            assert not any(word in sentence.text for word in CHROME), sentence.text
    last = corpus_doc.paragraphs[-1]
    assert not any(word in last.text for word in CHROME)
    assert last.sentences[-1].text.startswith("Both sides expect to hold the")


def test_offsets_slice_the_file(corpus_doc: Document) -> None:
    text = (CORPUS / f"{corpus_doc.name}.txt").read_bytes().decode("utf-8")
    assert_offsets(corpus_doc, text)
    for paragraph in corpus_doc.paragraphs:
        assert re.search(rf"(^|\n){paragraph.number}\. $", text[: paragraph.begin])
        for number, sentence in enumerate(paragraph.sentences, start=1):
            assert (sentence.paragraph, sentence.number) == (paragraph.number, number)


def test_abbreviations_do_not_end_sentences(corpus_doc: Document, doc052: Document) -> None:
    held = [s.text for s in doc052.sentences() if "Washington, D.C., on October 14, 2020" in s.text]
    assert held == [sentence_texts(doc052, 1)[0]]
    for sentence in corpus_doc.sentences():
        assert not sentence.text.startswith(("-Republic", ", on October", ", at a"))
        assert not sentence.text.endswith(("U.S.", "D.C.")), sentence.text
        assert sentence.text[0].isupper(), sentence.text
    assert any(
        s.text.startswith("U.S. Secretary of Defense Mark Esper") for s in doc052.sentences()
    )


# --- synthetic plain text ------------------------------------------------------

WRAPPED = """\
Skip to main content
Home | News | About
Published Oct. 14, 2020

Joint Communique of the 1st Test Consultative Meeting
Share this page

1. The Secretary and the Minister met in Seoul. Gen. Paul J. LaCamera,
Jr. briefed them on the plan approved in
1978. The two sides reviewed Annex No. 7 of the plan and the treaty in Article
2. Both sides agreed.

Advertisement

The two leaders also met in Washington, D.C., on October 14,
2020, with their staffs.

3. The Secretary thanked the Minister for the talks in the U.S.
capital.

The ministers also thanked the staff.

Search News
Archive
Topics
COVID-19    COVID Archive    travel guidance    USFK    alliance
/Public Release. This material from the originating organization/author(s) might be of
the point-in-time nature. View in full here.
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def test_hard_wrapped_plain_text(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "wrapped.txt", WRAPPED))
    assert doc.title == "Joint Communique of the 1st Test Consultative Meeting"
    assert [p.number for p in doc.paragraphs] == [1, 3]  # "1978." and "2." are wrapped lines
    assert sentence_texts(doc, 1) == [
        "The Secretary and the Minister met in Seoul.",
        "Gen. Paul J. LaCamera, Jr. briefed them on the plan approved in 1978.",
        "The two sides reviewed Annex No. 7 of the plan and the treaty in Article 2.",
        "Both sides agreed.",
        "The two leaders also met in Washington, D.C., on October 14, 2020, with their staffs.",
    ]
    assert [s.text for s in doc.paragraphs[1].sentences] == [
        "The Secretary thanked the Minister for the talks in the U.S. capital.",
        "The ministers also thanked the staff.",
    ]
    assert_offsets(doc, WRAPPED)
    assert WRAPPED[doc.paragraphs[0].begin :].startswith("The Secretary and")


def test_footer_glued_to_last_sentence_is_dropped(tmp_path: Path) -> None:
    text = "Title\n\n1. The two sides met in Seoul.\nView in full here.\nSearch News\n"
    doc = read_document(write(tmp_path, "glued.txt", text))
    assert doc.title is None
    assert [s.text for s in doc.sentences()] == ["The two sides met in Seoul."]


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    crlf = WRAPPED.replace("\n", "\r\n")
    doc = read_document(write(tmp_path, "crlf.txt", crlf))
    assert doc.source.text == crlf
    assert_offsets(doc, crlf)
    lf = read_document(write(tmp_path, "lf.txt", WRAPPED))
    assert [s.text for s in doc.sentences()] == [s.text for s in lf.sentences()]
    assert "\r\n" in crlf[doc.paragraphs[0].sentences[1].begin : doc.paragraphs[0].sentences[1].end]


def test_bom_is_kept_as_a_character(tmp_path: Path) -> None:
    text = "\ufeffJoint Communique\n1. The sides met. They agreed.\n"
    doc = read_document(write(tmp_path, "bom.txt", text))
    assert doc.source.text == text
    assert doc.title == "Joint Communique"
    assert text[doc.sentences()[1].begin : doc.sentences()[1].end] == "They agreed."


# --- synthetic HTML ------------------------------------------------------------

HTML = """\
<!DOCTYPE html>
<html><head><title>Joint Communiqu&eacute; (head)</title>
<style>p { color: red; }</style>
<script>var chrome = "1. Not a paragraph.";</script></head>
<body>
<header><a href="/">Home</a> Here&#8217;s how you know</header>
<nav><ul><li>1. Menu item</li><li>Search News</li></ul></nav>
<h1>Joint Communiqu&eacute; of the 99th Meeting</h1>
<p>1. The Secretary &amp; the Minister met in Washington, D.C., on October 14, 2020.&nbsp; They
discussed the Alliance&#8217;s&nbsp;posture.</p>
<p><strong>2.</strong> Gen. Robert Abrams briefed the ministers. <b>Both sides</b> agreed.<br>
The meeting closed.</p>
<div>The leaders noted the importance of No. 7 in the list.</div>
<footer><p>/Public Release. View in full here.</p></footer>
<script>document.write("3. Injected.");</script>
</body></html>
"""


def test_html_communique(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "page.html", HTML))
    assert doc.source.media_type == "text/html"
    assert doc.title == "Joint Communiqué of the 99th Meeting"
    assert [p.number for p in doc.paragraphs] == [1, 2]
    assert [s.text for s in doc.sentences()] == [
        "The Secretary & the Minister met in Washington, D.C., on October 14, 2020.",
        "They discussed the Alliance’s posture.",
        "Gen. Robert Abrams briefed the ministers.",
        "Both sides agreed.",
        "The meeting closed.",
        "The leaders noted the importance of No. 7 in the list.",
    ]
    raw = [HTML[s.begin : s.end] for s in doc.sentences()]
    assert raw[0] == (
        "The Secretary &amp; the Minister met in Washington, D.C., on October 14, 2020."
    )
    assert raw[1] == "They\ndiscussed the Alliance&#8217;s&nbsp;posture."
    assert raw[3] == "Both sides</b> agreed."
    assert HTML[: doc.paragraphs[0].begin].endswith("<p>1. ")
    assert HTML[: doc.paragraphs[1].begin].endswith("</strong> ")


LIST_PAGE = """<html><body><article>
<p>1. The 9th Joint Meeting was held in Seoul on May 2, 2031.</p>
<p>2. Both sides decided to take the following steps by 2032:</p>
<ul><li>expand the exchange of data;</li><li>develop a joint plan; and</li>
<li>establish a new office.</li></ul>
<p>They reviewed the results.</p>
</article></body></html>
"""


def test_a_list_after_a_colon_continues_the_sentence(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "list.html", LIST_PAGE))
    assert sentence_texts(doc, 2) == [
        "Both sides decided to take the following steps by 2032: expand the exchange of data; "
        "develop a joint plan; and establish a new office.",
        "They reviewed the results.",
    ]
    first = doc.paragraphs[1].sentences[0]
    assert LIST_PAGE[first.begin : first.end].startswith("Both sides decided")
    assert LIST_PAGE[first.begin : first.end].endswith("a new office.")


ORDERED_PAGE = """<!DOCTYPE html><html><body>
<header><ol class="crumbs"><li>Home</li><li>News</li></ol></header>
<main><article><h1>Joint Communiqué of the 9th Joint Meeting</h1>
<ol class="communique" start="1">
<li><p>The 9th Joint Meeting was held in Seoul on May 2, 2031.</p></li>
<li><p>Both sides reaffirmed the Treaty.</p><p>They decided to meet again.</p></li>
<li>The two sides noted the report: <ol><li>on training;</li><li>on bases.</li></ol></li>
</ol></article>
<aside><ol><li>Most read: the 8th Joint Meeting.</li></ol></aside></main>
</body></html>
"""


def test_an_ordered_list_numbers_the_paragraphs_a_page_does_not(tmp_path: Path) -> None:
    """A page whose paragraphs are the items of an ordered list, numbered by the browser
    and not in the text: the items of the outermost list are the paragraphs."""
    doc = read_document(write(tmp_path, "ordered.html", ORDERED_PAGE))
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    assert sentence_texts(doc, 2) == [
        "Both sides reaffirmed the Treaty.",
        "They decided to meet again.",
    ]
    assert sentence_texts(doc, 3) == ["The two sides noted the report: on training; on bases."]
    first = doc.paragraphs[0].sentences[0]
    assert ORDERED_PAGE[first.begin : first.end] == (
        "The 9th Joint Meeting was held in Seoul on May 2, 2031."
    )


def test_html_unclosed_head_still_reads_body(tmp_path: Path) -> None:
    page = "<html><head><title>x</title><body><p>1. The sides met.</p></body></html>"
    doc = read_document(write(tmp_path, "page.htm", page))
    assert [s.text for s in doc.sentences()] == ["The sides met."]


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \r\n\n\t", "empty file"),
        ("binary.txt", b"1. The sides\x00met.\n", "binary file"),
        ("latin1.txt", b"1. Caf\xe9 talks ended.\n", "not valid UTF-8 (byte 0xe9 at offset 6)"),
        ("prose.txt", b"Just a page about the meeting.\n", "no numbered paragraphs"),
        ("report.pdf", b"%PDF-1.4\n1. The sides met.\n", "unknown extension '.pdf'"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes, phrase: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(write(tmp_path, name, content))
    assert name in str(caught.value)
    assert phrase in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.txt: file not found"):
        read_document(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match=r"folder\.txt: is a directory"):
        read_document(tmp_path / "folder.txt")


def test_find_communiques(tmp_path: Path) -> None:
    assert [p.name for p in find_communiques(CORPUS)] == ["052_scm_2020.txt", "053_scm_2021.txt"]
    for name in ("b.html", "a.txt", "c.htm", "d.text", "notes.md", "e.pdf"):
        write(tmp_path, name, "1. x.")
    assert [p.name for p in find_communiques(tmp_path)] == ["a.txt", "b.html", "c.htm", "d.text"]


def test_find_communiques_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nowhere: corpus folder not found"):
        find_communiques(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: no communiqué files"):
        find_communiques(tmp_path / "empty")
    write(tmp_path, "empty/README.md", "1. Not a communiqué.")
    with pytest.raises(InputError, match=r"empty: no communiqué files"):
        find_communiques(tmp_path / "empty")
    with pytest.raises(InputError, match=r"README\.md: not a folder"):
        find_communiques(tmp_path / "empty" / "README.md")


# --- properties ----------------------------------------------------------------

WORDS = st.sampled_from(
    ["the", "Alliance", "U.S.", "ROK", "Gen.", "No.", "2020,", "D.C.,", "pledged", "—", "’s"]
)
SENTENCES = st.lists(WORDS, min_size=3, max_size=12).map(lambda w: "The " + " ".join(w) + ".")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    paragraphs=st.lists(st.lists(SENTENCES, min_size=1, max_size=4), min_size=1, max_size=4),
    width=st.integers(min_value=20, max_value=120),
    newline=st.sampled_from(["\n", "\r\n"]),
    space=st.sampled_from([" ", "\u00a0 ", "  "]),
)
# Two wrapped lines of a paragraph that differ only in case are prose, not a running header.
@example(
    paragraphs=[["The the the the."] * 2 + ["The the the the the.", "The the the the."]],
    width=20,
    newline="\n",
    space=" ",
)
def test_offsets_hold_for_any_wrapping(
    tmp_path: Path, paragraphs: list[list[str]], width: int, newline: str, space: str
) -> None:
    blocks = ["Home | News", "Joint Communique"]
    for number, sentences in enumerate(paragraphs, start=1):
        body = textwrap.fill(f"{number}. " + " ".join(sentences), width, break_long_words=False)
        blocks.append(body.replace(". ", "." + space))
    blocks.append("Search News")
    text = "\n\n".join(blocks).replace("\n", newline)
    doc = read_document(write(tmp_path, "prop.txt", text))
    assert [p.number for p in doc.paragraphs] == list(range(1, len(paragraphs) + 1))
    assert_offsets(doc, text)
    for paragraph, sentences in zip(doc.paragraphs, paragraphs, strict=True):
        assert paragraph.text == " ".join(" ".join(sentences).split())
