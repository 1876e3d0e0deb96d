"""Publication forms of a communiqué: PDF-extracted text, syndication copy, saved HTML
and web-page text are read into the same paragraphs and sentences, with offsets that
point at the characters of the file."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from scmgraph.errors import InputError
from scmgraph.extract.entities import char_offsets
from scmgraph.model import Document
from scmgraph.read.reader import read_document

DEVSET = Path(__file__).parent / "fixtures" / "devset"


def read(tmp_path: Path, name: str, text: str) -> Document:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return read_document(path)


def texts(doc: Document, number: int) -> list[str]:
    return [s.text for s in doc.paragraphs[number - 1].sentences]


def assert_exact_map(doc: Document) -> None:
    """Every character of every sentence points at the same character in the file."""
    source = doc.source.text
    for sentence in doc.sentences():
        assert len(sentence.offsets) == len(sentence.text)
        assert sentence.offsets[0] == sentence.begin
        assert sentence.offsets[-1] == sentence.end - 1
        assert list(sentence.offsets) == sorted(sentence.offsets)
        for char, offset in zip(sentence.text, sentence.offsets, strict=True):
            if char == " ":
                assert source[offset].isspace() or source[offset] in "<&"
            elif doc.source.media_type == "text/plain":
                assert source[offset] == char


# --- text extracted from a PDF ---------------------------------------------------------

PDF = """Appendix 4 | 2030 Annual Report
90

Appendix 4
Joint Communiqué of the 62nd Security Consultative Meeting

1. The 62
nd Security Consultative Meeting (SCM) was held in Seoul on October 2, 2030. The Secre-
tary and the Minister led their delegations.
  2. The two sides reaffirmed the ROK-
U.S. Alliance and agreed to review cost-
sharing before the 63
rd
SCM. They noted that cost-sharing remains a shared task. The Minister wel-

Appendix 4 | 2030 Annual Report
91

comed the plan.
3. The Secretary pledged support.

Appendix 4 | 2030 Annual Report
92

4. Both sides agreed to meet again next year.

Appendix 4 | 2030 Annual Report
93
"""


@pytest.fixture()
def pdf(tmp_path: Path) -> Document:
    return read(tmp_path, "pdf.txt", PDF)


def test_pdf_paragraphs_and_sentences(pdf: Document) -> None:
    assert [p.number for p in pdf.paragraphs] == [1, 2, 3, 4]
    assert texts(pdf, 1) == [
        "The 62nd Security Consultative Meeting (SCM) was held in Seoul on October 2, 2030.",
        "The Secretary and the Minister led their delegations.",
    ]
    assert texts(pdf, 2) == [
        "The two sides reaffirmed the ROK-U.S. Alliance and agreed to review cost-sharing "
        "before the 63rd SCM.",
        "They noted that cost-sharing remains a shared task.",
        "The Minister welcomed the plan.",  # joined across the page break
    ]
    assert texts(pdf, 3) == ["The Secretary pledged support."]
    assert texts(pdf, 4) == ["Both sides agreed to meet again next year."]
    assert all("Appendix" not in s.text and "Report" not in s.text for s in pdf.sentences())
    assert pdf.title == "Joint Communiqué of the 62nd Security Consultative Meeting"


def test_pdf_offsets_map_every_character_back(pdf: Document) -> None:
    assert_exact_map(pdf)
    first = pdf.paragraphs[0].sentences[0]
    assert PDF[first.begin : first.end] == (
        "The 62\nnd Security Consultative Meeting (SCM) was held in Seoul on October 2, 2030."
    )
    secretary = pdf.paragraphs[0].sentences[1]
    assert PDF[secretary.begin : secretary.end].startswith("The Secre-\ntary and")
    # "Secretary": the hyphen and the line break are dropped, each letter keeps its place
    at = secretary.text.index("Secretary")
    letters = secretary.offsets[at : at + len("Secretary")]
    assert "".join(PDF[o] for o in letters) == "Secretary"
    assert PDF[letters[4] + 1 : letters[5]] == "-\n"
    welcomed = pdf.paragraphs[1].sentences[-1]
    assert PDF[welcomed.begin : welcomed.end] == (
        "The Minister wel-\n\nAppendix 4 | 2030 Annual Report\n91\n\ncomed the plan."
    )


def test_pdf_with_windows_line_ends_reads_the_same(tmp_path: Path, pdf: Document) -> None:
    crlf = read(tmp_path, "crlf.txt", PDF.replace("\n", "\r\n"))
    assert [s.text for s in crlf.sentences()] == [s.text for s in pdf.sentences()]
    assert_exact_map(crlf)


def test_a_hyphen_before_a_capital_is_kept(pdf: Document) -> None:
    sentence = pdf.paragraphs[1].sentences[0]
    at = sentence.text.index("ROK-U.S.")
    assert PDF[sentence.offsets[at + 3] : sentence.offsets[at + 4]] == "-\n"


def test_page_furniture_alone_is_not_dropped_from_prose(tmp_path: Path) -> None:
    # A number inside a sentence and a title said once are text, not furniture.
    doc = read(
        tmp_path,
        "plain.txt",
        "Annual Report\n\n1. The sides met in\n2030\nin Seoul.\n\n2. They agreed.\n",
    )
    assert texts(doc, 1) == ["The sides met in 2030 in Seoul."]
    assert texts(doc, 2) == ["They agreed."]


# --- syndication copy --------------------------------------------------------------------

SYNDICATION = """Text of joint communique issued after 60th defense talks

SEOUL, Oct. 2 (Example News) -- Below is the text of the joint communique released on Monday.

1. The 60th Security Consultative Meeting (SCM) was held in Seoul on October 2, 2028.

2. The two sides reaffirmed the Alliance.

They also welcomed the progress of the KIDD.

3. The Minister thanked the Secretary.

(END)

/Example News/ desk@example.org
(C) 2028 Example News Agency. All rights reserved.
"""


def test_syndication_copy(tmp_path: Path) -> None:
    doc = read(tmp_path, "wire.txt", SYNDICATION)
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    assert texts(doc, 2) == [
        "The two sides reaffirmed the Alliance.",
        "They also welcomed the progress of the KIDD.",
    ]
    assert texts(doc, 3) == ["The Minister thanked the Secretary."]
    assert SYNDICATION[doc.paragraphs[0].begin :].startswith("The 60th Security")
    assert_exact_map(doc)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_end_mark_ends_the_text_even_glued_to_the_last_sentence(
    tmp_path: Path, newline: str
) -> None:
    text = SYNDICATION.replace("Secretary.\n\n(END)", "Secretary. (END)").replace("\n", newline)
    doc = read(tmp_path, "wire.txt", text)
    assert texts(doc, 3) == ["The Minister thanked the Secretary."]
    assert not doc.warnings


# --- saved HTML ----------------------------------------------------------------------------

HTML = """<html><head><title>Release</title><style>p{}</style></head><body>
<nav><ul><li>Home</li><li>News</li></ul></nav>
<div class="crumbs">Home &gt; Releases</div>
<article>
<h1>Joint Communiqu&eacute; of the 61st SCM</h1>
<p>1. The 61st SCM was held in Washington, D.C., on October&nbsp;30, 2029.</p>
<p>2. The Secretary and the Minister &ldquo;<b>reaffirmed</b>&rdquo; the
<a href="#">Alliance&rsquo;s</a> strength and committed to:</p>
<ul><li>completing the review in 2030;</li><li>holding drills; and</li>
<li>meeting again.</li></ul>
<p>They noted the report of the 54th MCM.</p>
<p>3. Both sides agreed.</p>
</article>
<footer><p>Privacy &amp; Terms</p></footer>
</body></html>
"""


def test_saved_html(tmp_path: Path) -> None:
    doc = read(tmp_path, "page.html", HTML)
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    assert texts(doc, 1) == ["The 61st SCM was held in Washington, D.C., on October 30, 2029."]
    assert texts(doc, 2) == [
        "The Secretary and the Minister “reaffirmed” the Alliance’s strength and committed to: "
        "completing the review in 2030; holding drills; and meeting again.",
        "They noted the report of the 54th MCM.",
    ]
    assert texts(doc, 3) == ["Both sides agreed."]
    assert_exact_map(doc)
    reaffirmed = doc.paragraphs[1].sentences[0]
    at = reaffirmed.text.index("“")
    assert HTML[reaffirmed.offsets[at] :].startswith("&ldquo;<b>reaffirmed")


# --- web-page text -------------------------------------------------------------------------

WEB = """An official website of the United States government
Here's how you know
Home > News > Releases
61st Security Consultative Meeting Joint Communique
Oct. 30, 2029
Share this:
1. The 61st SCM was held in Seoul on October 30, 2029.
2. The two sides reaffirmed the Alliance. They pledged to meet again.
Share this:
Related Articles
Secretary visits Seoul
"""


def test_web_page_text(tmp_path: Path) -> None:
    doc = read(tmp_path, "web.txt", WEB)
    assert [p.number for p in doc.paragraphs] == [1, 2]
    assert texts(doc, 2) == [
        "The two sides reaffirmed the Alliance.",
        "They pledged to meet again.",
    ]
    assert doc.title == "61st Security Consultative Meeting Joint Communique"
    assert_exact_map(doc)


# --- the development set -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "paragraphs"),
    [
        ("047_scm_2015.txt", 16),
        ("050_scm_2018.txt", 17),
        ("056_scm_2024.html", 18),
        ("057_scm_2025.txt", 18),
        ("../own/048_scm_2016.html", 16),
    ],
)
def test_devset_sentences_are_cut_as_the_gold_cuts_them(name: str, paragraphs: int) -> None:
    # The last case is a ministry page laid out in tables, each paragraph a block
    # whose number "1)" sits in an element of its own.
    doc = read_document(DEVSET / name)
    assert [p.number for p in doc.paragraphs] == list(range(1, paragraphs + 1))
    assert not doc.warnings
    assert_exact_map(doc)
    gold_path = (DEVSET / name).parent / "gold" / f"{Path(name).stem}.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    read_texts = {(s.paragraph, s.text) for s in doc.sentences()}
    missing = [
        (st["paragraph"], st["text"])
        for st in gold["statements"]
        if (st["paragraph"], st["text"]) not in read_texts
    ]
    assert missing == []


@pytest.mark.parametrize("number", ["1. ", ""])
def test_paragraph_1_after_the_dateline(tmp_path: Path, number: str) -> None:
    text = (
        "S. Korea, U.S. hold 60th defense talks\n\n"
        f"WASHINGTON, Oct. 2 (Example News) -- {number}The 60th Security Consultative Meeting "
        "(SCM) was held in Washington, D.C., on October 2, 2028.\n\n"
        "2. The two sides reaffirmed the Alliance.\n\n(END)\n"
    )
    doc = read(tmp_path, "wire.txt", text)
    assert [p.number for p in doc.paragraphs] == [1, 2]
    assert texts(doc, 1) == [
        "The 60th Security Consultative Meeting (SCM) was held in Washington, D.C., "
        "on October 2, 2028."
    ]
    assert text[doc.paragraphs[0].begin :].startswith("The 60th Security")
    assert_exact_map(doc)


def test_a_dateline_without_paragraph_2_is_not_a_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text("SEOUL, Nov. 2 (Example News) -- The talks ended.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no numbered paragraphs found"):
        read_document(path)


def test_one_page_break_inside_paragraph_1(tmp_path: Path) -> None:
    # A two-page copy: the header shows once, inside the meeting sentence, and the
    # title above paragraph 1 sits beside the first page number but is kept.
    text = (
        "Joint Communiqué of the 58th SCM\n12\n\n"
        "1. The 58th U.S.-ROK Security Consultative Meeting (SCM) was held in Washing-\n\n"
        "2026 Defense White Paper\n13\n\n"
        "ton, D.C., on November 4, 2026. The two delegations met.\n"
        "2. The Secretary thanked the Minister.\n"
        "White Paper | 14\n"
    )
    doc = read(tmp_path, "two_pages.txt", text)
    assert doc.title == "Joint Communiqué of the 58th SCM"
    assert texts(doc, 1) == [
        "The 58th U.S.-ROK Security Consultative Meeting (SCM) was held in Washington, D.C., "
        "on November 4, 2026.",
        "The two delegations met.",
    ]
    assert texts(doc, 2) == ["The Secretary thanked the Minister."]
    assert_exact_map(doc)


def test_page_numbers_counting_up_without_blank_lines(tmp_path: Path) -> None:
    text = (
        "1. The sides met in\n7\nSeoul on May 1, 2030.\n2. They agreed to meet\n8\n"
        "again. They parted.\n"
    )
    doc = read(tmp_path, "count.txt", text)
    assert texts(doc, 1) == ["The sides met in Seoul on May 1, 2030."]
    assert texts(doc, 2) == ["They agreed to meet again.", "They parted."]
    assert_exact_map(doc)


@pytest.mark.parametrize(
    "path",
    [
        Path(__file__).parent / ".." / "data" / "communiques" / "052_scm_2020.txt",
        Path(__file__).parent / "fixtures" / "annotated" / "055_scm_2023.html",
        DEVSET / "056_scm_2024.html",
        DEVSET / "057_scm_2025.txt",
    ],
)
def test_the_map_agrees_with_a_walk_through_the_file(path: Path) -> None:
    # Where nothing was dropped but whitespace, tags and references, walking the file
    # and the sentence in step gives each character's offset independently.
    doc = read_document(path)
    for sentence in doc.sentences():
        walked = char_offsets(doc.source, dataclasses.replace(sentence, offsets=()))
        assert list(sentence.offsets) == walked


def test_a_raised_suffix_set_apart_on_its_line_is_joined(tmp_path: Path) -> None:
    text = "1. The 61 st SCM and the 54 th MCM met; 3 rd parties and 12 nd were not.\n"
    doc = read(tmp_path, "suffix.txt", text)
    assert texts(doc, 1) == ["The 61st SCM and the 54th MCM met; 3rd parties and 12 nd were not."]
    assert_exact_map(doc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "1. The 62nd Republic of Korea (ROK) and United States (U.S.)\n\n"
            "Appendix 4 | 2030 Annual Report\n90\n\n"
            "Security Consultative Meeting (SCM) was held in Seoul. Secretary of Defense "
            "Lloyd J.\n\n"
            "Appendix 4 | 2030 Annual Report\n91\n\n"
            "Roe led the U.S. delegation with Gen.\n\n"
            "Appendix 4 | 2030 Annual Report\n92\n\n"
            "John Doe, Chairman of the Joint Chiefs of Staff. They met.\n\n"
            "Appendix 4 | 2030 Annual Report\n93\n\n"
            "The two sides agreed.\n\n"
            "2. Both sides met again.\n",
            {
                1: [
                    "The 62nd Republic of Korea (ROK) and United States (U.S.) Security "
                    "Consultative Meeting (SCM) was held in Seoul.",
                    "Secretary of Defense Lloyd J. Roe led the U.S. delegation with Gen. John "
                    "Doe, Chairman of the Joint Chiefs of Staff.",
                    "They met.",
                    "The two sides agreed.",
                ],
                2: ["Both sides met again."],
            },
            id="after an initial or an abbreviation",
        ),
        pytest.param(
            "1. The two Chairmen presided over the 40th\n\n"
            "Appendix 9 | 2015 Annual Report\n212\n\n"
            "Military Committee Meeting (MCM). The 47\nth\n"
            "Security Consultative Meeting (SCM) was held in Seoul.\n\n"
            "2. They met.\n",
            {
                1: [
                    "The two Chairmen presided over the 40th Military Committee Meeting (MCM).",
                    "The 47th Security Consultative Meeting (SCM) was held in Seoul.",
                ]
            },
            id="a short first line",
        ),
        pytest.param(  # as short as a running header, right under the page number: prose
            # carried over when it opens in lower case or breaks a word at its end
            "1. The 61st SCM was held in Seoul on October 20, 2029.\n\n"
            "2. The Minister stressed that the ROK would continue to provide\n\n"
            "                         61st SCM Joint Communique\n"
            "                               Page 1 of 3\n"
            "\f   energy assistance to North Korea in step with the progress of denucleari-\n"
            "   zation. Both sides welcomed the talks.\n\n"
            "3. They agreed to meet again and to review the plan within the next\n\n"
            "                         61st SCM Joint Communique\n"
            "                               Page 2 of 3\n"
            "\f   year in Seoul.\n",
            {
                2: [
                    "The Minister stressed that the ROK would continue to provide energy "
                    "assistance to North Korea in step with the progress of denuclearization.",
                    "Both sides welcomed the talks.",
                ],
                3: [
                    "They agreed to meet again and to review the plan within the next year in "
                    "Seoul."
                ],
            },
            id="prose under a page number",
        ),
    ],
)
def test_the_text_runs_on_over_a_page_break(
    tmp_path: Path, text: str, expected: dict[int, list[str]]
) -> None:
    doc = read(tmp_path, "broken.txt", text)
    assert {number: texts(doc, number) for number in expected} == expected
    assert_exact_map(doc)


def test_a_lettered_sub_item_continues_its_paragraph_without_its_letter(tmp_path: Path) -> None:
    text = (
        "<html><body><p>1. The 61st SCM was held in Seoul on October 20, 2029.</p>\n"
        "<p>2. Both Ministers assessed the exercises.</p>\n"
        "<p>a. They noted that the drill had succeeded.</p>\n"
        "<p>(b) They agreed to hold it every summer.</p>\n"
        "<p>3. They met again.</p></body></html>\n"
    )
    doc = read(tmp_path, "lettered.html", text)
    assert texts(doc, 2) == [
        "Both Ministers assessed the exercises.",
        "They noted that the drill had succeeded.",
        "They agreed to hold it every summer.",
    ]
    assert_exact_map(doc)


# --- numbering styles and numbers set apart -------------------------------------------------

NUMBERED = [
    "The 62nd SCM was held in Seoul on October 2, 2030.",
    "The two sides reaffirmed the Alliance. They pledged to meet again.",
    "Both sides agreed.",
]


@pytest.mark.parametrize("style", ["{}. ", "{}) ", "({}) ", "{} . ", "  {})\t"])
def test_each_numbering_style_of_the_genre_opens_paragraphs(tmp_path: Path, style: str) -> None:
    text = "Joint Communiqué\n\n" + "\n\n".join(
        style.format(n) + body for n, body in enumerate(NUMBERED, start=1)
    )
    doc = read(tmp_path, "styles.txt", text + "\n")
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    assert texts(doc, 2) == [
        "The two sides reaffirmed the Alliance.",
        "They pledged to meet again.",
    ]
    assert text[doc.paragraphs[2].begin :] == "Both sides agreed."
    assert_exact_map(doc)


def test_a_number_alone_on_its_line_opens_the_paragraph_below(tmp_path: Path) -> None:
    text = "1)\nThe 62nd SCM was held in Seoul.\n\n2)\n\nThe two sides met.\nThey agreed to meet.\n"
    doc = read(tmp_path, "alone.txt", text)
    assert [p.number for p in doc.paragraphs] == [1, 2]
    assert texts(doc, 1) == ["The 62nd SCM was held in Seoul."]
    assert texts(doc, 2) == ["The two sides met.", "They agreed to meet."]
    assert doc.paragraphs[1].begin == text.index("The two sides")
    assert_exact_map(doc)


TABLE_PAGE = """<html><body><div id="menu"><a href="/">Home</a></div>
<table class="view"><tr><td class="no">1.</td><td class="txt">The 62nd SCM was held
in Seoul on October 2, 2030.</td></tr>
<tr><td class="no">2.</td><td class="txt">The two sides <em>reaffirmed</em> the
Alliance.<br/>They pledged to meet again.</td></tr></table>
<div class="para"><span class="num">3)</span> Both sides agreed.</div>
<p class="copy">Copyright 2030. All rights reserved.</p>
</body></html>
"""

DIV_PAGE = """<html><body><p>Press Release</p>
<div class="para"><span class="num">1)</span>
  The 62nd SCM was held in Seoul on October 2, 2030.</div>
<div class="para"><span class="num">2)</span>
  The two sides&nbsp;reaffirmed the Alliance&#8217;s role.<br />They pledged to meet again.
</div>
<div class="para"><p class="num">3)</p><p>Both sides agreed.</p></div>
<div class="footer">List | Print</div>
</body></html>
"""


def test_numbers_in_table_cells_open_the_paragraph_in_the_next_cell(tmp_path: Path) -> None:
    doc = read(tmp_path, "table.html", TABLE_PAGE)
    assert [p.number for p in doc.paragraphs] == [1, 2]  # "3)" is not the page's style
    assert texts(doc, 1) == ["The 62nd SCM was held in Seoul on October 2, 2030."]
    assert texts(doc, 2)[:2] == [
        "The two sides reaffirmed the Alliance.",
        "They pledged to meet again.",
    ]
    assert_exact_map(doc)
    assert TABLE_PAGE[doc.paragraphs[1].begin :].startswith("The two sides <em>")


def test_block_paragraphs_numbered_in_their_own_element(tmp_path: Path) -> None:
    doc = read(tmp_path, "divs.html", DIV_PAGE)
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    assert texts(doc, 2) == [
        "The two sides reaffirmed the Alliance’s role.",
        "They pledged to meet again.",
    ]
    assert texts(doc, 3) == ["Both sides agreed."]
    assert DIV_PAGE[doc.paragraphs[2].begin :].startswith("Both sides agreed.</p>")
    assert_exact_map(doc)


def test_an_enumeration_inside_a_paragraph_opens_no_paragraph(tmp_path: Path) -> None:
    # "(1) … (2) …" inside paragraph 2, wrapped so that "(2)" starts a line after a
    # sentence end, and "1)" after a sentence end in a document numbered "1.".
    text = (
        "1. The 62nd SCM was held in Seoul.\n"
        "2. The two sides agreed on two tasks. (1) to review the plan. (2) to meet again.\n"
        "They named two aims. (1) readiness;\n(2) deterrence.\n"
        "1) A line numbered in another style.\n"
        "3. Both sides agreed.\n"
    )
    doc = read(tmp_path, "inner.txt", text)
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    assert texts(doc, 2) == [
        "The two sides agreed on two tasks.",
        "(1) to review the plan.",
        "(2) to meet again.",
        "They named two aims.",
        "(1) readiness; (2) deterrence.",
        "1) A line numbered in another style.",
    ]
    assert texts(doc, 3) == ["Both sides agreed."]
    assert not doc.warnings
    assert_exact_map(doc)


def test_an_inner_list_in_the_documents_own_style_stays_in_its_paragraph(tmp_path: Path) -> None:
    text = (
        "(1) The 62nd SCM was held in Seoul.\n\n"
        "(2) The two sides set three tasks.\n"
        "(1) Review the plan.\n"
        "(2) Hold drills.\n\n"
        "(3) Both sides agreed.\n"
    )
    doc = read(tmp_path, "own_style.txt", text)
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    assert texts(doc, 2) == [
        "The two sides set three tasks.",
        "(1) Review the plan.",
        "(2) Hold drills.",
    ]
    assert texts(doc, 3) == ["Both sides agreed."]
    assert any("paragraph number 1 after paragraph 2" in w for w in doc.warnings)
    assert_exact_map(doc)


def test_a_bullet_opening_a_list_line_is_no_part_of_the_sentence(tmp_path: Path) -> None:
    text = (
        "- Home\n\n"
        "1. The 62nd SCM was held in Seoul.\n\n"
        "2. They agreed to:\n- maintain readiness;\n•  adjust training; and\n"
        "- expand drills at -5 degrees.\n"
        "The so-called\n-- dashes stay.\n\n"
        "3. Both sides agreed to meet.\n"
    )
    doc = read(tmp_path, "bullets.txt", text)
    assert texts(doc, 2) == [
        "They agreed to: maintain readiness; adjust training; and expand drills at -5 degrees.",
        "The so-called -- dashes stay.",
    ]
    assert text[doc.paragraphs[1].sentences[0].offsets[16] :].startswith("maintain")
    assert_exact_map(doc)


def test_the_style_numbering_most_lines_in_sequence_is_the_documents(tmp_path: Path) -> None:
    text = (
        "1. Home\n2. News\n\n"
        "(1) The 62nd SCM was held in Seoul.\n\n"
        "(2) The two sides met.\n\n"
        "(3) Both sides agreed to meet.\n"
    )
    doc = read(tmp_path, "menu.txt", text)
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    assert texts(doc, 1) == ["The 62nd SCM was held in Seoul."]
    assert doc.paragraphs[0].begin == text.index("The 62nd")
    assert_exact_map(doc)
