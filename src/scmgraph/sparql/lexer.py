"""Reading SPARQL text without running it: tokens, the query form, updates, SERVICE, nesting.

The endpoint, the stored queries and the remote client refuse updates, ``SERVICE``
and runaway nesting before any engine sees the text, and all three read it here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:'{0,2}(?:[^'\\]|\\.))*'''|\"\"\"(?:\"{0,2}(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:
              (?:[\w:.\-\u00B7-\uFFFF]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[A-Za-z_][\w\-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    ["INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"]
)
# Deepest bracket nesting accepted. The engine's parser recurses once per level and
# overflows the stack (killing the process) from about 3,000 levels; real queries
# nest a dozen deep.
MAX_NESTING = 256
_SHAPES_KEPT = 256  # query texts whose shape is kept (at most 64 kB each)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """SPARQL tokens, whitespace and comments left out."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


def _unescape_codepoints(text: str) -> str:
    """``\\u0053`` → ``S``: SPARQL engines apply these before parsing (SPARQL 1.1 §19.2)."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _CODEPOINT.sub(replace, text)


@dataclass(frozen=True)
class QueryShape:
    """What a request's SPARQL text is, read by the lexer before any engine runs it."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None
    update: bool  # starts like an update operation
    service: bool  # uses SERVICE anywhere
    depth: int = 0  # deepest nesting of (), [] and {} outside strings, IRIs and comments


@functools.lru_cache(maxsize=_SHAPES_KEPT)
def inspect_query(text: str) -> QueryShape:
    """The query form, whether the text is an update or uses SERVICE, how deep it nests.

    Kept for the texts asked most recently: clients of an endpoint send the same
    few queries again and again, and reading one costs as much as running a small
    one. The text is read twice, as written and with code point escapes applied,
    since an engine may read ``\\u0053ERVICE`` as ``SERVICE``; either reading
    that finds the keyword counts.
    """
    form: str | None = None
    update = service = False
    deepest = 0
    for variant in {text, _unescape_codepoints(text)}:
        first: str | None = None
        depth = 0
        for match in _TOKEN.finditer(variant):  # every request: no Token objects made
            kind = match.lastgroup
            if kind == "other":
                char = match.group()
                if char in "([{":
                    depth += 1
                    deepest = max(deepest, depth)
                elif char in ")]}":
                    depth -= 1
            elif kind == "word":
                word = match.group().upper()
                if first is None and word not in ("BASE", "PREFIX"):
                    first = word
                if word == "SERVICE":
                    service = True
        if first in QUERY_FORMS and form is None:
            form = first
        update = update or first in UPDATE_KEYWORDS
    return QueryShape(form=form, update=update, service=service, depth=deepest)


def nesting_message(depth: int) -> str:
    return f"the query nests brackets {depth} deep; at most {MAX_NESTING} levels are accepted"
