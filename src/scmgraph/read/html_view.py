"""The visible text of a saved HTML page, with the source span of each character.

Character references are decoded and tags dropped; each block element ends a line,
so the reader finds numbered paragraphs in a page as it does in plain text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from scmgraph.read.layout import View

# HTML elements whose content is never communiqué text, and elements that end a block.
_SKIPPED_TAGS = frozenset(
    ("script", "style", "nav", "header", "footer", "noscript", "template", "head")
)
_BLOCK_TAG = re.compile(r"p|div|li|br|h[1-6]|tr|t[dh]|section|article|[ou]l|table|blockquote|main")
_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")


class _HtmlViewBuilder(HTMLParser):
    """Collect the visible text of an HTML page with the source span of each character."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)  # references must keep their position
        self._source = source
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

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skipping:
            while self._skipping.pop() != tag:
                pass
        elif tag != "br" and _BLOCK_TAG.fullmatch(tag) and not self._skipping:
            offset = self._offset()
            self._emit("\n\n", offset, offset)

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


def html_view(text: str) -> View:
    """The visible text of an HTML file, one line per block element."""
    builder = _HtmlViewBuilder(text)
    builder.feed(text)
    builder.close()
    return View("".join(builder.chars), builder.starts, builder.ends)
