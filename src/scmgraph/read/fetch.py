"""Take a communiqué as published: the bytes of a web page, or of a local file.

Pages are fetched with httpx under firm limits — http and https only (also for
every redirect), a bounded number of redirects, a timeout, a size limit (the
reader's: nothing larger can be a communiqué) — and refused with a one-line
``InputError`` naming the source. The bytes are kept exactly as received.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from scmgraph.errors import InputError
from scmgraph.read.reader import MAX_FILE_BYTES, MEDIA_TYPES
from scmgraph.read.sources import utc_stamp
from scmgraph.version import __version__

TIMEOUT_SECONDS = 30.0
MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
# What a communiqué may be served as, and the extension it is stored with. A PDF's
# text is read once saved as text; the PDF itself is not.
EXTENSIONS = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt"}

Received = Callable[[int, int | None], None]  # bytes so far, bytes announced (if any)


@dataclass(frozen=True)
class Fetched:
    """A source's bytes as published, and what the provenance file records of them."""

    source: str  # the URL as fetched (normalised), or the file's absolute path
    data: bytes
    content_type: str  # as served, or from the file's extension
    extension: str  # ".html" or ".txt": how the reader is to read it
    retrieved: str  # UTC, ISO 8601


def is_url(source: str) -> bool:
    """A SOURCE with a scheme is a URL (only http and https are fetched); else a path."""
    scheme, sep, _ = source.partition("://")
    return bool(sep) and scheme.isascii() and scheme.replace("+", "").isalnum()


def take(source: str, received: Received | None = None) -> Fetched:
    """The bytes of ``source``, a URL (``received`` hears how much arrived) or a file."""
    if is_url(source):
        return fetch_url(source, received)
    return read_file(Path(source))


def read_file(path: Path) -> Fetched:
    """A local communiqué file, with the content type its extension gives."""
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        accepted = ", ".join(MEDIA_TYPES)
        raise InputError(path, f"unknown extension '{path.suffix}' (accepted: {accepted})")
    if not path.is_file():
        raise InputError(path, "file not found" if not path.exists() else "not a file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(path, f"file too large (a communiqué is under {_megabytes()} MB)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read file: {error.strerror}") from error
    now = utc_stamp(dt.datetime.now(dt.UTC))
    return Fetched(str(path.absolute()), data, media_type, EXTENSIONS[media_type], now)


def fetch_url(
    url: str,
    received: Received | None = None,
    *,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_FILE_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET ``url``, following at most ``max_redirects`` http(s) redirects, and keep the body."""
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as error:
        raise InputError(url, f"not a valid URL ({error})") from error
    headers = {"User-Agent": f"scmgraph/{__version__}", "Accept-Encoding": "identity"}
    with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as client:
        for hop in range(max_redirects + 1):
            if target.scheme not in SCHEMES:
                problem = f"only http and https URLs are fetched, not {target.scheme}:"
                raise InputError(url, f"{problem} (redirected to {target})" if hop else problem)
            try:
                fetched = _get(client, target, url, received, max_bytes)
            except httpx.TimeoutException as error:
                raise InputError(url, f"no answer within {timeout:g} s") from error
            except httpx.HTTPError as error:
                raise InputError(url, f"cannot fetch: {error or type(error).__name__}") from error
            if isinstance(fetched, httpx.URL):
                target = fetched
                continue
            return fetched
    raise InputError(url, f"more than {max_redirects} redirects")


def _get(
    client: httpx.Client, target: httpx.URL, url: str, received: Received | None, max_bytes: int
) -> Fetched | httpx.URL:
    """One request: the page, or the URL a redirect points to."""
    with client.stream("GET", target) as response:
        if response.is_redirect:
            location = response.headers.get("Location")
            if not location:
                raise InputError(url, f"HTTP {response.status_code} redirect without a Location")
            return target.join(location)
        if response.status_code != 200:
            raise InputError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
        content_type = response.headers.get("Content-Type", "").strip()
        extension = EXTENSIONS.get(content_type.split(";")[0].strip().lower())
        if extension is None:
            shown = content_type or "no content type"
            raise InputError(url, f"not a text or HTML page ({shown})")
        announced = response.headers.get("Content-Length")
        total = int(announced) if announced and announced.isdigit() else None
        if total is not None and total > max_bytes:
            raise InputError(url, f"page too large ({total} bytes; the limit is {max_bytes})")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise InputError(url, f"page too large (over {max_bytes} bytes)")
            chunks.append(chunk)
            if received is not None:
                received(size, total)
    now = utc_stamp(dt.datetime.now(dt.UTC))
    return Fetched(str(target), b"".join(chunks), content_type, extension, now)


def _megabytes() -> int:
    return MAX_FILE_BYTES // (1024 * 1024)
