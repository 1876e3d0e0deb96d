"""RDF that scmgraph did not write is never read as RDF/XML, never expands an entity.

The places that parse RDF from outside: ``load_dataset`` (``validate``,
``export --graph``), ``push --graph`` (pyoxigraph's TriG and N-Quads parsers)
and the answers of remote SPARQL servers (``remote.py``). An RDF/XML document
whose DTD names ``file:///etc/passwd`` as an external entity is given to each;
the password file's content never appears, and each refuses the document with
one line. A remote server is played by a loopback HTTP server that answers
whatever a test sets.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from loopback import running
from scmgraph.cli.main import main
from scmgraph.errors import RemoteError
from scmgraph.sparql.remote import RemoteEndpoint

PASSWD = Path("/etc/passwd")
XXE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">
  <rdf:Description rdf:about="http://e/s"><ex:p>&x;</ex:p></rdf:Description>
</rdf:RDF>
"""
FORMATS = ".trig, .nq, .nquads, .ttl, .nt"
JSON_ACCEPT = (
    "application/sparql-results+json,application/json,text/javascript,application/javascript"
)
TURTLE_ACCEPT = "text/turtle,application/turtle,application/n-triples"


@pytest.fixture(scope="module")
def secret() -> str:
    """A line of the password file, to look for in every output."""
    lines = [line for line in PASSWD.read_text().splitlines() if line.strip()]
    if not lines:
        pytest.skip("no /etc/passwd to leak")
    return lines[0]


def scmgraph(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scmgraph.cli.main", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


# --- files --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".rdf", ".owl", ".xml", ".rdfxml", ".jsonld", ".n3"])
def test_validate_refuses_rdf_xml_and_other_syntaxes_by_name(
    tmp_path: Path, secret: str, suffix: str
) -> None:
    path = tmp_path / f"graph{suffix}"
    path.write_text(XXE, encoding="utf-8")
    result = scmgraph("validate", str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {path}: unknown graph format (expected one of {FORMATS})\n"
    assert secret not in result.stderr


@pytest.mark.parametrize(
    ("suffix", "syntax"),
    [(".ttl", "turtle"), (".trig", "trig"), (".nt", "nt"), (".nq", "nquads")],
)
def test_validate_reads_rdf_xml_under_another_name_as_that_syntax(
    tmp_path: Path, secret: str, suffix: str, syntax: str
) -> None:
    path = tmp_path / f"graph{suffix}"
    path.write_text(XXE, encoding="utf-8")
    result = scmgraph("validate", str(path))
    assert (result.returncode, result.stdout) == (2, "")
    # one line: rdflib's warnings about the odd IRIs it met on the way are held back
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"error: {path}: cannot parse as {syntax} (")
    assert secret not in result.stderr


@pytest.mark.parametrize("suffix", [".rdf", ".ttl"])
def test_export_refuses_rdf_xml(tmp_path: Path, secret: str, suffix: str) -> None:
    path = tmp_path / f"graph{suffix}"
    path.write_text(XXE, encoding="utf-8")
    out = tmp_path / "out.ttl"
    result = scmgraph("export", "--format", "ttl", "--out", str(out), "--graph", str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(f"error: {path}: ")
    assert secret not in result.stderr and not out.exists()


# --- a remote server answering what it was not asked for ----------------------------------


@dataclass
class Remote:
    """What the fake remote server answers, and the Accept headers it was sent."""

    media: str | None = "application/rdf+xml"
    body: bytes = XXE.encode("utf-8")
    accepts: list[str] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def remote() -> Iterator[Remote]:
    state = Remote()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.accepts.append(self.headers.get("Accept", ""))
            self.send_response(200)
            if state.media is not None:
                self.send_header("Content-Type", state.media)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: object) -> None:
            pass

    with running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as server:
        state.url = f"http://127.0.0.1:{server.server_port}/sparql"
        yield state


def refusal(remote: Remote, media: str, accepted: str) -> str:
    return f"{remote.url}: answered {media}, not one of the requested types ({accepted})"


def test_a_remote_rdf_xml_answer_to_construct_is_refused_unread(remote: Remote) -> None:
    endpoint = RemoteEndpoint(remote.url, timeout=10)
    with pytest.raises(RemoteError) as caught:
        endpoint.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    accepted = "text/turtle, application/turtle, application/n-triples"
    assert str(caught.value) == refusal(remote, "application/rdf+xml", accepted)
    assert remote.accepts == [TURTLE_ACCEPT]  # RDF/XML was never asked for


@pytest.mark.parametrize("media", ["application/rdf+xml", "application/sparql-results+xml"])
def test_a_remote_xml_answer_to_select_and_ask_is_refused(remote: Remote, media: str) -> None:
    remote.media = media
    endpoint = RemoteEndpoint(remote.url, timeout=10)
    accepted = JSON_ACCEPT.replace(",", ", ")
    with pytest.raises(RemoteError) as caught:
        endpoint.select("SELECT * WHERE { ?s ?p ?o }")
    assert str(caught.value) == refusal(remote, media, accepted)
    with pytest.raises(RemoteError) as caught:
        endpoint.ask("ASK { ?s ?p ?o }")
    assert str(caught.value) == refusal(remote, media, accepted)
    assert remote.accepts == [JSON_ACCEPT, JSON_ACCEPT]


def test_a_remote_answer_without_a_media_type_is_refused(remote: Remote) -> None:
    remote.media = None
    with pytest.raises(RemoteError, match="answered without a Content-Type, not one of"):
        RemoteEndpoint(remote.url, timeout=10).select("SELECT * WHERE { ?s ?p ?o }")


def test_a_remote_turtle_answer_to_select_is_refused(remote: Remote) -> None:
    remote.media, remote.body = "text/turtle", b"<http://e/s> <http://e/p> <http://e/o> .\n"
    with pytest.raises(RemoteError, match="answered text/turtle, not one of"):
        RemoteEndpoint(remote.url, timeout=10).select("SELECT * WHERE { ?s ?p ?o }")


def test_the_requested_types_are_read(remote: Remote) -> None:
    endpoint = RemoteEndpoint(remote.url, timeout=10)
    remote.media = "application/sparql-results+json; charset=utf-8"
    remote.body = json.dumps(
        {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "a:b"}}]}}
    ).encode()
    assert [row[0].value for row in endpoint.select("SELECT ?s WHERE { ?s ?p ?o }").rows] == ["a:b"]
    remote.media, remote.body = "text/turtle", b"<http://e/s> <http://e/p> <http://e/o> .\n"
    assert len(endpoint.construct("CONSTRUCT WHERE { ?s ?p ?o }")) == 1


def test_query_run_on_an_endpoint_answering_rdf_xml(remote: Remote, secret: str) -> None:
    result = CliRunner().invoke(
        main, ["query", "run", "heads-of-delegation", "--endpoint", remote.url]
    )
    assert (result.exit_code, result.stdout) == (2, "")
    expected = refusal(remote, "application/rdf+xml", JSON_ACCEPT.replace(",", ", "))
    assert result.stderr == f"error: {expected}\n"
    assert secret not in result.stderr


def test_push_reads_no_rdf_xml(tmp_path: Path, remote: Remote, secret: str) -> None:
    path = tmp_path / "graph.rdf"
    path.write_text(XXE, encoding="utf-8")
    result = scmgraph("push", "--graph", str(path), "--endpoint", remote.url)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"error: {path}: not valid TriG: Parser error at line 1 ")
    assert result.stderr.count("\n") == 1  # one line
    assert "graph.rdf, line 1" in result.stderr and secret not in result.stderr
    assert remote.accepts == []  # the file was refused before any request
