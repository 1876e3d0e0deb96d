"""Helpers the HTTP tests share: one raw request, and a server run in a thread."""

from __future__ import annotations

import contextlib
import http.client
import socketserver
import threading
from collections.abc import Iterator
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

Server = TypeVar("Server", bound=socketserver.BaseServer)


def call(
    base: str,
    method: str,
    path: str,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One raw HTTP request (http.client: paths are sent exactly as given)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        data = body.encode("utf-8") if isinstance(body, str) else body
        connection.request(method, path, body=data, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def q(text: str, **extra: str) -> str:
    """The path of a SPARQL GET request."""
    return "/sparql?" + urlencode({"query": text, **extra})


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    """``server`` answering in a background thread until the block ends."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
