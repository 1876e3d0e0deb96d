"""The explorer of ``scmgraph serve`` in headless Chromium: meetings, threads, timelines,
the entity network, SPARQL in the browser and search, on the corpus.

The browser, the server and the build are those of tests/test_browser.py (the
system's Chromium, nothing reachable but 127.0.0.1). Expected values come from
the corpus files and from the built store, queried here directly. With the
environment variable ``SCMGRAPH_SCREENSHOTS`` set to a folder, the screenshots
taken are also saved there (``docs/screenshots`` holds the committed ones).
"""

from __future__ import annotations

import os
import re
import shutil
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import lxml.html
import pytest
from playwright.sync_api import BrowserContext

from scmgraph.rdf.store import open_store
from scmgraph.sparql.query import run_select
from test_browser import (  # the shared browser, build and server fixtures
    CHROMIUM,
    CORPUS,
    Building,
    Visit,
    assert_legible_png,
    base,
    browser,
    follow,
    graph,
    new_tab,
    open_page,
    words,
)

__all__ = ["base", "browser", "graph"]  # fixtures used by name below

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found")

THREAD = "/threads/scm-52/p10/s2/1"  # the thread of the CFC headquarters' relocation
SCM = "PREFIX scm: <https://w3id.org/scmgraph/ontology#> "
NIF = "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> "
DCTERMS = "PREFIX dcterms: <http://purl.org/dc/terms/> "


def corpus_words(name: str) -> str:
    return words((CORPUS / name).read_text(encoding="utf-8"))


def statements_where(out: Path, pattern: str) -> int:
    """How many statements of the built store match ``pattern`` (on ``?st``)."""
    text = f"SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{ ?st a scm:Statement ; {pattern} }}"
    table = run_select(open_store(out / "store"), SCM + NIF + DCTERMS + text)
    return int(table.rows[0][0].value)


def visited(browser: BrowserContext, base: str, path: str) -> Visit:
    """A page of the explorer, opened, answered with 200 and clean."""
    visit = open_page(browser, base + path)
    assert visit.status == 200, path
    clean(visit, base)
    return visit


def clean(visit: Visit, base: str) -> None:
    """The page logged nothing and asked nothing of any server but ours."""
    assert visit.console == [], "the browser logged:\n" + "\n".join(visit.console)
    outside = [url for url in visit.requests if not url.startswith(base + "/")]
    assert outside == [], f"requests leaving the server: {outside}"


@pytest.fixture(scope="module")
def front(browser: BrowserContext, base: str) -> Visit:
    return open_page(browser, base + "/")


@pytest.fixture(scope="module")
def built(graph: Building, base: str) -> Path:
    """The build's output folder, once the build is done (``base`` waits for it)."""
    return graph[1]


def test_front_page_leads_to_every_part_of_the_explorer(front: Visit, base: str) -> None:
    assert front.status == 200
    clean(front, base)
    headings = {
        "/meetings": "Meetings",
        "/threads": "Threads",
        "/timeline": "Timeline",
        "/graph": "Entity network",
        "/search": "Search",
        "/sparql": "SPARQL",
        "/.well-known/void": "VoID description of this dataset",
    }
    for href, heading in headings.items():
        opened = follow(front, f"main li > a[href='{href}']")
        assert opened.status == 200, href
        assert opened.response is not None
        assert opened.response.headers["content-type"].startswith("text/html"), href
        assert opened.text("//h1") == [heading], href
        clean(opened, base)


def test_meetings_list_and_a_meeting_at_its_own_iri(front: Visit, base: str) -> None:
    meetings = follow(front, "main li > a[href='/meetings']")
    rows = [
        [words(td.text_content()) for td in tr.xpath("td")]
        for tr in meetings.dom.xpath("//table[@class='meetings']/tbody/tr")
    ]
    assert [r[:4] for r in rows] == [
        ["SCM", "52", "2020-10-14", "Washington, D.C."],
        ["SCM", "53", "2021-12-02", "Seoul"],
    ]
    assert "Mark Esper" in rows[0][4] and "Suh Wook" in rows[0][4]
    assert "Lloyd J. Austin III" in rows[1][4] and "Suh Wook" in rows[1][4]

    meeting = follow(meetings, "table.meetings a:text-is('53')")
    assert meeting.page.url == base + "/id/meeting/scm-53"
    assert meeting.text("//h1") == ["SCM 53 · 2021-12-02 · Seoul"]
    clean(meeting, base)


def test_meeting_page_highlights_every_statement(
    browser: BrowserContext, base: str, built: Path
) -> None:
    visit = visited(browser, base, "/id/meeting/scm-52")
    statements = statements_where(
        built, "scm:sentence/nif:referenceContext <https://w3id.org/scmgraph/id/communique/scm-52>"
    )
    assert statements > 50
    clauses = visit.dom.xpath("//span[contains(@class, 'clause')]")
    assert len(clauses) == statements, "one highlighted clause per statement"
    assert len(visit.dom.xpath("//div[@class='statement']")) == statements

    # ¶10: the CFC headquarters' relocation, the clause from its subject, verb in bold
    [clause] = visit.dom.xpath("//span[@id='p10-s2-c1']")
    assert "c-deliberation" in clause.get("class")
    assert words(clause.text_content()) == (
        "The Secretary and the Minister reviewed preparations for the relocation of the "
        "CFC Headquarters (HQ) to Camp Humphreys."
    )
    assert clause.xpath("b/text()") == ["reviewed"]
    # the paragraphs are the communiqué's text, verbatim
    source = corpus_words("052_scm_2020.txt")
    for paragraph in visit.dom.xpath("//section[@class='para']/div[@class='text']"):
        text = words(paragraph.text_content())
        number, _, body = text.partition(". ")
        assert number.isdigit() and body in source, text[:80]
    # classes have colours of their own
    colours = visit.page.evaluate(
        "() => [...new Set([...document.querySelectorAll('span.clause')]"
        ".map(s => getComputedStyle(s).borderBottomColor))]"
    )
    assert len(colours) >= 5

    # what is beside the paragraph: entities link to their pages, topics to timelines
    [facts] = visit.dom.xpath("//section[@id='p10']/div[@class='facts']")
    hrefs = facts.xpath(".//a/@href")
    assert "/id/org/combined-forces-command" in hrefs and "/id/place/camp-humphreys" in hrefs
    assert "/timeline?topic=stationing" in hrefs
    assert THREAD in hrefs
    for item in visit.dom.xpath("//div[@class='statement']//li"):
        listed = item.xpath("a/@href")
        assert len(listed) == len(set(listed)), words(item.text_content())
    source_link = follow(visit, "a[href='/id/source/052_scm_2020']")
    assert source_link.status == 200 and source_link.text("//h1")


def test_meeting_page_shows_a_deadline_and_the_actors(browser: BrowserContext, base: str) -> None:
    visit = open_page(browser, base + "/id/meeting/scm-53")
    [clause] = visit.dom.xpath("//span[@id='p11-s3-c2']")
    assert "c-commitment" in clause.get("class")
    assert clause.xpath("b/text()") == ["pledged"]
    assert clause.xpath(".//span[@class='deadline']/text()") == ["by next year"]
    [entry] = visit.dom.xpath("//div[@class='statement'][a[@href='/id/statement/scm-53/p11/s3/2']]")
    text = words(entry.text_content())
    assert "deadline: by next year (2022)" in text
    assert "actors: Republic of Korea, United States" in text
    assert "thread: strengthened" in text


def test_entity_pages_lead_into_the_explorer(browser: BrowserContext, base: str) -> None:
    statement = open_page(browser, base + "/id/statement/scm-53/p11/s3/2")
    assert statement.dom.xpath("//p[@class='explore']/a/@href") == [
        "/id/meeting/scm-53#p11-s3-c2",
        THREAD,
    ]
    in_text = follow(statement, "p.explore a >> nth=0")
    assert in_text.page.url == base + "/id/meeting/scm-53#p11-s3-c2"
    expected = {
        "/id/topic/stationing": "/timeline?topic=stationing",
        "/id/verb-class/commitment": "/timeline?class=commitment",
        "/id/org/combined-forces-command": "/timeline?entity=org/combined-forces-command",
    }
    for path, timeline in expected.items():
        visit = open_page(browser, base + path)
        assert visit.dom.xpath("//p[@class='explore']/a/@href") == [timeline], path
        clean(visit, base)


def test_thread_page_shows_both_meetings_sentences_and_the_kinds(front: Visit, base: str) -> None:
    threads = follow(front, "main li > a[href='/threads']")
    listed = threads.dom.xpath(f"//a[@href='{THREAD}']")
    assert [words(a.text_content()) for a in listed] == ["Combined Forces Command / Camp Humphreys"]
    [row] = threads.dom.xpath(f"//table[@class='threads']/tbody/tr[td/a/@href='{THREAD}']")
    cells = [words(td.text_content()) for td in row.xpath("td")]
    assert cells[0:2] == ["SCM 52", "¶10 s2"]
    assert cells[3] == "changed, repeated, strengthened" and cells[4] == "4"
    assert cells[5] == "open: by next year"
    thread = follow(threads, f"a[href='{THREAD}']")
    assert thread.status == 200
    clean(thread, base)
    assert thread.text("//h1") == ["Combined Forces Command / Camp Humphreys"]
    assert thread.text("//h3") == ["SCM 52 · 2020-10-14", "SCM 53 · 2021-12-02"]

    before = thread.text("//p[@class='before']")
    after = thread.text("//p[@class='after']")
    scm52, scm53 = corpus_words("052_scm_2020.txt"), corpus_words("053_scm_2021.txt")
    assert before[0] == (
        "The Secretary and the Minister reviewed preparations for the relocation of the "
        "CFC Headquarters (HQ) to Camp Humphreys."
    )
    assert before[0] in scm52
    assert after[0].startswith("The Minister and Secretary reviewed preparations for—and")
    assert all(sentence in scm53 for sentence in after)
    kinds = thread.text("//section[@class='link']//span[@class='kind']")
    assert set(kinds) == {"repeated", "changed", "strengthened"}
    # the words the 53rd SCM added are marked, and those it dropped
    assert "acknowledged" in thread.text("//p[@class='after']/ins")
    assert "Minister" in thread.text("//p[@class='before']/del")
    assert thread.text("//ul[@class='deadlines']/li") == [
        "open: “by next year” (2022), set in SCM 53 ¶11 (pledge)"
    ]


def test_dropped_statements_are_listed_and_named(front: Visit, base: str, built: Path) -> None:
    threads = follow(front, "main li > a[href='/threads']")
    expected = statements_where(
        built,
        "scm:sentence/nif:referenceContext <https://w3id.org/scmgraph/id/communique/scm-52> "
        "FILTER NOT EXISTS { ?later scm:carriesForward ?st }",
    )
    rows = threads.dom.xpath("//table[@class='dropped']/tbody/tr")
    assert threads.text("//h2[@id='dropped']") == [f"Dropped ({expected})"]
    assert len(rows) == expected > 0
    assert {words(r.xpath("td")[0].text_content()) for r in rows} == {"SCM 52"}
    first = follow(threads, "table.dropped tbody tr:first-child a")
    assert first.status == 200
    assert "dropped" in first.text("//p/span[@class='kind']")
    assert first.text("//h3") == ["SCM 52 · 2020-10-14"]


def test_timeline_of_a_topic_counts_its_statements(
    browser: BrowserContext, base: str, built: Path
) -> None:
    visit = visited(browser, base, "/timeline?topic=stationing")
    expected = statements_where(
        built, "dcterms:subject <https://w3id.org/scmgraph/id/topic/stationing>"
    )
    rows = visit.dom.xpath("//table[@class='timeline-statements']/tbody/tr")
    assert len(rows) == expected > 10
    bars = visit.dom.xpath("//*[local-name()='g'][@class='bar']")
    assert [b.get("data-meeting") for b in bars] == ["SCM 52", "SCM 53"]
    assert sum(int(b.get("data-total")) for b in bars) == expected
    rects = visit.page.locator("svg.chart rect")
    assert rects.count() >= 4 and rects.first.bounding_box()["height"] > 5  # type: ignore[index]

    narrowed = open_page(browser, base + "/timeline?topic=stationing&class=commitment&since=2021")
    cells = [
        [words(td.text_content()) for td in tr.xpath("td")]
        for tr in narrowed.dom.xpath("//table[@class='timeline-statements']/tbody/tr")
    ]
    assert cells and {c[0] for c in cells} == {"SCM 53"} and {c[2] for c in cells} == {"commitment"}
    assert narrowed.dom.xpath("//select[@name='class']/option[@selected]/@value") == ["commitment"]

    entity = open_page(browser, base + "/timeline?entity=org/combined-forces-command")
    assert entity.text("//h1") == ["Timeline · entity org/combined-forces-command"]
    assert len(entity.dom.xpath("//table[@class='timeline-statements']/tbody/tr")) == 13


def test_graph_view_draws_the_network_and_a_click_opens_a_page(
    browser: BrowserContext, base: str
) -> None:
    visit = open_page(browser, base + "/graph")
    assert visit.status == 200
    visit.page.wait_for_selector("#graph[data-nodes]")
    listed = len(visit.dom.xpath("//ul[@class='entities']/li"))
    drawn = visit.page.get_attribute("#graph", "data-nodes")
    assert drawn is not None and int(drawn) == listed > 30
    assert visit.page.locator("#graph canvas").count() >= 1
    clean(visit, base)
    assert {u[len(base) :] for u in visit.requests} == {
        "/graph",
        "/static/cytoscape.min.js",
        "/static/graph.js",
    }
    cfc = "https://w3id.org/scmgraph/id/org/combined-forces-command"
    point = visit.page.evaluate(
        "(id) => { const n = window.scmgraphNetwork.getElementById(id);"
        " n.select(); const p = n.renderedPosition(); return [p.x, p.y]; }",
        cfc,
    )
    box = visit.page.locator("#graph").bounding_box()
    assert box is not None
    with visit.page.expect_navigation(wait_until="load") as navigation:
        visit.page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    assert navigation.value is not None and navigation.value.status == 200
    assert visit.page.url == base + "/id/org/combined-forces-command"


def test_sparql_editor_in_the_browser(front: Visit, base: str) -> None:
    editor = follow(front, "main li > a[href='/sparql']")
    assert editor.response is not None
    assert editor.response.headers["content-type"].startswith("text/html")
    examples = editor.dom.xpath("//ul[@class='examples']/li/a[1]/text()")
    assert "heads-of-delegation" in examples and "thread-life" in examples
    clean(editor, base)

    loaded = follow(editor, "a:text-is('heads-of-delegation')")
    assert "scm:delegationHead" in loaded.page.input_value("textarea[name='query']")
    with loaded.page.expect_navigation(wait_until="load") as navigation:
        loaded.page.locator("form.editor button").click()
    assert navigation.value is not None and navigation.value.status == 200
    results = lxml.html.fromstring(loaded.page.content())
    columns = [words(th.text_content()) for th in results.xpath("//table/thead//th")]
    cells = [
        dict(zip(columns, [words(td.text_content()) for td in tr.xpath("td")], strict=True))
        for tr in results.xpath("//table/tbody/tr")
    ]
    assert {(c["ordinal"], c["name"]) for c in cells} >= {("52", "Mark Esper"), ("53", "Suh Wook")}

    loaded.page.fill("textarea[name='query']", "DELETE WHERE { ?s ?p ?o }")
    with loaded.page.expect_navigation(wait_until="load") as navigation:
        loaded.page.locator("form.editor button").click()
    assert navigation.value is not None and navigation.value.status == 403
    assert "read-only" in loaded.page.locator("p.error").inner_text()


def test_label_search_from_any_page(browser: BrowserContext, base: str) -> None:
    visit = open_page(browser, base + "/meetings")
    for text, name, href in [
        ("humphreys", "Camp Humphreys", "/id/place/camp-humphreys"),
        ("austin", "Lloyd Austin", "/id/person/lloyd-j-austin-iii"),
        ("SCM 53", "SCM 53", "/id/meeting/scm-53"),
    ]:
        visit.page.fill("nav input[name='q']", text)
        with visit.page.expect_navigation(wait_until="load"):
            visit.page.press("nav input[name='q']", "Enter")
        found = lxml.html.fromstring(visit.page.content())
        links = {a.get("href"): words(a.text_content()) for a in found.xpath("//table//a")}
        assert links.get(href) == name, (text, links)
    clean(visit, base)


def _fetch(url: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def test_crawl_from_the_front_page_finds_no_error(base: str) -> None:
    """Every internal link (a, script), followed from the front page as a browser asks."""
    seen = {base + "/"}
    todo = [base + "/"]
    failed: list[tuple[int, str]] = []
    with ThreadPoolExecutor(4) as pool:
        while todo:
            batch, todo = todo, []
            for url, (status, media, body) in zip(batch, pool.map(_fetch, batch), strict=True):
                if status >= 400:
                    failed.append((status, url))
                if not media.startswith("text/html"):
                    continue
                page = lxml.html.fromstring(body)
                for link in page.xpath("//a/@href | //script/@src"):
                    target = urljoin(url, link).split("#")[0]
                    if target.startswith(base + "/") and target not in seen:
                        seen.add(target)
                        todo.append(target)
    assert failed == []
    sections = {urlsplit(url).path.split("/")[1] for url in seen}
    assert {"meetings", "threads", "timeline", "graph", "search", "sparql", "id"} <= sections
    assert {"/id/meeting/scm-52", "/id/meeting/scm-53", THREAD} <= {urlsplit(u).path for u in seen}
    assert len(seen) > 1000


SHOTS = {
    "front": "/",
    "meeting": "/id/meeting/scm-53",
    "thread": THREAD,
    "timeline": "/timeline?topic=stationing",
    "graph": "/graph",
}


@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshots_are_legible(
    browser: BrowserContext, base: str, name: str, tmp_path: Path
) -> None:
    visit = new_tab(browser)
    visit.response = visit.page.goto(base + SHOTS[name], wait_until="load")
    if name == "graph":
        visit.page.wait_for_selector("#graph[data-nodes]")
    clean(visit, base)
    shot = tmp_path / f"{name}.png"
    visit.page.screenshot(path=shot)
    assert_legible_png(shot, left=40)
    folder = os.environ.get("SCMGRAPH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(folder) / shot.name)


def test_pages_work_without_javascript(browser: BrowserContext, base: str) -> None:
    """Server-rendered: with scripts off every page has its content; the graph page lists
    its entities and says that the drawing needs JavaScript."""
    assert browser.browser is not None
    context = browser.browser.new_context(java_script_enabled=False)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    try:
        page = context.new_page()
        expected = {
            "/id/meeting/scm-52": "//span[@id='p10-s2-c1']",
            THREAD: "//p[@class='after']/ins",
            "/timeline?topic=stationing": "//*[local-name()='rect']",
            "/sparql?example=thread-kinds": "//textarea[contains(., 'scm:threadKind')]",
        }
        for path, xpath in expected.items():
            response = page.goto(base + path, wait_until="load")
            assert response is not None and response.status == 200, path
            assert lxml.html.fromstring(page.content()).xpath(xpath), path
        page.goto(base + "/graph", wait_until="load")
        dom = lxml.html.fromstring(page.content())
        assert len(dom.xpath("//ul[@class='entities']/li")) > 30
        assert "needs JavaScript" in words(" ".join(dom.xpath("//noscript//text()")))
        assert page.get_attribute("#graph", "data-nodes") is None
    finally:
        context.close()


def test_text_from_a_request_is_escaped(browser: BrowserContext, base: str) -> None:
    visit = open_page(browser, base + "/search?q=" + quote("<b>Camp</b>"))
    assert visit.status == 200
    [summary] = visit.dom.xpath("//main/p[1]")
    assert "“<b>Camp</b>”" in words(summary.text_content())
    assert summary.xpath(".//b") == []
    assert visit.page.input_value("main input[name='q']") == "<b>Camp</b>"
