"""Languages the reader does not read yet, recognised by the share of their script.

A Korean-language communiqué is refused with its own message rather than with "no
numbered paragraphs"; the scripts and shares live in data/reader/layout.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scmgraph.registry.patterns import compiled


@dataclass(frozen=True)
class Script:
    """A script whose text the reader does not read yet, and what to call such a file."""

    name: str
    ranges: tuple[tuple[int, int], ...]
    min_share: float

    def share(self, text: str) -> float:
        """Share of this script among the letters of ``text``."""
        letters = sum(map(str.isalpha, text))
        if not letters:
            return 0.0
        ranges = "".join(
            f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in self.ranges
        )
        ours = sum(map(str.isalpha, compiled(f"[{ranges}]").findall(text))) if ranges else 0
        return ours / letters


def unread_language(text: str, scripts: tuple[Script, ...]) -> str | None:
    """The name of the unread language ``text`` is written in, if it is one.

    The share is taken from the first line numbered 1 on, so an English communiqué
    on a page with Korean menus is still read.
    """
    first = re.search(r"^\s*[『「\[(]?\s*1\s*[.)]", text, re.MULTILINE)
    body = text[first.start() :] if first else text
    for script in scripts:
        if script.share(body) >= script.min_share:
            return script.name
    return None
