"""Read a communiqué file into numbered paragraphs and sentences.

Communiqués are copied from web pages, so the file holds banners, menus and
syndication footers around the numbered paragraphs, or out of PDF reports, which
wrap lines and repeat page headers. Reading has three stages so that every form
shares every rule about paragraphs and sentences:

1. a per-format *view builder* (``html_view`` for pages) turns the file into plain
   text (the "view") and records, for every view character, the span of the source
   it came from;
2. ``layout.normalise`` drops page furniture and rejoins what line breaks split,
   only ever dropping view characters, so every span stays exact;
3. one shared stage finds the numbered paragraphs in the view, drops chrome, splits
   the paragraphs into sentences with pysbd and maps each sentence back to offsets
   in ``SourceFile.text``.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from scmgraph.errors import InputError
from scmgraph.model import Document, Origin, Paragraph, Sentence, SourceFile
from scmgraph.read.html_view import html_view
from scmgraph.read.language import unread_language
from scmgraph.read.layout import View, load_layout_rules, normalise
from scmgraph.read.numbering import Line as _Line
from scmgraph.read.sentences import Segmenter
from scmgraph.read.sources import recorded_origin
from scmgraph.registry.files import default_data_dir, read_data

MEDIA_TYPES = MappingProxyType(
    {".txt": "text/plain", ".text": "text/plain", ".html": "text/html", ".htm": "text/html"}
)
_ACCEPTED = ", ".join(MEDIA_TYPES)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTENT = re.compile(r"[^\s\ufeff](?:.*[^\s\ufeff])?")  # a line without its edges
_WORD = re.compile(r"\S+")
MAX_FILE_BYTES = 2 * 1024 * 1024  # communiqués are tens of kilobytes; refuse what cannot be one


@dataclass(frozen=True)
class _Rules:
    """Curated chrome phrases and abbreviations (data/reader/boilerplate.yaml)."""

    phrases: tuple[str, ...]
    min_prose_words: int
    menu_line_max_words: int
    never_final: tuple[str, ...]
    may_end: tuple[str, ...]

    def is_boilerplate(self, text: str) -> bool:
        folded = text.casefold()
        return any(phrase in folded for phrase in self.phrases)


def _load_rules(path: Path | None = None) -> _Rules:
    """Read the reader's curated data; called per document so edits apply at once."""
    path = path or default_data_dir() / "reader" / "boilerplate.yaml"
    data: dict[str, Any] = read_data(path)
    abbreviations = data.get("abbreviations") or {}
    return _Rules(
        phrases=tuple(str(p).casefold() for p in data.get("phrases") or ()),
        min_prose_words=int(data.get("min_prose_words", 3)),
        menu_line_max_words=int(data.get("menu_line_max_words", 8)),
        never_final=tuple(abbreviations.get("never_final") or ()),
        may_end=tuple(abbreviations.get("may_end") or ()),
    )


# --- public API --------------------------------------------------------------


def find_communiques(folder: Path) -> list[Path]:
    """The communiqué files of a corpus folder, sorted by name so runs are repeatable."""
    folder = Path(folder)
    if not folder.exists():
        raise InputError(folder, "corpus folder not found")
    if not folder.is_dir():
        raise InputError(folder, "not a folder")
    files = sorted(
        # Symbolic links are kept even when broken or looping, so that reading them
        # reports the problem instead of skipping a file the user meant to give.
        (
            p
            for p in folder.iterdir()
            if p.suffix.lower() in MEDIA_TYPES and (p.is_file() or p.is_symlink())
        ),
        key=lambda p: p.name,
    )
    files = [p for p in files if not p.name.startswith(".")]  # editor and OS droppings
    if not files:
        raise InputError(folder, f"no communiqué files ({_ACCEPTED}) in folder")
    return files


def read_document(path: Path, records: Mapping[str, Origin] | None = None) -> Document:
    """Read one communiqué into its numbered paragraphs, with offsets into the file.

    ``records``: the provenance records of its folder (``read.sources``), when read already.
    """
    path = Path(path)
    source = _read_source(path)
    origin, stale = recorded_origin(path, source.sha256, records)
    source = replace(source, origin=origin)
    problems: list[str] = [stale] if stale else []
    is_html = source.media_type == "text/html"
    view = html_view(source.text) if is_html else View.plain(source.text)
    layout = load_layout_rules()
    language = unread_language(view.text, layout.unread_scripts)
    if language:
        raise InputError(path, f"{language}: not read yet")
    rules = _load_rules()
    view = normalise(view, layout, rules.never_final + rules.may_end)
    lines = _lines(view.text)
    markers = layout.numbering.markers(lines, problems, layout.datelines)
    if not markers and is_html:  # numbered by the browser: the items of an ordered list
        view = normalise(
            html_view(source.text, numbered_lists=True), layout, rules.never_final + rules.may_end
        )
        lines = _lines(view.text)
        markers = layout.numbering.markers(lines, problems, layout.datelines)
    if not markers:
        raise InputError(path, "no numbered paragraphs found (expected a line starting '1. ')")
    segmenter = Segmenter(language="en", clean=False, char_span=True)
    paragraphs = []
    for k, marker in enumerate(markers):
        stop = markers[k + 1].line if k + 1 < len(markers) else len(lines)
        first = lines[marker.text_line]
        body = [_Line(marker.start, first.end, view.text[marker.start : first.end])]
        blocks = _blocks(body + lines[marker.text_line + 1 : stop])
        blocks = _trailing(blocks, rules) if stop == len(lines) else _inner(blocks, rules)
        paragraphs.append(_paragraph(marker.number, view, blocks, rules, segmenter))
    last = paragraphs[-1]
    if last.sentences and not re.search(r"[.!?][\"”’')\]]*$", last.sentences[-1].text):
        problems.append(
            f"paragraph {last.number} ends without a full stop; the file may be truncated"
        )
    warnings = tuple(f"{path}: {problem}" for problem in problems)
    return Document(source, _title(lines[: markers[0].line]), tuple(paragraphs), warnings)


# --- reading bytes -------------------------------------------------------------


def _read_source(path: Path) -> SourceFile:
    """Check the file and decode it without touching line endings."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError as error:  # Python < 3.13 reports a loop this way
            raise InputError(path, "symbolic link loop") from error
        except OSError as error:
            problem = "symbolic link loop" if error.errno == 40 else "broken symbolic link"
            raise InputError(path, problem) from error
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a directory, not a communiqué file")
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise InputError(path, f"unknown extension '{path.suffix}' (accepted: {_ACCEPTED})")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise InputError(path, f"file too large ({size} bytes; a communiqué is under {limit} MB)")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read file: {error.strerror}") from error
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "UTF-16 text; save the communiqué as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(path, f"binary file (NUL byte at offset {nul})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = raw[error.start]
        problem = f"not valid UTF-8 (byte 0x{byte:02x} at offset {error.start})"
        raise InputError(path, problem) from error
    if not _CONTENT.search(text):
        raise InputError(path, "empty file")
    digest = hashlib.sha256(raw).hexdigest()
    return SourceFile(path, path.stem, media_type, digest, text)


# --- view builders -------------------------------------------------------------


# --- paragraphs ----------------------------------------------------------------


def _lines(text: str) -> list[_Line]:
    """Split the view into lines, each trimmed to its content."""
    breaks = list(_LINE_BREAK.finditer(text))
    starts = [0, *(m.end() for m in breaks)]
    ends = [*(m.start() for m in breaks), len(text)]
    lines = []
    for start, end in zip(starts, ends, strict=True):
        found = _CONTENT.search(text, start, end)
        lines.append(
            _Line(found.start(), found.end(), found.group()) if found else _Line(start, start, "")
        )
    return lines


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Group lines into blocks separated by blank lines."""
    return [list(run) for blank, run in itertools.groupby(lines, lambda x: x.blank) if not blank]


def _is_menu(lines: list[_Line], rules: _Rules) -> bool:
    """Short lines without sentence-final punctuation: links, menus, tags.

    A line that ends a clause (";", ":", ",", "and", "or") continues the prose, as
    the items of a list inside a paragraph do, so it is never menu text.
    """
    return all(
        not line.ends_sentence
        and len(line.text.split()) <= rules.menu_line_max_words
        and not re.search(r"(?:[;:,]|\band|\bor)\s*$", line.text)
        for line in lines
    )


def _inner(blocks: list[list[_Line]], rules: _Rules) -> list[list[_Line]]:
    """Keep the unnumbered blocks of a paragraph, unless they are plainly chrome."""
    kept = blocks[:1]
    for block in blocks[1:]:
        text = " ".join(line.text for line in block)
        if not rules.is_boilerplate(text) and not _is_menu(block, rules):
            kept.append(block)
    return kept


def _trailing(blocks: list[list[_Line]], rules: _Rules) -> list[list[_Line]]:
    """Cut the last paragraph at the first run of lines that does not read as prose.

    Runs end at a line that ends a sentence (not merely an abbreviation), so a footer
    glued under the last sentence is cut too; the run holding the marker is always kept.
    """
    kept: list[list[_Line]] = []
    previous = ""  # the last line kept: one ending in ":" or ";" runs on (a list)
    for b, block in enumerate(blocks):
        run: list[_Line] = []
        for line in block:
            run.append(line)
            abbreviated = _ends_with_any(line.text, rules.never_final + rules.may_end)
            if (line.ends_sentence and not abbreviated) or line is block[-1]:
                text = " ".join(piece.text for piece in run)
                prose = (
                    line.ends_sentence
                    and len(text.split()) >= rules.min_prose_words
                    and not rules.is_boilerplate(text)
                ) or (_RUNS_ON.search(previous) is not None and not rules.is_boilerplate(text))
                if not prose and (b or kept):
                    return kept
                previous = line.text
                if len(kept) <= b:
                    kept.append([])
                kept[b].extend(run)
                run = []
    return kept


def _title(lines: list[_Line]) -> str | None:
    """The nearest line above paragraph 1 that names the text a communiqué."""
    for line in reversed(lines):
        if "communiqu" in line.text.casefold():
            return " ".join(line.text.replace("\ufeff", " ").split())
    return None


# --- sentences -----------------------------------------------------------------


def _paragraph(
    number: int,
    view: View,
    blocks: list[list[_Line]],
    rules: _Rules,
    segmenter: Segmenter,
) -> Paragraph:
    """Segment a paragraph's whitespace-collapsed text and map sentences to the source."""
    chars: list[str] = []
    where: list[int] = []  # view index of each collapsed character (-1: a joining space)
    cuts = {0}  # a block starts a sentence, unless the one before runs on (":", "; and")
    for block in blocks:
        if chars and not _RUNS_ON.search("".join(chars[-4:])):
            cuts.add(len(chars) + 1)
        for line in block:
            for word in _WORD.finditer(view.text, line.start, line.end):
                if chars:
                    chars.append(" ")
                    where.append(-1)
                chars.extend(word.group())
                where.extend(range(word.start(), word.end()))
    flat = "".join(chars)
    forced = set(cuts)
    for offset, chunk in _chunks(flat, rules):
        cuts |= {
            offset + span.start
            for span in segmenter.segment(chunk)
            if 0 < offset + span.start < len(flat)
        }
    pieces: list[tuple[int, int]] = []
    for a, b in itertools.pairwise([*sorted(cuts), len(flat)]):
        a, b = a + (flat[a] == " "), b - (flat[b - 1] == " ")  # words are one space apart
        before = flat[pieces[-1][0] : pieces[-1][1]] if pieces else ""
        if a >= b:
            continue
        if before and a not in forced and _joins(before, flat[a:b], rules):
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    offsets = [
        view.starts[w] if w >= 0 else _space_offset(view, where[k - 1], where[k + 1])
        for k, w in enumerate(where)
    ]
    sentences = tuple(
        Sentence(
            number,
            i,
            view.starts[where[a]],
            view.ends[where[b - 1]],
            flat[a:b],
            tuple(offsets[a:b]),
        )
        for i, (a, b) in enumerate(pieces, start=1)
    )
    begin = view.starts[blocks[0][0].start]
    return Paragraph(number, begin, sentences[-1].end, sentences)


def _space_offset(view: View, before: int, after: int) -> int:
    """Source offset of the space joining two words: the first whitespace character of
    the file between them, or (only tags or dropped characters between) the end of
    the word before."""
    for i in range(before + 1, after):
        if view.ends[i] > view.starts[i] and view.text[i].isspace():
            return view.starts[i]
    return view.ends[before]


_RUNS_ON = re.compile(r"(?:[;:,]|\band|\bor)\s*$")  # a line the next one continues
_SAFE_BREAK = re.compile(r"(?<=[A-Za-z]{2}[.!?]) (?=[A-Z])")
CHUNK_CHARS = 4000  # pysbd's time grows with the square of its input; real paragraphs are ~1,000


def _chunks(text: str, rules: _Rules) -> list[tuple[int, str]]:
    """Cut a long paragraph at plain sentence ends (a word that is no abbreviation, a
    full stop, a capital) so the segmenter never sees more than a few thousand
    characters at once."""
    if len(text) <= CHUNK_CHARS:
        return [(0, text)]
    chunks, start = [], 0
    for match in _SAFE_BREAK.finditer(text, CHUNK_CHARS):
        if match.start() - start < CHUNK_CHARS:
            continue
        word = text[text.rfind(" ", start, match.start()) + 1 : match.start()]
        if "." in word[:-1] or _ends_with_any(word, rules.never_final + rules.may_end):
            continue
        chunks.append((start, text[start : match.start()]))
        start = match.end()
    chunks.append((start, text[start:]))
    return chunks


def _joins(before: str, after: str, rules: _Rules) -> bool:
    """Whether pysbd split after an abbreviation that does not end the sentence."""
    if _ends_with_any(before, rules.never_final):
        return True
    continues = not after[0].isupper() and after[0] not in "\"'“‘("
    return continues and _ends_with_any(before, rules.may_end)


def _ends_with_any(text: str, abbreviations: tuple[str, ...]) -> bool:
    """Whether text ends with one of the abbreviations as a word ("ROK-U.S." counts)."""
    return any(text.endswith(a) and not text[: -len(a)][-1:].isalpha() for a in abbreviations)
