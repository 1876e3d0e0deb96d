"""``scmgraph add``: communiqués taken from a web server on 127.0.0.1 or from files.

A page is stored as published under its meeting's name, its origin is recorded in
the corpus's sources.yaml and in the graph (PROV-O), and the graph is rebuilt from
the unit cache; bad pages are refused with one line and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import shutil
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

import scmgraph
from loopback import running
from scmgraph.build.corpus import build
from scmgraph.build.units import env_digest
from scmgraph.cli.main import main
from scmgraph.errors import InputError
from scmgraph.extract.document import extract
from scmgraph.model import Origin
from scmgraph.read.fetch import fetch_url
from scmgraph.read.reader import MAX_FILE_BYTES, read_document
from scmgraph.read.sources import dump_sources
from scmgraph.registry.load import load_registry

ROOT = Path(__file__).resolve().parents[1]
ANNOTATED = ROOT / "tests" / "fixtures" / "annotated"
PREVIOUS = ANNOTATED / "054_scm_2022.txt"  # the 54th SCM, already in the corpus
PAGE = ANNOTATED / "055_scm_2023.html"  # the 55th SCM, published on the test server
OWN = ROOT / "tests" / "fixtures" / "own" / "051_scm_2019.txt"
PUBLISHED = ("scmgraph.trig", "scmgraph.nq", "scmgraph.ttl", "scmgraph.jsonld", "void.ttl")
RECIPE = (
    "<html><head><title>Bread</title></head><body><h1>How to bake bread</h1>\n"
    "<p>1. Mix the flour and the water in a large bowl until smooth.</p>\n"
    "<p>2. Leave the dough to rest for two hours in a warm place.</p>\n</body></html>\n"
)
PREFIXES = """
PREFIX scm: <https://w3id.org/scmgraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""


class _Site(http.server.SimpleHTTPRequestHandler):
    """Files of a folder, plus a redirect, a redirect loop, a redirect to ftp: and a PDF."""

    def do_GET(self) -> None:
        if self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/moved-other":
            self._redirect("/other.html")
        elif self.path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/page.html")
        elif self.path == "/slow.html":
            time.sleep(3)  # longer than the timeout the test gives
            super().do_GET()
        elif self.path == "/report.pdf":
            body = b"%PDF-1.7\n"
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


class _Server(http.server.ThreadingHTTPServer):
    """Quiet when a client hangs up early, as ``add`` does on a page it refuses: the
    traceback would land on the stderr the command's runner captures."""

    daemon_threads = True  # a page still being answered does not hold up the shutdown

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The base URL of a server on 127.0.0.1 (random port) and the folder it serves."""
    folder = tmp_path_factory.mktemp("site")
    shutil.copy(PAGE, folder / "page.html")
    changed = PAGE.read_text(encoding="utf-8").replace("hospitality", "warm hospitality", 1)
    assert changed != PAGE.read_text(encoding="utf-8")
    (folder / "other.html").write_text(changed, encoding="utf-8")
    (folder / "recipe.html").write_text(RECIPE, encoding="utf-8")
    (folder / "notes.txt").write_text("Notes on the alliance, without numbers.\n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("1. Caf\u00e9 talks were held.\n".encode("latin-1"))
    (folder / "big.html").write_bytes(b"<p>1. Too long.</p>\n" * (MAX_FILE_BYTES // 20 + 10))
    handler = partial(_Site, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    with running(server):
        yield f"http://127.0.0.1:{server.server_address[1]}", folder


def add(*args: str) -> Result:
    return CliRunner().invoke(main, ["add", *args, "--jobs", "1"])


def problems(result: Result) -> list[str]:
    """What stderr says besides the progress line of each source taken."""
    return [line for line in result.stderr.splitlines() if not line.startswith("took ")]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the cache too), by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def added(
    site: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, Result, str, str]:
    """A corpus holding the 54th SCM, built, to which the 55th was added from the server."""
    base, _ = site
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(PREVIOUS, corpus / PREVIOUS.name)
    out = tmp_path_factory.mktemp("graph")
    build(corpus, out, jobs=1)
    before = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = add(f"{base}/page.html", "--corpus", str(corpus), "--out", str(out))
    after = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert result.exit_code == 0, result.output
    return corpus, out, result, before, after


def test_a_page_is_stored_as_published_under_its_meeting_name_with_its_origin(
    site: tuple[str, Path], added: tuple[Path, Path, Result, str, str]
) -> None:
    base, _ = site
    corpus, _, result, before, after = added
    assert sorted(p.name for p in corpus.iterdir()) == [
        "054_scm_2022.txt",
        "055_scm_2023.html",
        "sources.yaml",
    ]
    assert (corpus / "055_scm_2023.html").read_bytes() == PAGE.read_bytes()
    records = yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8"))
    record = records["055_scm_2023.html"]
    assert list(records) == ["055_scm_2023.html"]
    assert record["source"] == f"{base}/page.html"
    assert record["sha256"] == hashlib.sha256(PAGE.read_bytes()).hexdigest()
    assert record["content_type"] == "text/html"
    assert before <= record["retrieved"] <= after
    assert result.stdout.splitlines()[0] == (
        f"added 055_scm_2023.html (SCM 55, 2023-11-13) from {base}/page.html"
    )
    # The 54th was taken from the build's cache: only the page added was read.
    assert result.stdout.splitlines()[1].startswith(
        "built 2 communiqués (1 read anew: 055_scm_2023.html; the others from the cache), "
    )
    size = f"{PAGE.stat().st_size:,}"
    assert f"took {base}/page.html: {size} bytes, text/html" in result.stderr


def test_the_built_graph_holds_the_meeting_its_statements_and_threads_to_the_previous_one(
    added: tuple[Path, Path, Result, str, str],
) -> None:
    _, out, _, _, _ = added
    kg = scmgraph.load(out)
    heads = {(h["name"], h["party"]) for h in kg.query("heads-of-delegation") if h["ordinal"] == 55}
    assert heads == {("Shin Won-sik", "ROK"), ("Lloyd J. Austin III", "US")}
    meetings = kg.sparql(
        PREFIXES + "SELECT DISTINCT ?ordinal ?date WHERE { ?m a scm:Meeting ;"
        ' scm:series/scm:acronym "SCM" ; scm:ordinal ?ordinal ; dcterms:date ?date }'
        " ORDER BY ?ordinal"
    )
    assert meetings == [
        {"ordinal": 54, "date": dt.date(2022, 11, 3)},
        {"ordinal": 55, "date": dt.date(2023, 11, 13)},
    ]
    # Every statement the pipeline reads in the page is in the graph, under the 55th SCM.
    expected = len(extract(read_document(PAGE), load_registry()).statements)
    assert expected >= 20
    documents = [s["document"] for s in kg.statements()]
    assert documents.count("055_scm_2023") == expected
    # The 55th's closing sentence carries the 54th's forward, as a repeated commitment.
    links = kg.sparql(
        PREFIXES + "SELECT DISTINCT ?kind ?now ?before WHERE {"
        " ?l a scm:ThreadLink ; scm:threadKind ?kind ;"
        " scm:currentStatement/scm:sentence/nif:anchorOf ?now ;"
        " scm:previousStatement/scm:sentence/nif:anchorOf ?before ."
        ' FILTER(CONTAINS(?now, "hold the 56th SCM")) }'
    )
    assert links == [
        {
            "kind": "repeated",
            "now": "Both sides expect to hold the 56th SCM and 49th MCM in Washington, D.C., "
            "at a mutually convenient time in 2024.",
            "before": "Both sides expect to hold the 55th SCM and 48th MCM in Seoul at a "
            "mutually convenient time in 2023.",
        }
    ]


def test_the_graph_says_which_page_the_communique_was_derived_from_and_when(
    site: tuple[str, Path], added: tuple[Path, Path, Result, str, str]
) -> None:
    base, _ = site
    corpus, out, _, _, _ = added
    record = yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8"))
    retrieved = record["055_scm_2023.html"]["retrieved"]
    rows = scmgraph.load(out).sparql(
        PREFIXES + "SELECT DISTINCT ?file ?page ?time ?format WHERE {"
        " <https://w3id.org/scmgraph/id/communique/scm-55> scm:sourceFile ?file ;"
        " prov:wasDerivedFrom ?page . ?page a prov:Entity ; dcterms:format ?format ."
        " ?file prov:wasDerivedFrom ?page ; prov:generatedAtTime ?time }"
    )
    assert rows == [
        {
            "file": "https://w3id.org/scmgraph/id/source/055_scm_2023",
            "page": f"{base}/page.html",
            "time": dt.datetime.strptime(retrieved, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC),
            "format": "text/html",
        }
    ]
    # The file already in the corpus was not added: no origin is claimed for it.
    assert scmgraph.load(out).sparql(
        PREFIXES + "ASK { <https://w3id.org/scmgraph/id/source/054_scm_2022> "
        "prov:wasDerivedFrom ?page }"
    ) == [{"result": False}]


def test_the_retrieval_time_comes_from_the_record_so_a_rebuild_is_the_same_bytes(
    added: tuple[Path, Path, Result, str, str], tmp_path: Path
) -> None:
    corpus, out, _, _, _ = added
    build(corpus, tmp_path / "again", jobs=1)
    for name in PUBLISHED:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


def test_adding_the_same_page_again_changes_nothing(
    site: tuple[str, Path], added: tuple[Path, Path, Result, str, str]
) -> None:
    base, _ = site
    corpus, out, _, _, _ = added
    corpus_before, out_before = snapshot(corpus), snapshot(out)
    result = add(f"{base}/page.html", "--corpus", str(corpus), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"unchanged: 055_scm_2023.html (SCM 55, 2023-11-13) already holds {base}/page.html",
        f"nothing to do: the corpus and {out} are left as they were",
    ]
    assert snapshot(corpus) == corpus_before
    assert snapshot(out) == out_before


def test_other_content_for_a_meeting_present_is_refused_unless_replace(
    site: tuple[str, Path], added: tuple[Path, Path, Result, str, str], tmp_path: Path
) -> None:
    base, folder = site
    corpus, out = tmp_path / "corpus", tmp_path / "graph"
    shutil.copytree(added[0], corpus)
    shutil.copytree(added[1], out, symlinks=True)
    corpus_before, out_before = snapshot(corpus), snapshot(out)
    refused = add(f"{base}/other.html", "--corpus", str(corpus), "--out", str(out))
    assert refused.exit_code == 2
    assert problems(refused) == [
        f"error: {base}/other.html: SCM 55, 2023-11-13 is already in the corpus as "
        "055_scm_2023.html, with other content (give --replace to replace it)"
    ]
    assert snapshot(corpus) == corpus_before
    assert snapshot(out) == out_before

    # Replaced from a link that redirects to the page: the page's own URL is recorded.
    moved = f"{base}/moved-other"
    replaced = add(moved, "--corpus", str(corpus), "--out", str(out), "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert f"replaced 055_scm_2023.html (SCM 55, 2023-11-13) from {moved}" in replaced.stdout
    new = (folder / "other.html").read_bytes()
    assert (corpus / "055_scm_2023.html").read_bytes() == new
    record = yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8"))
    assert record["055_scm_2023.html"]["source"] == f"{base}/other.html"
    assert record["055_scm_2023.html"]["sha256"] == hashlib.sha256(new).hexdigest()
    assert scmgraph.load(out).sparql(
        PREFIXES + 'ASK { ?s nif:anchorOf ?text FILTER(CONTAINS(?text, "the warm hospitality")) }'
    ) == [{"result": True}]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/missing.html", "HTTP 404 File not found"),
        (
            "/recipe.html",
            "not a communiqué: paragraph 1 reports no SCM meeting with its ordinal and date",
        ),
        (
            "/notes.txt",
            "cannot be read as a communiqué: no numbered paragraphs found (expected a line "
            "starting '1. ')",
        ),
        (
            "/latin1.txt",
            "cannot be read as a communiqué: not valid UTF-8 (byte 0xe9 at offset 6)",
        ),
        ("/loop", "more than 5 redirects"),
        ("/big.html", f"page too large ({MAX_FILE_BYTES // 20 * 20 + 200} bytes; the limit is "),
        ("/report.pdf", "not a text or HTML page (application/pdf)"),
        ("/to-ftp", "only http and https URLs are fetched, not ftp: (redirected to ftp://"),
    ],
)
def test_a_bad_page_is_refused_with_one_line_and_nothing_is_stored(
    site: tuple[str, Path], tmp_path: Path, path: str, problem: str
) -> None:
    base, _ = site
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PREVIOUS, corpus / PREVIOUS.name)
    result = add(base + path, "--corpus", str(corpus), "--out", str(tmp_path / "graph"))
    assert result.exit_code == 2
    [line] = problems(result)
    assert line.startswith(f"error: {base}{path}: {problem}"), line
    assert sorted(p.name for p in corpus.iterdir()) == [PREVIOUS.name]
    assert not (tmp_path / "graph").exists()


def test_a_failed_build_puts_the_corpus_back(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "000_notes.txt").write_text("\n", encoding="utf-8")  # cannot be read: empty
    result = add(str(OWN), "--corpus", str(corpus), "--out", str(tmp_path / "graph"))
    assert result.exit_code == 2
    assert problems(result) == [f"error: {corpus / '000_notes.txt'}: empty file"]
    assert [p.name for p in corpus.iterdir()] == ["000_notes.txt"]


@pytest.mark.parametrize("scheme", ["ftp", "file"])
def test_only_http_and_https_urls_are_fetched(tmp_path: Path, scheme: str) -> None:
    url = f"ftp://127.0.0.1/{PAGE.name}" if scheme == "ftp" else PAGE.absolute().as_uri()
    result = add(url, "--corpus", str(tmp_path / "corpus"), "--out", str(tmp_path / "graph"))
    assert result.exit_code == 2
    assert problems(result) == [
        f"error: {url}: only http and https URLs are fetched, not {scheme}:"
    ]
    assert not (tmp_path / "corpus").exists() and not (tmp_path / "graph").exists()


def test_one_bad_source_among_several_stores_none(site: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = site
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    result = add(
        f"{base}/page.html",
        f"{base}/missing.html",
        str(OWN),
        "--corpus",
        str(corpus),
        "--out",
        str(tmp_path / "graph"),
    )
    assert result.exit_code == 2
    assert problems(result) == [f"error: {base}/missing.html: HTTP 404 File not found"]
    assert list(corpus.iterdir()) == []
    assert not (tmp_path / "graph").exists()


def test_a_local_file_is_added_with_its_path_as_source(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "graph"
    result = add(str(OWN), "--corpus", str(corpus), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (corpus / "051_scm_2019.txt").read_bytes() == OWN.read_bytes()
    record = yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8"))
    assert record["051_scm_2019.txt"]["source"] == str(OWN)
    assert record["051_scm_2019.txt"]["content_type"] == "text/plain"
    rows = scmgraph.load(out).sparql(
        PREFIXES + "SELECT DISTINCT ?page WHERE { <https://w3id.org/scmgraph/id/communique/scm-51> "
        "prov:wasDerivedFrom ?page FILTER(isIRI(?page) && STRSTARTS(STR(?page), 'file:')) }"
    )
    assert rows == [{"page": OWN.as_uri()}]


def test_a_file_edited_after_it_was_added_loses_its_recorded_origin(tmp_path: Path) -> None:
    stored = tmp_path / OWN.name
    shutil.copy(OWN, stored)
    digest = hashlib.sha256(OWN.read_bytes()).hexdigest()
    origin = Origin("https://example.org/51.txt", "2026-01-31T09:30:00Z", digest, "text/plain")
    (tmp_path / "sources.yaml").write_bytes(dump_sources({OWN.name: origin}))
    assert read_document(stored).source.origin == origin
    stored.write_bytes(OWN.read_bytes().replace(b"Seoul", b"Seoul ", 1))
    document = read_document(stored)
    assert document.source.origin is None
    assert f"{stored}: sources.yaml records other bytes for this file" in " ".join(
        document.warnings
    )


def test_a_malformed_provenance_file_stops_the_build_naming_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OWN, corpus / OWN.name)
    (corpus / "sources.yaml").write_text(f"{OWN.name}:\n  source: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build(corpus, tmp_path / "graph", jobs=1)
    assert str(caught.value).startswith(f"{corpus / 'sources.yaml'}: not valid YAML (")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "graph" / "scmgraph.trig").exists()


def test_a_page_that_does_not_answer_in_time_is_refused(site: tuple[str, Path]) -> None:
    base, _ = site
    with pytest.raises(InputError) as caught:
        fetch_url(f"{base}/slow.html", timeout=0.5)
    assert str(caught.value) == f"{base}/slow.html: no answer within 0.5 s"


def test_the_provenance_file_leaves_the_cached_units_of_a_checkout_valid(tmp_path: Path) -> None:
    """In a checkout the corpus (data/communiques) lies inside the data folder, whose
    YAML files name the units' environment: adding a communiqué there must not make
    every cached unit stale, while a data file does."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("graph", "communiques"))
    (data / "communiques").mkdir()
    before = env_digest(load_registry(data))
    origin = Origin("https://example.org/51.txt", "2026-01-31T09:30:00Z", "0" * 64, "text/plain")
    (data / "communiques" / "sources.yaml").write_bytes(dump_sources({OWN.name: origin}))
    assert env_digest(load_registry(data)) == before
    (data / "reader" / "extra.yaml").write_text("cue: [a]\n", encoding="utf-8")
    assert env_digest(load_registry(data)) != before
