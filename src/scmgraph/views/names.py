"""How the statements view names an entity: from the forms the document writes,
without what only qualifies them (a leading "the", a year, "U.S.-ROK")."""

from __future__ import annotations

import re


def display_name(surface: str, qualifier: re.Pattern[str]) -> str:
    """A surface without leading "the", party pairs ("U.S.-ROK") or year prefixes."""
    previous = None
    while surface != previous:
        previous = surface
        stripped = qualifier.sub("", surface, count=1)
        surface = stripped if stripped.strip() else surface
    return surface


def nouns(written: list[str]) -> list[str]:
    """The forms that extend no other form by a suffix: "North Korea", not the
    adjective "North Korean"; "Combined Command Post Training", not its plural.

    >>> nouns(["North Korean", "North Korea", "Camp Humphreys"])
    ['North Korea', 'Camp Humphreys']
    """
    return [
        w
        for w in written
        if not any(w != o and w.startswith(o) and w[len(o) :].isalpha() for o in written)
    ]


def numbered_tail(written: str, label: str) -> bool:
    """Whether ``written`` is the numbered end of the entity's name: a numbered list
    ("Resolutions 1718 and 1874") or a short form writes no more of it.

    >>> numbered_tail("1874", "Resolution 1874"), numbered_tail("DMZ", "Korean DMZ")
    (True, False)
    """
    return written != label and written.split()[-1].isdigit() and label.endswith(" " + written)


def head_left_out(written: list[str], label: str) -> bool:
    """Whether every form the document writes is the entity's name without its head,
    which coordinated names share ("the Seohee and Jema Units" writes "Seohee").

    >>> head_left_out(["Seohee"], "Seohee Unit"), head_left_out(["CFC", "Seohee"], "Seohee Unit")
    (True, False)
    """
    return bool(written) and all(label.startswith(f"{w} ") for w in written)
