"""Deadlines on small composed clauses: event deadlines, relative times resolved
against the meeting date, and deadlines inside that-clauses and infinitives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scmgraph.extract.deadlines import find_deadline
from scmgraph.extract.document import extract
from scmgraph.read.reader import read_document
from scmgraph.registry.load import load_registry

MEETING = dt.date(2029, 10, 20)
ORDINALS = {"SCM": 61, "MCM": 54}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to finish the study within the next two years", ("within the next two years", 2031)),
        ("to finish the study within the next 3 years", ("within the next 3 years", 2032)),
        ("to keep the unit deployed through the end of 2030", ("through the end of 2030", 2030)),
        ("to settle the fees before the end of January", ("before the end of January", 2030)),
        ("to finish the review by the end of December", ("by the end of December", 2029)),
        (  # a range of years: by its end
            "to withdraw the forces in phases within four to five years",
            ("within four to five years", 2034),
        ),
        ("to report within the year", ("within the year", 2029)),
        ("to set up procedures within the next six months", ("within the next six months", 2030)),
        ("to set up procedures within two months", ("within two months", 2029)),
        ("to close the base within 3 years", ("within 3 years", 2032)),
        ("the session, to be held later this month", ("later this month", 2029)),
        ("to invest in 150 upgrades over the next four years", ("over the next four years", 2033)),
        ("to conduct the drill next spring", ("next spring", 2030)),
        ("to conduct the drill next winter", ("next winter", 2029)),
        ("to hold the 62nd SCM in the winter of 2029", ("in the winter of 2029", 2029)),
        (
            "that funding would resume as soon as the economy recovers",
            (
                "as soon as the economy recovers",
                None,
            ),
        ),
        (
            "that the United States plans to conduct six such operations this year",
            (
                "this year",
                2029,
            ),
        ),
        ("to report later this year", ("later this year", 2029)),
        ("to seek consent before the end of the year", ("before the end of the year", 2029)),
        ("to seek consent before the end of next year", ("before the end of next year", 2030)),
        ("to report the results at the next SCM", ("at the next SCM", None)),
        ("to report the results by the next MCM", ("by the next MCM", None)),
        ("to report the results at the 55th MCM", ("at the 55th MCM", None)),
        ("to hold the drill in the first half of 2030", ("in the first half of 2030", 2030)),
        ("to hold the drill early next year", ("next year", 2030)),
        ("to hold the drill in the coming year", ("in the coming year", 2030)),
        ("to field the system by mid-2031", ("by mid-2031", 2031)),
        ("to hold the drill in the fall of 2030", ("in the fall of 2030", 2030)),
        ("to open the center by the Spring of 2031", ("by the Spring of 2031", 2031)),
        ("that command will pass to the ROK on March 3, 2031", ("on March 3, 2031", 2031)),
        ("to move the headquarters by 30 June 2030.", ("by 30 June 2030", 2030)),
        (
            "to pass command after May 1, 2030, but not later than March 15, 2032",
            ("not later than March 15, 2032", 2032),
        ),
        ("to sign the plan on November 4, 2029", ("on November 4, 2029", 2029)),
        (
            "that the change would come once the ROK has fielded the systems required",
            ("once the ROK has fielded the systems required", None),
        ),
        (
            "to return the base once conditions allow it, and to report",
            ("once conditions allow it", None),
        ),
        (  # a month not after the meeting's, decided on: the next year's
            "decided to hold the next SPI meeting in Washington, D.C., in January.",
            ("in January", 2030),
        ),
        ("agreed to conduct the first combined drill in March", ("in March", 2030)),
        ("that the talks will resume in September", ("in September", 2030)),
        ("agreed to hold the next round in December", ("in December", 2029)),
        (  # a condition whose subject is a name
            "that the drill would be suspended once North Korea has accepted the inspections, "
            "and that planning would go on",
            ("once North Korea has accepted the inspections", None),
        ),
    ],
)
def test_deadline_forms(text: str, expected: tuple[str, int | None]) -> None:
    found = find_deadline(text, MEETING, ORDINALS)
    assert found is not None and (found.text, found.year) == expected


@pytest.mark.parametrize(
    "text",
    [
        "as agreed at the 53rd MCM",  # a meeting already held
        "as agreed at the 60th SCM",
        "the study completed within the last two years",
        "the attack on March 26, 2028",  # a date before the meeting
        "the plan signed on October 20, 2029",  # the meeting's own day
        "the drill held on 2 September 2029",
        "to meet once a year",  # a frequency, not a condition
        "the Alliance once again showed its strength",
        "to hold the drill in the spring of 2029",  # a season before the meeting's
        "that this year marks the 76th anniversary of the Alliance",
        "the exercises conducted this year",
        "the agreement reached in January",  # a month before the meeting's, looked back on
        "decided in March to extend the mission",
        "the Special Measures Agreement for 2030 through 2032",  # a period, named
        "that the ROK would reform its forces under the plan announced in March",  # a participle
        "that the ROK will lead, in keeping with the understanding reached in Vienna in June",
    ],
)
def test_past_meetings_and_times_are_no_deadlines(text: str) -> None:
    assert find_deadline(text, MEETING, ORDINALS) is None


def test_at_a_meeting_needs_the_current_ordinals() -> None:
    assert find_deadline("to report at the 55th MCM", MEETING) is None


def test_deadlines_sit_on_the_clause_that_holds_them(tmp_path: Path) -> None:
    path = tmp_path / "061_scm_2029.txt"
    path.write_text(
        "1. The 61st United States (U.S.)-Republic of Korea (ROK) Security Consultative "
        "Meeting (SCM) was held in Seoul on October 20, 2029. U.S. Secretary of Defense Jane "
        "Roe and ROK Minister of National Defense Park Min-ho led their respective delegations. "
        "On October 19, 2029, U.S. Chairman of the Joint Chiefs of Staff, General Ann Smith, "
        "and ROK Chairman of the Joint Chiefs of Staff, General Lee Jun-ho, presided over the "
        "54th U.S.-ROK Military Committee Meeting (MCM).\n\n"
        "2. The Secretary and the Minister welcomed the new training range, and pledged to "
        "complete the joint study within the next two years.\n\n"
        "3. The two sides agreed that the ROK would seek the consent of the National Assembly "
        "before the end of the year.\n\n"
        "4. They decided to review the results at the 55th MCM.\n",
        encoding="utf-8",
    )
    facts = extract(read_document(path), load_registry())
    found = {
        (s.paragraph, s.verb): (s.deadline.text, s.deadline.year) if s.deadline else None
        for s in facts.statements
    }
    assert found == {
        (2, "welcome"): None,
        (2, "pledge"): ("within the next two years", 2031),
        (3, "agree"): ("before the end of the year", 2029),
        (4, "decide"): ("at the 55th MCM", None),
    }


def test_meetings_of_four_digit_ordinals_are_read_as_deadlines_or_past() -> None:
    ordinals = {"SCM": 1234, "MCM": 1227}
    found = find_deadline("to report the results at the 1228th MCM", MEETING, ordinals)
    assert found is not None and (found.text, found.year) == ("at the 1228th MCM", None)
    assert find_deadline("as agreed at the 1233rd SCM", MEETING, ordinals) is None
    found = find_deadline("to complete the review by the 1235th SCM", MEETING, ordinals)
    assert found is not None and found.text == "by the 1235th SCM"
