"""Rewrite the paragraph 1 of known communiqués into other shapes and layouts.

The meeting facts of each given and development communiqué (their gold JSON)
are written back out as a paragraph 1 in many sentence shapes — meeting verbs,
date before place, a building in a city, heads post-first and name-first, the
Military Committee Meeting before, after or absent, a counterpart, a typo in a
post — and each paragraph in four layouts: plain text, text extracted from a
PDF (hard-wrapped, a split ordinal suffix, running page headers), an HTML page
and a syndication copy. Two ordinary numbered paragraphs follow.

    python tests/variations.py OUTDIR   # write every variation for a look
"""

from __future__ import annotations

import datetime as dt
import html
import json
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = {
    **{p.stem: p for p in sorted((ROOT / "tests" / "gold").glob("*.json"))},
    **{p.stem: p for p in sorted((ROOT / "tests" / "fixtures" / "devset" / "gold").glob("*.json"))},
}

Head = tuple[str, str, str]  # (name, post, party) as the gold gives them


@dataclass(frozen=True)
class Meeting:
    series: str
    ordinal: int
    date: dt.date
    city: str | None
    heads: tuple[Head, ...]
    associated: tuple[Meeting, ...] = ()


def load_meeting(stem: str) -> Meeting:
    """The gold meeting facts of one communiqué."""
    raw = json.loads(GOLD[stem].read_text(encoding="utf-8"))["meeting"]
    return _meeting(raw)


def _meeting(raw: dict) -> Meeting:
    return Meeting(
        series=raw["series"],
        ordinal=raw["ordinal"],
        date=dt.date.fromisoformat(raw["date"]),
        city=raw.get("city"),
        heads=tuple((h["name"], h["post"], h["party"]) for h in raw["heads"]),
        associated=tuple(_meeting(m) for m in raw.get("associated", [])),
    )


# --- words --------------------------------------------------------------------

ADJECTIVE = {"US": ("U.S.", "US", "United States"), "ROK": ("ROK", "Republic of Korea", "ROK")}
NOUN = {
    "US": ("the United States (U.S.)", "the United States", "the US"),
    "ROK": ("the Republic of Korea (ROK)", "the ROK", "the Republic of Korea"),
}
SCM_FORMS = (
    "United States (U.S.)-Republic of Korea (ROK) Security Consultative Meeting (SCM)",
    "ROK–US Security Consultative Meeting (SCM)",
    "Republic of Korea (ROK) and United States (U.S.) Security Consultative Meeting (SCM)",
    "U.S.-ROK Security Consultative Meeting (SCM)",
    "Korea-U.S. Security Consultative Meeting (SCM)",
    "US-ROK Security Consultative Meeting",
    "Republic of Korea (ROK)-United States (U.S.) Security Consultative Meeting (SCM)",
    "SCM",
)
MCM_FORMS = (
    "ROK-U.S. Military Committee Meeting (MCM)",
    "U.S.-ROK Military Committee Meeting (MCM)",
    "ROK–US Military Committee Meeting (MCM)",
    "Military Committee Meeting (MCM)",
    "Korea-U.S. MCM",
)
RANKS = ("General", "Admiral")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def mdy(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def dmy(d: dt.date) -> str:
    return f"{d.day} {d:%B} {d.year}"


def abbreviated(d: dt.date) -> str:
    month = f"{d:%b}" + ("" if d.month == 5 else ".")
    return f"{month} {d.day}, {d.year}"


@dataclass(frozen=True)
class Words:
    """How one variation words things: which forms it picks."""

    variant: int

    def pick(self, forms: tuple[str, ...], shift: int = 0) -> str:
        return forms[(self.variant + shift) % len(forms)]

    def adj(self, party: str) -> str:
        return self.pick(ADJECTIVE[party])

    def noun(self, party: str) -> str:
        return self.pick(NOUN[party])

    def rank(self, shift: int = 0) -> str:
        return self.pick(RANKS, shift)

    def scm(self, m: Meeting) -> str:
        return f"{ordinal(m.ordinal)} {self.pick(SCM_FORMS)}"

    def mcm(self, m: Meeting) -> str:
        return f"{ordinal(m.ordinal)} {self.pick(MCM_FORMS)}"


def post_first(h: Head, w: Words) -> str:
    """ "U.S. Secretary of Defense Mark Esper"."""
    return f"{w.adj(h[2])} {h[1]} {h[0]}"


def post_first_ranked(h: Head, w: Words, shift: int) -> str:
    """ "U.S. Chairman of the Joint Chiefs of Staff, General Mark Milley,"."""
    return f"{w.adj(h[2])} {h[1]}, {w.rank(shift)} {h[0]},"


def post_of(h: Head, w: Words) -> str:
    """ "Minister of National Defense Ahn Gyu-back of the Republic of Korea (ROK)"."""
    return f"{h[1]} {h[0]} of {w.noun(h[2])}"


def name_first(h: Head, w: Words, rank: str = "") -> str:
    """ "General X, ROK Chairman of the Joint Chiefs of Staff"."""
    return f"{rank + ' ' if rank else ''}{h[0]}, {w.adj(h[2])} {h[1]}"


def name_first_of(h: Head, w: Words, rank: str = "") -> str:
    """ "General X, Chairman of the Joint Chiefs of Staff of the ROK"."""
    return f"{rank + ' ' if rank else ''}{h[0]}, {h[1]} of {w.noun(h[2])}"


def name_of_party(h: Head, w: Words) -> str:
    """ "Jeong Kyeongdoo of the Republic of Korea (ROK), Minister of National Defense"."""
    return f"{h[0]} of {w.noun(h[2])}, {h[1]}"


def plural(post: str) -> str:
    head, _, rest = post.partition(" ")
    head = head[:-3] + "men" if head.endswith("man") else head + "s"
    return f"{head} {rest}"


def earlier(mcm: Meeting, scm: Meeting) -> str:
    return "A day earlier" if (scm.date - mcm.date).days == 1 else "Earlier"


# --- meeting-sentence shapes ----------------------------------------------------
# Each shape writes a whole paragraph 1 from the facts; `typo` says whether it
# writes a post with a typo (the reading must then warn).


def shape_held(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    return (
        f"The {w.scm(m)} was held in {m.city} on {mdy(m.date)}. {post_first(h1, w)} and "
        f"{post_first(h2, w)} led their respective delegations, which included senior "
        f"defense and foreign affairs officials. On {mdy(mcm.date)}, "
        f"{post_first_ranked(mcm.heads[0], w, 0)} and {post_first_ranked(mcm.heads[1], w, 0)} "
        f"presided over the {w.mcm(mcm)}."
    )


def shape_convened(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    when = "the previous day" if (m.date - mcm.date).days == 1 else "on"
    return (
        f"The {w.scm(m)} convened in {m.city} on {dmy(m.date)}, co-chaired by "
        f"{post_of(h1, w)}, and {post_of(h2, w)}, each leading a delegation of senior "
        f"officials. The {w.mcm(mcm)} was held {when}, {mdy(mcm.date)}, chaired by "
        f"{name_first(mcm.heads[0], w, w.rank())}, and {name_first(mcm.heads[1], w, w.rank(1))}."
    )


def shape_city_hosted(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    return (
        f"{m.city} hosted the {w.scm(m)} on {abbreviated(m.date)}. {name_first(h1, w)}, and "
        f"{name_first(h2, w)}, headed the two delegations. {earlier(mcm, m)}, on "
        f"{abbreviated(mcm.date)}, {name_first(mcm.heads[0], w, w.rank())}, and "
        f"{name_first(mcm.heads[1], w, w.rank())}, co-chaired the {w.mcm(mcm)}."
    )


def shape_building(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    building = "the Pentagon" if "Washington" in str(m.city) else "the Ministry of National Defense"
    first, second = mcm.heads
    return (
        f"The {w.scm(m)} took place at {building} in {m.city}, on {mdy(m.date)}, under the "
        f"leadership of {h1[0]}, {w.adj(h1[2])} {h1[1]}, and {name_of_party(h2, w)}, whose "
        f"delegations comprised senior defense and foreign affairs officials. The {w.mcm(mcm)}, "
        f"chaired by {w.rank()} {first[0]}, {w.adj(first[2])} {first[1]}, and by his "
        f"{w.adj(second[2])} counterpart, {w.rank(1)} {second[0]}, had convened on {mdy(mcm.date)}."
    )


def shape_date_first(m: Meeting, w: Words) -> str:
    h1, h2 = m.heads
    return (
        f"On {mdy(m.date)}, the {w.scm(m)} was held in {m.city}. {h1[1]} {h1[0]} led the "
        f"{w.adj(h1[2])} delegation, and {h2[1]} {h2[0]} led the {w.adj(h2[2])} delegation."
    )


def shape_host(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    return (
        f"{post_of(h1, w)} hosted {name_first_of(h2, w)}, for the {w.scm(m)} in {m.city} on "
        f"{dmy(m.date)}, with senior defense and foreign affairs officials taking part in both "
        f"delegations. {earlier(mcm, m)}, on {dmy(mcm.date)}, "
        f"{name_first(mcm.heads[0], w, w.rank())}, and "
        f"{name_first_of(mcm.heads[1], w, w.rank(1))}, presided over the {w.mcm(mcm)}."
    )


def shape_day_after(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    return (
        f"After {name_first_of(mcm.heads[0], w, w.rank())}, and "
        f"{name_first_of(mcm.heads[1], w, w.rank())}, convened the {w.mcm(mcm)} in {m.city} on "
        f"{abbreviated(mcm.date)}, {h1[1]} {h1[0]} hosted {post_first(h2, w)} in {m.city} for "
        f"the {w.scm(m)} on {abbreviated(m.date)}. Senior defense and foreign affairs officials "
        f"of both governments joined the two delegations."
    )


def shape_distributive(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    first, second = mcm.heads
    return (
        f"The {w.scm(m)} was convened in {m.city} on {mdy(m.date)}, co-chaired by "
        f"{post_of(h1, w)}, and {post_of(h2, w)}, each leading a delegation of senior officials "
        f"from defense and foreign affairs. On {mdy(mcm.date)}, before the SCM, {w.rank()} "
        f"{first[0]} and {w.rank(1)} {second[0]}, the {w.adj(first[2])} and {w.adj(second[2])} "
        f"{plural(first[1])}, held the {w.mcm(mcm)}."
    )


def shape_mcm_first(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    return (
        f"On {mdy(mcm.date)}, {post_first_ranked(mcm.heads[0], w, 1)} and "
        f"{post_first_ranked(mcm.heads[1], w, 0)} presided over the {w.mcm(mcm)}. The "
        f"{w.scm(m)} was then held in {m.city} on {mdy(m.date)}, led by {post_first(h1, w)} "
        f"and {post_first(h2, w)}."
    )


def shape_typo(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    typo = (h1[0], misspelt(h1[1]), h1[2])
    return (
        f"The {w.scm(m)} was held in {m.city} on {mdy(m.date)}. {post_first(typo, w)} and "
        f"{post_first(h2, w)} led their respective delegations. On {mdy(mcm.date)}, "
        f"{post_first_ranked(mcm.heads[0], w, 0)} and {post_first_ranked(mcm.heads[1], w, 1)} "
        f"presided over the {w.mcm(mcm)}."
    )


def misspelt(post: str) -> str:
    """A source typo: "Minster", "Secetary", "Chariman"."""
    for right, wrong in (
        ("Minister", "Minster"),
        ("Secretary", "Secetary"),
        ("Chairman", "Chariman"),
    ):
        if right in post:
            return post.replace(right, wrong, 1)
    return post


def shape_met(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    return (
        f"{post_first(h1, w)} and {post_first(h2, w)} met in {m.city} on {dmy(m.date)} for the "
        f"{w.scm(m)}. The {w.mcm(mcm)} took place on {dmy(mcm.date)}, co-chaired by "
        f"{name_first(mcm.heads[0], w, w.rank())}, and {name_first(mcm.heads[1], w, w.rank())}."
    )


def shape_cohosted(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    return (
        f"The {w.scm(m)} was held on {mdy(m.date)} in {m.city}. It was co-hosted by "
        f"{name_first(h1, w)}, and {name_first_of(h2, w)}. The {w.mcm(mcm)} was held on "
        f"{mdy(mcm.date)}, chaired by {name_first_of(mcm.heads[0], w, w.rank(1))}, and "
        f"{name_first_of(mcm.heads[1], w, w.rank())}."
    )


def shape_no_mcm(m: Meeting, w: Words) -> str:
    h1, h2 = m.heads
    return (
        f"{h1[0]}, {w.adj(h1[2])} {h1[1]}, and {h2[0]}, {w.adj(h2[2])} {h2[1]}, led their "
        f"delegations to the {w.scm(m)}, which took place in {m.city} on {dmy(m.date)}."
    )


ALIAS = {
    "Secretary of Defense": "Defense Secretary",
    "Secretary of War": "War Secretary",
    "Minister of National Defense": "Defense Minister",
    "Chairman of the Joint Chiefs of Staff": "JCS Chairman",
}
AGENCY_ADJECTIVE = {"US": "U.S.", "ROK": "South Korean"}


def agency(h: Head, rank: str = "") -> str:
    """ "South Korean Defense Minister Han Min-koo", as a news agency writes it."""
    return f"{AGENCY_ADJECTIVE[h[2]]} {ALIAS.get(h[1], h[1])} {rank + ' ' if rank else ''}{h[0]}"


def shape_agency(m: Meeting, w: Words) -> str:
    (h1, h2), (mcm,) = m.heads, m.associated
    return (
        f"{agency(h1)} and {agency(h2)} held the {w.scm(m)} in {m.city} on {mdy(m.date)}. "
        f"{agency(mcm.heads[0], w.rank())} and {agency(mcm.heads[1], w.rank(1))} held the "
        f"{w.mcm(mcm)} on {mdy(mcm.date)}."
    )


SHAPES: dict[str, tuple[Callable[[Meeting, Words], str], bool]] = {
    "held": (shape_held, True),
    "convened": (shape_convened, True),
    "city-hosted": (shape_city_hosted, True),
    "building": (shape_building, True),
    "date-first": (shape_date_first, False),
    "host": (shape_host, True),
    "mcm-in-clause": (shape_day_after, True),
    "distributive": (shape_distributive, True),
    "mcm-first": (shape_mcm_first, True),
    "typo": (shape_typo, True),
    "met": (shape_met, True),
    "co-hosted": (shape_cohosted, True),
    "no-mcm": (shape_no_mcm, False),
    "agency": (shape_agency, True),
}


def expected(m: Meeting, shape: str) -> Meeting:
    """The facts a reading must give: the gold's, without an MCM the shape leaves out."""
    keeps_mcm = SHAPES[shape][1]
    return m if keeps_mcm else Meeting(m.series, m.ordinal, m.date, m.city, m.heads, ())


# --- layouts --------------------------------------------------------------------

ORDINARY = (
    "The Secretary and the Minister reaffirmed the strength of the Alliance and pledged to "
    "deepen defense cooperation across all domains.",
    "Both sides agreed to hold the next SCM at a mutually convenient time.",
)


def title(m: Meeting) -> str:
    return f"Joint Communiqué of the {ordinal(m.ordinal)} Security Consultative Meeting"


def plain(m: Meeting, first: str) -> str:
    paragraphs = (first, *ORDINARY)
    body = "\n\n".join(f"{n}. {p}" for n, p in enumerate(paragraphs, start=1))
    return f"{title(m)}\n\n{body}\n"


def pdf(m: Meeting, first: str) -> str:
    """Hard-wrapped at 100 columns, the ordinal's suffix on a line of its own, and
    a running page header with a page number inside paragraph 1 and between paragraphs."""
    header = f"Appendix 9 | {m.date.year} Annual Report"
    number = str(m.ordinal)
    suffix = ordinal(m.ordinal)[len(number) :]
    marked = first.replace(f"{number}{suffix} ", f"{number}\u0000", 1)
    lines = textwrap.wrap(f"1. {marked}", width=100, break_long_words=False, break_on_hyphens=False)
    lines = hyphenate([line.replace("\u0000", f"\n{suffix}\n") for line in lines])
    cut = min(2, len(lines) - 1)
    out = [header, "211", "", title(m), "", *lines[:cut], "", header, "212", "", *lines[cut:], ""]
    for n, paragraph in enumerate(ORDINARY, start=2):
        out += [*textwrap.wrap(f"{n}. {paragraph}", width=100, break_on_hyphens=False), ""]
        out += [header, str(211 + n), ""]
    return "\n".join(out)


def hyphenate(lines: list[str]) -> list[str]:
    """Carry the first half of one long lower-case word back to the line before,
    hyphenated ("delega-" / "tions"), as a typeset PDF does."""
    for i in range(len(lines) - 1):
        word, _, rest = lines[i + 1].partition(" ")
        if len(word) >= 8 and word.isalpha() and word.islower():
            half = len(word) // 2
            return [
                *lines[:i],
                f"{lines[i]} {word[:half]}-",
                f"{word[half:]} {rest}",
                *lines[i + 2 :],
            ]
    return lines


def html_page(m: Meeting, first: str) -> str:
    def escape(text: str) -> str:
        text = html.escape(text, quote=False).replace("–", "&ndash;").replace("’", "&rsquo;")
        return text.replace(ordinal(m.ordinal), f"<b>{ordinal(m.ordinal)}</b>", 1)

    paragraphs = "\n".join(
        f"<p>{n}. {escape(p)}</p>" for n, p in enumerate((first, *ORDINARY), start=1)
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        f"{html.escape(title(m))}</title><style>p {{ margin: 0 }}</style>"
        "<script>window.dataLayer = [];</script></head>\n<body>\n"
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>\n'
        f"<article><h1>{html.escape(title(m))}</h1>\n{paragraphs}\n</article>\n"
        "<footer><p>Contact us | Privacy policy</p></footer>\n</body></html>\n"
    )


def syndication(m: Meeting, first: str) -> str:
    city = (m.city or "Seoul").split(",")[0].upper()
    dateline = f"{city}, {m.date:%b}. {m.date.day} (Hanbit News) --"
    body = "\n\n".join(f"{n}. {p}" for n, p in enumerate((first, *ORDINARY), start=1))
    return (
        f"Text of joint communique issued after {ordinal(m.ordinal)} defense talks\n\n"
        f"{dateline} Below is the text of the joint communique released after the talks.\n\n"
        f"{body}\n\n(END)\n\n/Hanbit News/ desk@hanbitnews.example\n"
        f"(C) {m.date.year} Hanbit News Agency. All rights reserved.\n"
    )


LAYOUTS: dict[str, tuple[Callable[[Meeting, str], str], str]] = {
    "plain": (plain, ".txt"),
    "pdf": (pdf, ".txt"),
    "html": (html_page, ".html"),
    "syndication": (syndication, ".txt"),
}


def variation(stem: str, shape: str, layout: str) -> tuple[str, str]:
    """(file text, file suffix) of one variation."""
    meeting = load_meeting(stem)
    variant = list(SHAPES).index(shape) + sorted(GOLD).index(stem)
    first = SHAPES[shape][0](meeting, Words(variant))
    render, suffix = LAYOUTS[layout]
    return render(meeting, first), suffix


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for stem in sorted(GOLD):
        for shape in SHAPES:
            for layout in LAYOUTS:
                text, suffix = variation(stem, shape, layout)
                (out / f"{stem}-{shape}-{layout}{suffix}").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
