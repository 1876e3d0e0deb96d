"""The blocks of a graph part the build computes itself, kept from build to build.

The links graph is the entities and posts merged across communiqués (a part the
build computes) and each pair's thread links (cached parts). Its block is joined
from its parts' (``scmgraph.build.nodes``), so after one communiqué changed only
the merged part's blocks are wanted again. Those depend on its lines, which name
the whole build as the one that generated each node; the whole build is named
after every input, so every rebuild names another. The part's blocks are kept
under a digest of its lines with the build left out, and a kept block that names
another build is written with this one's name instead. That is sound where each
line that names the build has it as its object, and no other line has that line's
subject and predicate: the lines then sort, and the serialisers write them, in the
same order whichever build they name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from scmgraph.build.nodes import PartBlocks
from scmgraph.build.units import UnitCache

_THIS_BUILD = b"<urn:scmgraph:this-build>"  # stands for the whole build in digests


def without_build(lines: list[bytes], build: bytes) -> list[bytes]:
    """Lines with the whole build ``build`` (an N-Triples term; none if empty) left
    out: what a digest of blocks that may be renamed is made of."""
    return [line.replace(build, _THIS_BUILD) for line in lines] if build else lines


def kept_nodes(
    cache: UnitCache,
    env: str,
    iri: str,
    lines: list[bytes],
    build: bytes,
    make: Callable[[], PartBlocks],
) -> tuple[str, Callable[[], PartBlocks]]:
    """The cache key of a part's blocks, and what gives them: kept under that key
    (renamed to name ``build``, the whole build's IRI as an N-Triples term, if they
    name another), or made by ``make`` and kept. The key names the environment
    ``env``, the graph ``iri`` and the part's ``lines``, without the build where
    ``renamable`` allows."""
    if not renamable(lines, build):
        build = b""
    content = without_build(lines, build)
    digest = hashlib.sha256(f"{env}\0{iri}\0".encode() + b"".join(content))
    key = "nodes-" + digest.hexdigest()[:32]

    def blocks() -> PartBlocks:
        found = cache.load(key)
        if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], PartBlocks):
            kept, named = found
            if named == build:
                return kept
            renamed = _renamed(kept, named, build, sum(build in line for line in lines))
            if renamed is not None:  # kept as made: the next build renames them again
                return renamed
        made = make()
        cache.save(key, (made, build))
        return made

    return key, blocks


def renamable(lines: list[bytes], build: bytes) -> bool:
    """Whether every line naming ``build`` has it as its object, alone for its subject
    and predicate (the lines are sorted: lines of one subject and predicate adjoin)."""
    if not build:
        return False
    found = False
    tail = b" " + build + b" .\n"
    for number, line in enumerate(lines):
        if build not in line:
            continue
        if not line.endswith(tail) or line.count(build) != 1:
            return False
        head = line[: -len(tail)]
        for other in (number - 1, number + 1):
            if 0 <= other < len(lines) and lines[other].startswith(head + b" "):
                return False
        found = True
    return found


def _hex(build: bytes) -> bytes:
    """The digest that ends a build's IRI (an N-Triples term)."""
    return build[:-1].rsplit(b"/", 1)[-1]


def _renamed(blocks: PartBlocks, old: bytes, new: bytes, count: int) -> PartBlocks | None:
    """``blocks`` naming build ``new`` instead of ``old``; None unless each block names
    ``old`` exactly ``count`` times (once a line) and nowhere names ``new``."""
    if not old or not new or count == 0:
        return None
    was, now = _hex(old), _hex(new)
    if len(was) < 16 or len(was) != len(now):
        return None
    texts = (blocks.trig, blocks.jsonld)
    if any(text.count(was) != count or now in text for text in texts):
        return None
    return PartBlocks(
        blocks.first,
        blocks.last,
        blocks.trig.replace(was, now),
        blocks.jsonld.replace(was, now),
    )
