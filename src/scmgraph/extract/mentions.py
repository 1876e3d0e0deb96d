"""Where each sentence names the entities of a communiqué's catalogue.

Matching is longest surface first, without overlaps; post titles and the
series' own name mask what they contain. Every mention keeps exact source
offsets.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from scmgraph.model import Entity, Mention, Sentence, SourceFile

# "Future-Combined", "Counter-WMD", not "U.S.-ROK"
_HYPHEN_IN_NAME = re.compile(r"(?<=[a-z])-(?=[A-Z])")


@dataclass(frozen=True)
class Surface:
    """A way of writing an entity that the matcher looks for."""

    text: str
    entity: str  # Entity.key
    case_sensitive: bool
    plural: bool = False  # also match with a trailing "s" (acronyms: "CCPTs")
    named: int = 0  # when set, only the first ``named`` characters are the mention


@dataclass(frozen=True)
class Catalogue:
    """The entities of one document and the surfaces that name them."""

    entities: dict[str, Entity]
    surfaces: tuple[Surface, ...]
    parties: frozenset[str]  # entity keys of the parties: never mentions
    masks: tuple[str, ...]  # phrases that hide what they contain (post titles, the series)

    @functools.cached_property
    def needles(self) -> tuple[tuple[Surface, bool, str], ...]:
        """Each surface, whether it has several words, and the text looked for: names
        of several words with hyphens for spaces read as spaces ("Future-Combined
        Forces Command"), in lower case unless the surface is case-sensitive. Made
        once per document, not once per sentence."""
        found = []
        for surface in self.surfaces:
            several = " " in surface.text
            needle = _HYPHEN_IN_NAME.sub(" ", surface.text) if several else surface.text
            found.append((surface, several, needle if surface.case_sensitive else needle.lower()))
        return tuple(found)


# --- offsets -------------------------------------------------------------------


def char_offsets(source: SourceFile, sentence: Sentence) -> list[int]:
    """Source offset of each character of ``sentence.text``.

    ``sentence.text`` is the source span with whitespace collapsed (and, for
    HTML, tags removed and character references decoded); walking both in step
    gives every character its place in the file.
    """
    if len(sentence.offsets) == len(sentence.text):
        return list(sentence.offsets)  # the reader's exact map
    raw = source.text
    is_html = source.media_type == "text/html"
    offsets: list[int] = []
    i, end = sentence.begin, sentence.end
    pending_space: int | None = None
    while i < end:
        ch = raw[i]
        if is_html and ch == "<":
            close = raw.find(">", i)
            i = end if close < 0 else close + 1
            continue
        if is_html and ch == "&":
            ref = re.match(r"&#?[A-Za-z0-9]+;", raw[i:end])
            if ref:
                decoded = html.unescape(ref.group())
                if decoded.isspace():
                    pending_space = pending_space if pending_space is not None else i
                else:
                    if pending_space is not None and offsets:
                        offsets.append(pending_space)
                    pending_space = None
                    offsets.extend([i] * len(decoded))
                i += len(ref.group())
                continue
        if ch.isspace():
            if pending_space is None:
                pending_space = i
        else:
            if pending_space is not None and offsets:
                offsets.append(pending_space)
            pending_space = None
            offsets.append(i)
        i += 1
    if len(offsets) != len(sentence.text):  # defensive: fall back to proportional offsets
        return [
            sentence.begin + min(k, end - sentence.begin - 1) for k in range(len(sentence.text))
        ]
    return offsets


def _boundary_ok(text: str, begin: int, end: int) -> bool:
    before = text[begin - 1] if begin > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def find_mentions(source: SourceFile, sentence: Sentence, catalogue: Catalogue) -> list[Mention]:
    """The entities ``sentence`` names, longest match first, without overlaps."""
    text = sentence.text
    taken = [False] * len(text)
    for mask in catalogue.masks:  # each occurrence, left to right, none overlapping
        start = text.find(mask) if mask else -1
        while start >= 0:
            end = start + len(mask)
            if _boundary_ok(text, start, end):
                taken[start:end] = [True] * len(mask)
            start = text.find(mask, end)
    found: list[tuple[int, int, str]] = []
    # Names of several words also match with hyphens for spaces ("Future-Combined
    # Forces Command"); the replacement keeps every offset in place.
    joined = _HYPHEN_IN_NAME.sub(" ", text)
    haystacks = {(True, False): text, (False, False): text.lower()}
    haystacks |= {(True, True): joined, (False, True): joined.lower()}
    for surface, several, needle in catalogue.needles:
        haystack = haystacks[(surface.case_sensitive, several)]
        start = haystack.find(needle)
        while start >= 0:
            end = start + len(needle)
            if surface.plural and end < len(text) and text[end] == "s":
                end += 1
            # A capitalised name written in lower case is a phrase, not the name:
            # "a joint vision for the Alliance" is no Joint Vision for the Alliance.
            lowered = surface.text[0].isupper() and not text[start].isupper()
            if not lowered and _boundary_ok(text, start, end) and not any(taken[start:end]):
                span_start, span_end = start, end
                if " " in surface.text and surface.case_sensitive and not surface.text[0].islower():
                    # "Secretary Austin": the mention is the name, not the title.
                    span_start = start + surface.text.rindex(" ") + 1
                if surface.named:  # "Iron Mace tabletop exercise": the name alone
                    span_end = start + surface.named
                found.append((span_start, span_end, surface.entity))
                for k in range(start, end):
                    taken[k] = True
            start = haystack.find(needle, start + 1)
    offsets = char_offsets(source, sentence)
    mentions = []
    for begin, end, key in sorted(found):
        src_begin = offsets[begin]
        src_end = offsets[end - 1] + 1
        mentions.append(
            Mention(key, sentence.paragraph, sentence.number, src_begin, src_end, text[begin:end])
        )
    return mentions
