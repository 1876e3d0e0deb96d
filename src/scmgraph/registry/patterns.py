"""Regular expressions made from registry and data files, compiled once per process.

``re`` keeps only the last 512 patterns it compiled, fewer than the rules of one
registry (topic keywords, posts, series, deadlines) and pysbd's together, so
patterns rebuilt for every communiqué were compiled again each time.
"""

from __future__ import annotations

import functools
import re

_KEPT = 2048  # several registries' worth; a pattern is a few kilobytes at most


@functools.lru_cache(maxsize=_KEPT)
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, kept for the next communiqué."""
    return re.compile(pattern, flags)
