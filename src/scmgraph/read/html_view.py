"""The visible text of a saved HTML page, with the source span of each character.

Character references are decoded and tags dropped; each block element ends a line,
so the reader finds numbered paragraphs in a page as it does in plain text. A page
whose paragraphs are the items of an ordered list has its numbers drawn by the
browser, not written: read with ``numbered_lists``, each item of the outermost
ordered list opens with its number ("1. "), a character that spans no source.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from scmgraph.read.layout import View

# HTML elements whose content is never communiqué text, and elements that end a block.
_SKIPPED_TAGS = frozenset(
    ("script", "style", "nav", "header", "footer", "noscript", "template", "head", "aside")
)
_BLOCK_TAG = re.compile(r"p|div|li|br|h[1-6]|tr|t[dh]|section|article|[ou]l|table|blockquote|main")
_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")


class _HtmlViewBuilder(HTMLParser):
    """Collect the visible text of an HTML page with the source span of each character."""

    def __init__(self, source: str, numbered_lists: bool = False) -> None:
        super().__init__(convert_charrefs=False)  # references must keep their position
        self._source = source
        self._numbered = numbered_lists
        self._lists: list[int | None] = []  # per open list: its next number (None: unordered)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._skipping: list[str] = []
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _emit(self, text: str, start: int, end: int) -> None:
        for char in text:
            self.chars.append(char)
            self.starts.append(start)
            self.ends.append(end)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # a page that never closes <head> still has a body
            self._skipping.clear()
        if tag in _SKIPPED_TAGS:
            self._skipping.append(tag)
        elif _BLOCK_TAG.fullmatch(tag) and not self._skipping:
            offset = self._offset()
            self._emit("\n" if tag == "br" else "\n\n", offset, offset)
            if tag in ("ol", "ul"):
                self._lists.append(_start(attrs) if tag == "ol" else None)
            elif tag == "li" and self._numbered and self._outermost_ordered():
                number = self._lists[-1]
                self._lists[-1] = number + 1
                self._emit(f"{number}. ", offset, offset)

    def _outermost_ordered(self) -> bool:
        ordered = [n for n in self._lists if n is not None]
        return len(ordered) == 1 and self._lists[-1] is not None

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skipping:
            while self._skipping.pop() != tag:
                pass
        elif tag != "br" and _BLOCK_TAG.fullmatch(tag) and not self._skipping:
            offset = self._offset()
            self._emit("\n\n", offset, offset)
            if tag in ("ol", "ul") and self._lists:
                self._lists.pop()

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        start = self._offset()
        for i, char in enumerate(data):  # source line breaks are plain spaces in HTML
            self._emit(" " if char in "\r\n" else char, start + i, start + i + 1)

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()

    def _reference(self) -> None:
        if self._skipping:
            return
        start = self._offset()
        match = _REFERENCE.match(self._source, start)
        raw = match.group() if match else "&"
        self._emit(html.unescape(raw), start, start + len(raw))


def _start(attrs: list[tuple[str, str | None]]) -> int:
    """The number of an ordered list's first item (``start``, else 1)."""
    value = dict(attrs).get("start") or ""
    return int(value) if value.strip().isdigit() else 1


def html_view(text: str, numbered_lists: bool = False) -> View:
    """The visible text of an HTML file, one line per block element; with
    ``numbered_lists``, the numbers a browser draws before ordered list items."""
    builder = _HtmlViewBuilder(text, numbered_lists)
    builder.feed(text)
    builder.close()
    return View("".join(builder.chars), builder.starts, builder.ends)
