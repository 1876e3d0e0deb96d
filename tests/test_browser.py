"""The HTML pages in a real browser: headless Chromium, driven by Playwright.

Two kinds of page are rendered: what ``scmgraph serve`` answers a browser
(entity pages under /id/..., the index page and the routes it links to), and
the ontology documentation ``scmgraph docs`` writes. The browser is the
system's Chromium (/usr/bin/chromium, Debian package ``chromium``, installed by
scripts/install-servers.sh; Playwright downloads nothing), with a fresh profile,
the pages' Content-Security-Policy enforced, and nothing to reach but the
server on 127.0.0.1 and the files written here. Without /usr/bin/chromium the
tests skip.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import lxml.html
import matplotlib.image
import numpy as np
import pytest
import rdflib
from click.testing import CliRunner
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    sync_playwright,
)
from rdflib.namespace import OWL, RDF, RDFS

from scmgraph.cli.main import main
from scmgraph.server.app import serving
from scmgraph.server.pool import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "communiques"
ONTOLOGY = ROOT / "ontology" / "scmgraph.ttl"
SCM = "https://w3id.org/scmgraph/ontology#"
ID = "https://w3id.org/scmgraph/id/"
CFC = ID + "org/combined-forces-command"
CFC_PATH = "/id/org/combined-forces-command"
NO_SUCH = "/id/org/no-such-command"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH, HEIGHT = 1280, 1600
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Building = tuple[subprocess.Popen[str], Path]  # the build running, its output folder

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} not found: install the Debian package chromium "
    "(bash scripts/install-servers.sh)",
)


# --- the browser --------------------------------------------------------------------------


@dataclass
class Visit:
    """One page as the browser loaded it, the tab left open for more questions."""

    page: Page
    response: Response | None = None
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        assert self.response is not None
        return self.response.status

    @cached_property
    def dom(self) -> lxml.html.HtmlElement:
        """The rendered DOM (after parsing, styles and CSP), for XPath."""
        return lxml.html.fromstring(self.page.content())

    def text(self, xpath: str) -> list[str]:
        return [words(e.text_content()) for e in self.dom.xpath(xpath)]


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    """A fresh Chromium profile, its tabs the size of the screenshots, kept on 127.0.0.1."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        context = chromium.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        context.route(re.compile(r"^(?!http://127\.0\.0\.1:|file:)"), lambda route: route.abort())
        yield context
        chromium.close()


def new_tab(browser: BrowserContext) -> Visit:
    """A new tab noting what its page logs and requests."""
    visit = Visit(browser.new_page())

    def note_console(message: ConsoleMessage) -> None:
        visit.console.append(f"{message.type}: {message.text}")

    def note_request(request: Request) -> None:
        visit.requests.append(request.url)

    visit.page.on("console", note_console)
    visit.page.on("pageerror", lambda error: visit.console.append(f"error: {error}"))
    visit.page.on("request", note_request)
    return visit


def open_page(browser: BrowserContext, url: str) -> Visit:
    """``url`` loaded in a new tab."""
    visit = new_tab(browser)
    visit.response = visit.page.goto(url, wait_until="load")
    return visit


def follow(visit: Visit, selector: str) -> Visit:
    """In a new tab on the same page, click the element ``selector`` names; the page opened."""
    target = open_page(visit.page.context, visit.page.url)
    target.console.clear()
    target.requests.clear()
    with target.page.expect_navigation(wait_until="load") as navigation:
        target.page.locator(selector).click()
    target.response = navigation.value
    return target


def words(text: str) -> str:
    return " ".join(text.split())


# --- the server ---------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Building]:
    """``scmgraph build`` of the corpus, started first and run in a process of its own,
    so that the tests that need no graph (the documentation's) run meanwhile."""
    out = tmp_path_factory.mktemp("graph")
    command = [sys.executable, "-m", "scmgraph.cli.main", "build", "--quiet"]
    command += ["--corpus", str(CORPUS), "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process, out
    if process.poll() is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def base(graph: Building) -> Iterator[str]:
    process, out = graph
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    settings = Settings(host="127.0.0.1", port=0, store=out / "store", timeout=5.0, workers=2)
    with serving(settings) as url:
        yield url


@pytest.fixture(scope="module")
def cfc(browser: BrowserContext, base: str) -> Visit:
    """The Combined Forces Command's page."""
    return open_page(browser, base + CFC_PATH)


# --- screenshots --------------------------------------------------------------------------


def assert_legible_png(path: Path, left: int) -> None:
    """A PNG of the window size with real content, laid out by the page's stylesheet.

    ``left`` is the least x at which ink may start: the pages centre a column of
    bounded width, so unstyled text (at the browser's 8 px margin) fails; ink
    reaching as near the right edge means something overflows the layout.
    """
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (WIDTH, HEIGHT)
    pixels = (matplotlib.image.imread(path)[:, :, :3] * 255).round().astype(np.uint32)
    assert pixels.shape == (HEIGHT, WIDTH, 3)
    colours = np.unique((pixels[:, :, 0] << 16) | (pixels[:, :, 1] << 8) | pixels[:, :, 2])
    assert len(colours) > 50, f"only {len(colours)} colours: a blank or flat page"
    ink = np.any(pixels != pixels[0, 0], axis=2)
    share = ink.mean()
    assert 0.02 < share < 0.5, f"{share:.1%} of the pixels differ from the background"
    columns = np.flatnonzero(ink.any(axis=0))
    assert columns[0] >= left, f"content starts at x={columns[0]}: the stylesheet was not applied"
    assert columns[-1] < WIDTH - left, f"content reaches x={columns[-1]}: it overflows the page"
    rows = np.flatnonzero(ink.any(axis=1))
    assert rows[-1] - rows[0] > HEIGHT // 2, "the content covers less than half the window"


# --- the ontology documentation -----------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def docs(
    browser: BrowserContext, ontology: rdflib.Graph, tmp_path_factory: pytest.TempPathFactory
) -> Visit:
    out = tmp_path_factory.mktemp("docs")
    result = CliRunner().invoke(main, ["docs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    version = str(ontology.value(rdflib.URIRef(SCM[:-1]), OWL.versionInfo))
    page = out / "release" / version / "scmgraph.html"
    assert str(page) in result.output.splitlines()
    return open_page(browser, page.as_uri())


def test_docs_have_a_section_per_class(docs: Visit, ontology: rdflib.Graph) -> None:
    classes = sorted(
        str(c)[len(SCM) :] for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(SCM)
    )
    assert len(classes) > 10 and "Statement" in classes and "MilitaryCommand" in classes
    assert docs.text("//h2[@id='classes']") == [f"Classes ({len(classes)})"]
    dom = docs.dom
    for name in classes:
        label = str(ontology.value(rdflib.URIRef(SCM + name), RDFS.label))
        [section] = dom.xpath(f"//section[@id='{name}']")
        heading = words(section.xpath("h3")[0].text_content())
        assert heading == f"{label} scm:{name}", heading
        assert SCM + name in words(section.text_content())


def test_docs_anchor_links_resolve(docs: Visit) -> None:
    anchors = docs.page.evaluate("() => [...document.querySelectorAll('a[href^=\"#\"]')].length")
    assert anchors > 100
    dangling = docs.page.evaluate(
        "() => [...document.querySelectorAll('a[href^=\"#\"]')]"
        ".map(a => a.getAttribute('href'))"
        ".filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))"
    )
    assert dangling == [], f"links to no element: {sorted(set(dangling))}"
    ids = docs.dom.xpath("//@id")
    assert len(ids) == len(set(ids)), "an id is used twice"

    docs.page.locator("nav a[href='#Statement']").click()
    assert docs.page.url.endswith("#Statement")
    top = docs.page.evaluate(
        "() => document.getElementById('Statement').getBoundingClientRect().top"
    )
    assert abs(top) < 2, "the index link scrolls its section to the top"


def test_docs_page_renders_legibly(docs: Visit, ontology: rdflib.Graph, tmp_path: Path) -> None:
    assert docs.console == []
    assert docs.requests == [docs.page.url.split("#")[0]], "the page is not self-contained"
    assert docs.text("//h1") == ["scmgraph ontology"]
    version = ontology.value(rdflib.URIRef(SCM[:-1]), OWL.versionInfo)
    assert docs.page.title() == f"scmgraph ontology {version}"
    shot = tmp_path / "docs.png"
    docs.page.evaluate("() => window.scrollTo(0, 0)")
    docs.page.screenshot(path=shot)
    assert_legible_png(shot, left=100)


# --- entity pages -------------------------------------------------------------------------


def test_entity_page_is_negotiated_to_html_for_the_browser(cfc: Visit) -> None:
    assert cfc.status == 200
    assert cfc.response is not None
    assert "text/html" in cfc.response.request.all_headers()["accept"]
    headers = cfc.response.headers
    assert headers["content-type"].startswith("text/html")
    assert headers["vary"] == "Accept"
    assert "default-src 'none'" in headers["content-security-policy"]
    assert cfc.page.title() == "Combined Forces Command · scmgraph"
    assert cfc.dom.xpath("/html/@lang") == ["en"]


def test_entity_page_content(cfc: Visit) -> None:
    assert cfc.text("//h1") == ["Combined Forces Command"]
    assert cfc.text("//p[@class='muted']/code")[0] == CFC
    assert "scm:MilitaryCommand" in cfc.text("//p[starts-with(., 'Type:')]")[0]
    headings = cfc.text("//h2")
    assert headings[0] == "Statements over time (13)"
    assert headings[1].startswith("Facts (")

    rows = cfc.dom.xpath("//table[@class='statements']//tr[td]")
    assert len(rows) == 13
    cells = [[words(td.text_content()) for td in row.xpath("td")] for row in rows]
    meetings = [c[0] for c in cells]
    assert set(meetings) == {"SCM 52", "SCM 53"}
    assert meetings == sorted(meetings), "rows are in meeting order"
    dates = [c[1] for c in cells]
    assert dates == sorted(dates) and dates[0] == "2020-10-14" and dates[-1] == "2021-12-02"
    assert all(c[3] == "scm:mentions" for c in cells)
    for c in cells:
        assert "CFC" in c[5] or "Combined Forces Command" in c[5], c[5]

    first = cells[0][5]
    assert first.startswith("The Secretary and the Minister received a report")
    assert "General Robert Abrams" in first
    sentence = first[: first.rindex(" (https://")]
    source = words((CORPUS / "052_scm_2020.txt").read_text(encoding="utf-8"))
    assert sentence in source, "the page quotes the communiqué verbatim"


def test_content_security_policy_does_not_break_the_page(cfc: Visit, tmp_path: Path) -> None:
    assert cfc.console == [], "the browser logged:\n" + "\n".join(cfc.console)
    assert cfc.requests == [cfc.page.url], "the page fetched something besides itself"
    # the inline stylesheet was applied (style-src 'unsafe-inline'), so the column is centred
    style = cfc.page.evaluate(
        "() => { const s = getComputedStyle(document.body);"
        " return [s.maxWidth, s.marginLeft === s.marginRight]; }"
    )
    assert style == ["1152px", True]
    nowrap = cfc.page.evaluate(
        "() => getComputedStyle(document.querySelector('.statements td')).whiteSpace"
    )
    assert nowrap == "nowrap"
    shot = tmp_path / "entity.png"
    cfc.page.screenshot(path=shot)
    assert_legible_png(shot, left=40)


def test_entity_links_open_in_the_browser(browser: BrowserContext, base: str, cfc: Visit) -> None:
    links = sorted({h for h in cfc.dom.xpath("//a/@href") if h.startswith("/id/")})
    assert {"/id/communique/scm-52", "/id/communique/scm-53"} <= set(links)
    kinds: dict[str, str] = {}  # the first link to each kind of entity, /id/<kind>/...
    for link in links:
        kinds.setdefault(link.split("/")[2], link)
    assert {"statement", "communique", "source", "build"} <= set(kinds)
    tab = new_tab(browser)
    page = tab.page
    for link in kinds.values():
        response = page.goto(base + link, wait_until="load")
        assert response is not None and response.status == 200, link
        assert response.headers["content-type"].startswith("text/html"), link
        [heading] = page.locator("h1").all_inner_texts()
        assert heading.strip() and heading != "Not found", link
        assert page.locator("p.muted code").first.inner_text() == ID + link[len("/id/") :]
        assert page.locator("h2").first.inner_text().startswith("Statements over time (")
        if link.startswith("/id/statement/"):
            back = page.locator(f"tr:has(code:text-is('scm:mentions')) a[href='{CFC_PATH}']")
            assert back.count() == 1, f"{link} does not link back to the CFC"
    assert tab.console == []
    assert tab.requests == [base + link for link in kinds.values()]
    page.close()


def test_following_links_by_clicking(cfc: Visit) -> None:
    communique = follow(cfc, "tr:has(code:text-is('prov:wasDerivedFrom')) a >> nth=0")
    assert communique.status == 200
    assert communique.text("//h1") == [
        "Joint Communique of the 52nd U.S.-Republic of Korea Security Consultative Meeting"
    ]
    statement = follow(cfc, "table.statements tr:nth-child(2) td:last-child a")
    assert statement.status == 200
    assert statement.page.url.endswith("/id/statement/scm-52/p7/s1/1")
    assert statement.text("//h1") == ["statement/scm-52/p7/s1/1"]
    mentions = statement.dom.xpath("//tr[td/code='scm:mentions']/td/a/@href")
    assert CFC_PATH in mentions, "the statement page links back to the CFC"

    turtle = follow(cfc, "text=Turtle")
    assert turtle.status == 200
    assert turtle.response is not None
    assert turtle.response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=turtle.page.locator("pre").inner_text(), format="turtle")
    label = graph.value(rdflib.URIRef(CFC), RDFS.label)
    assert str(label) == "Combined Forces Command"


def test_unknown_entity_in_the_browser(browser: BrowserContext, base: str) -> None:
    visit = open_page(browser, base + NO_SUCH)
    assert visit.status == 404
    assert visit.text("//h1") == ["Not found"]
    assert ID + "org/no-such-command" in visit.text("//p/code")


# --- the index page and the routes it links to --------------------------------------------


@pytest.fixture(scope="module")
def index(browser: BrowserContext, base: str) -> Visit:
    return open_page(browser, base + "/")


def shown_json(visit: Visit) -> Any:
    """The JSON document the browser shows as text."""
    return json.loads(visit.page.locator("body > pre").inner_text())


def test_index_page_links(index: Visit) -> None:
    assert index.status == 200 and index.console == []
    assert index.text("//h1") == ["scmgraph"]

    entity = follow(index, f"a[href='{CFC_PATH}']")
    assert entity.text("//h1") == ["Combined Forces Command"]

    listing = follow(index, "a[href='/queries']")
    assert listing.status == 200
    names = {q["name"]: q for q in shown_json(listing)["queries"]}
    assert names["heads-of-delegation"]["url"] == "/queries/heads-of-delegation"
    assert "entity-statements" in names

    stored = follow(index, "text=heads-of-delegation")
    assert stored.status == 200 and stored.console == []
    assert stored.page.url.split("?")[0].endswith(names["heads-of-delegation"]["url"])
    assert stored.text("//h1") == ["heads-of-delegation"]
    columns = stored.text("//table/thead//th")
    cells = [dict(zip(columns, row, strict=True)) for row in table_rows(stored)]
    heads = {(r["series"], r["ordinal"], r["name"]) for r in cells}
    expected = {("SCM", "52", "Mark Esper"), ("SCM", "52", "Suh Wook"), ("SCM", "53", "Suh Wook")}
    assert expected <= heads

    as_json = follow(stored, "a:text-is('json')")
    rows = shown_json(as_json)["results"]["bindings"]
    assert len(rows) == len(cells)
    assert expected <= {
        (r["series"]["value"], r["ordinal"]["value"], r["name"]["value"]) for r in rows
    }


def table_rows(visit: Visit) -> list[list[str]]:
    return [
        [words(cell.text_content()) for cell in row.xpath("./td")]
        for row in visit.dom.xpath("//table/tbody/tr")
    ]


def test_stored_query_form_binds_a_parameter_in_the_browser(
    browser: BrowserContext, base: str
) -> None:
    page = open_page(browser, base + "/queries/entity-statements")
    assert page.status == 200 and page.text("//h1") == ["entity-statements"]
    page.page.fill(
        "input[name='entity']", "https://w3id.org/scmgraph/id/org/united-nations-command"
    )
    with page.page.expect_navigation(wait_until="load") as navigation:
        page.page.locator("form button").click()
    assert navigation.value is not None and navigation.value.status == 200
    assert "entity=https" in page.page.url
    page = open_page(browser, page.page.url)  # the page the form opened, read afresh
    columns = page.text("//table/thead//th")
    rows = [dict(zip(columns, row, strict=True)) for row in table_rows(page)]
    assert len(rows) >= 5
    assert {r["surface"] for r in rows} <= {"UNC", "United Nations Command"}
    assert {r["ordinal"] for r in rows} == {"52", "53"}


def test_index_query_form_runs_in_the_browser(index: Visit) -> None:
    results = follow(index, "form button")
    assert results.status == 200
    assert "/sparql?" in results.page.url and "format=json" in results.page.url
    bindings = shown_json(results)["results"]["bindings"]
    graphs = {b["g"]["value"]: int(b["n"]["value"]) for b in bindings}
    assert graphs["https://w3id.org/scmgraph/graph/communique/scm-52"] > 100
    assert graphs["https://w3id.org/scmgraph/graph/communique/scm-53"] > 100
