"""Find when a clause says something is to happen, and resolve the year.

A deadline is a future time ("by the end of the year", "in 2022", "by early
2022", "by next year", "this Fall", "in the fall of 2020", "on December 1,
2015") or an event or condition ("by the 54th SCM", "when all required actions
are complete", "once the ROK has acquired them"), resolved against the meeting
date.
Past and present times ("earlier this year", "held in 2020") are not deadlines.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from scmgraph.extract.meeting import MONTHS
from scmgraph.extract.names import SEASONS
from scmgraph.registry.patterns import compiled

SEASON = "(?:" + "|".join(sorted(w for s in SEASONS for w in (s, s.lower()))) + ")"
MONTH = "(?:" + "|".join(calendar.month_name[1:]) + ")"
PARTS = r"(?:early|mid|late|the end of|the beginning of|the first half of|the second half of)"
COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}
COUNT = r"(?:\d{1,2}|" + "|".join(COUNTS) + ")"
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# "December 1, 2015", "1 December 2015"
DATE = rf"(?:{MONTH} {DAY},? \d{{4}}|{DAY} {MONTH},? \d{{4}})"
# "once" and "as soon as" open a condition, unless "once" counts ("once a year") or
# repeats ("once again").
ONCE = (
    r"\b(?:once|as soon as) (?!(?:again|more)\b|(?:a|an|every|per) (?:year|month|week|day)\b)"
    r"(?:(?:the|its|their|all|these|those|this|that|both|conditions?)\b|[A-Z])[^,.;]*"
)
# "this year" is a deadline after a word that looks ahead ("plans to conduct six
# operations this year"), not in "this year marks ..." or "conducted this year".
AHEAD = r"(?:will|would|shall|plans? to|planned to|intends? to|aims? to|expects? to|to be)"
THIS_YEAR = rf"\b{AHEAD}\b[^.;]*?\b(?P<when>this year)\b(?!['’]s)"
# A month not after the meeting's, after such a word or a decision to act: the next
# year's ("decided to hold the next SPI meeting in Washington, D.C., in January"), but
# not in a participle's phrase ("the reform announced in March", "the understanding
# reached in Kuala Lumpur in June"). An abbreviation's full stop ("D.C.,") does not end
# the clause.
MONTH_AHEAD = (
    rf"\b(?:{AHEAD}|(?:agreed|decided) to)\b"
    r"(?:(?!\b[a-z]+ed (?:in|at|on)\b)(?:[^.;]|\.(?!\s|$)))*?"
    rf"\b(?<!ed )(?P<when>in {MONTH})\b(?!,? \d)"
)
SEASON_MONTHS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}  # when each begins


@dataclass(frozen=True)
class FoundDeadline:
    text: str
    year: int | None
    begin: int  # index in the searched text
    end: int


SKIP = -1  # a resolver's answer for a match that is no deadline after all


def _patterns(
    meeting: dt.date, ordinals: Mapping[str, int]
) -> list[tuple[re.Pattern[str], object]]:
    """Ordered (pattern, resolver) pairs; a resolver maps a match to a year, None
    (an event, no year) or SKIP."""
    year = meeting.year

    def within(match: re.Match[str]) -> int:
        count = match["count"]
        n = int(count) if count.isdigit() else COUNTS[count]
        if match["unit"].startswith("month"):  # the year the last month falls in
            return year + (meeting.month - 1 + n) // 12
        return year + n

    def held_at(match: re.Match[str]) -> int | None:
        # "at the 48th MCM" is a deadline only when that meeting is still to come.
        current = ordinals.get(match["series"])
        return None if current is not None and int(match["n"]) > current else SKIP

    def next_season(match: re.Match[str]) -> int:
        # "next spring" at a November meeting: the coming one, in the next year.
        later = SEASON_MONTHS[match["season"].lower()] > meeting.month
        return year if later else year + 1

    def literal(match: re.Match[str]) -> int | None:
        found = re.search(r"\d{4}", match.group())
        return int(found.group()) if found else None

    def month_only(match: re.Match[str]) -> int:
        # "in December" at a November meeting: this year. A month not after the
        # meeting's may be a past event ("the meeting in June"): not a deadline.
        month = re.search(MONTH, match.group())
        later = month is not None and MONTHS[month.group().lower()] > meeting.month
        return year if later else SKIP

    def month_ahead(match: re.Match[str]) -> int:
        later = MONTHS[match["when"].split()[-1].lower()] > meeting.month
        return year if later else year + 1

    return [
        (compiled(r"\b(?:by|before) the end of (?:the|this) year\b"), lambda m: year),
        (compiled(r"\b(?:by|before) the end of next year\b"), lambda m: year + 1),
        (  # the end of a month: this year's if it is still to come, else the next one's
            compiled(rf"\b(?:by|before) the end of {MONTH}\b(?!,? \d)"),
            lambda m: year if MONTHS[m.group().split()[-1].lower()] > meeting.month else year + 1,
        ),
        (
            compiled(
                rf"\b(?:within|over) (?:the )?(?:(?:next|coming) )?"
                rf"(?:{COUNT}(?: to |-))?(?P<count>{COUNT}) (?P<unit>years|months)\b"
            ),
            within,
        ),
        (compiled(r"\bwithin (?:the|this) year\b|\blater this (?:year|month)\b"), lambda m: year),
        (
            compiled(r"\b(?:at|by|before|during) the next [A-Z][\w.-]*(?: [A-Z][\w.-]*)*"),
            lambda m: None,
        ),
        (compiled(rf"\bby (?:{PARTS} |mid-)?(?:{SEASON} |{MONTH} )?\d{{4}}\b"), literal),
        # a commitment kept up to a time ("in Iraq through the end of 2006"), not a
        # period named by its years ("for 2002 through 2004")
        (compiled(r"\bthrough the end of \d{4}\b"), literal),
        (compiled(rf"\b(?:by|on|before|no later than|not later than) {DATE}\b"), literal),
        (
            compiled(r"\b(?:by|within|during|in) (?:next|the coming) year\b|\bnext year\b"),
            lambda m: year + 1,
        ),
        (
            compiled(rf"\bby the (?:{SEASON} |{MONTH} )?\d{{4}} [A-Z][\w.-]*(?: [A-Z][\w.-]*)*"),
            literal,
        ),
        (
            compiled(r"\b(?:by|before) the \d+(?:st|nd|rd|th) [A-Z][\w.-]*(?: [A-Z][\w.-]*)*"),
            lambda m: None,
        ),
        (
            compiled(r"\bat the (?P<n>\d+)(?:st|nd|rd|th) (?P<series>[A-Z]{2,})\b"),
            held_at,
        ),
        (compiled(rf"\bthis (?:{SEASON})\b"), lambda m: year),
        (compiled(rf"\bnext (?P<season>{SEASON})\b"), next_season),
        (compiled(rf"\bin (?:{PARTS} )?(?:{SEASON} |{MONTH} )?\d{{4}}\b"), literal),
        (compiled(rf"\b(?:by|in|during) the {SEASON} of \d{{4}}\b"), literal),
        (compiled(rf"\b(?:by|in|this) (?:{PARTS} )?{MONTH}\b(?!,? \d)"), month_only),
        (
            compiled(
                r"\b(?:when|once|as soon as) [^,.;]*?\b(?:complete|completed|suitable|"
                r"met|ready|finished|concluded)\b"
            ),
            lambda m: None,
        ),
        (compiled(ONCE), lambda m: None),
        (compiled(THIS_YEAR), lambda m: year),
        (compiled(MONTH_AHEAD), month_ahead),
    ]


def find_deadline(
    text: str, meeting_date: dt.date | None, ordinals: Mapping[str, int] | None = None
) -> FoundDeadline | None:
    """The first deadline in ``text``, or None.

    ``ordinals`` gives the ordinal of the meetings this communiqué reports, by
    series acronym ({"SCM": 56, "MCM": 49}): "at the 50th MCM" is a deadline
    only after them.
    """
    if meeting_date is None:
        return None
    for pattern, resolve in _patterns(meeting_date, ordinals or {}):
        for match in pattern.finditer(text):
            year = resolve(match)  # type: ignore[operator]
            if year == SKIP:
                continue
            part = "when" if "when" in pattern.groupindex else 0  # the time, not its cue
            phrase, begin = match.group(part), match.start(part)
            if year is not None and not _is_future(phrase, year, meeting_date):
                continue
            if re.search(r"\b(?:earlier|last|previous|past|since)\s+$", text[:begin]):
                continue
            if phrase.endswith(".") and "." not in phrase.rsplit(" ", 1)[-1][:-1]:
                phrase = phrase[:-1]  # the sentence's full stop, not an abbreviation's
            return FoundDeadline(phrase, year, begin, begin + len(phrase))
    return None


def _is_future(phrase: str, year: int, meeting: dt.date) -> bool:
    """Whether a time with a resolved year lies after the meeting."""
    if year > meeting.year:
        return True
    if year < meeting.year:
        return False
    if phrase.startswith(("by", "before", "this", "within", "later")):
        return True
    month = re.search(MONTH, phrase)
    if month:
        return MONTHS[month.group().lower()] > meeting.month
    season = re.search(rf"\b{SEASON}\b", phrase)
    return bool(season) and SEASON_MONTHS[season.group().lower()] > meeting.month
