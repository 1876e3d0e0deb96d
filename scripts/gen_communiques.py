"""Generate communiqués in the genre of the SCM joint communiqué, for scale benchmarks.

Seeded and deterministic: the same ``--seed`` and ``--size`` write byte-identical
files, and a smaller size writes the first communiqués of a larger one. Size N
gives 2N communiqués (N times the given corpus), numbered from the 1st meeting
on, held in Seoul and Washington, D.C. in turn, one a year. Meetings, heads of
delegation and wording come from data/generator/*.yaml and the registry, so
reading one costs what reading a real communiqué costs.

    .venv/bin/python scripts/gen_communiques.py --size 10 --seed 1 --out /tmp/corpus10
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_statements import CHOICE, Paragraphs, Planned, Planner, Wording

from scmgraph.registry.files import default_data_dir
from scmgraph.registry.load import Registry, load_registry

COMMUNIQUES_PER_SIZE = 2  # the given corpus holds two communiqués
FORMS = ("web", "plain", "html")
FALL = "this Fall"  # a deadline some wordings carry in themselves
MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


@dataclass(frozen=True)
class Official:
    party: str
    post: str
    name: str
    rank: str | None = None


@dataclass(frozen=True)
class Communique:
    """A generated communiqué and the facts it was written from."""

    name: str  # file name, e.g. "052_scm_2020.txt"
    ordinal: int
    date: dt.date
    city: str
    heads: tuple[Official, ...]  # host first
    chairs: tuple[Official, ...]  # MCM chairs, host first; empty without an MCM
    mcm_ordinal: int | None
    paragraphs: int
    statements: int
    deadlines: int  # statements that set a deadline
    text: str


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``13th``, ``52nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def surname(name: str, party: str) -> str:
    """The name a short title takes: "Secretary Austin", "Minister Suh"."""
    words = [w for w in name.split() if w.rstrip(",") not in ("Jr.", "II", "III", "IV")]
    return words[0] if party == "ROK" else words[-1]


class Holders:
    """Who holds each post, meeting after meeting: seeded tenures over the listed holders."""

    def __init__(self, rng: random.Random, meetings: dict[str, Any]) -> None:
        self.tenure = meetings["tenure"]
        self.lists: dict[tuple[str, str], list[Any]] = {
            (role, party): post["holders"]
            for role, posts in meetings["posts"].items()
            for party, post in posts.items()
        }
        self.index = {key: rng.randrange(len(names)) for key, names in self.lists.items()}
        self.left = {key: rng.randint(*self.tenure) for key in self.lists}

    def next(self, rng: random.Random) -> dict[tuple[str, str], Any]:
        current = {
            key: self.lists[key][self.index[key] % len(self.lists[key])] for key in self.lists
        }
        for key in self.lists:
            self.left[key] -= 1
            if self.left[key] <= 0:
                self.index[key] += 1
                self.left[key] = rng.randint(*self.tenure)
        return current


def write_date(date: dt.date, style: str) -> str:
    month = MONTH_NAMES[date.month - 1]
    if style == "dmy":
        return f"{date.day} {month} {date.year}"
    if style == "padded":
        return f"{month} {date.day:02d}, {date.year}"
    return f"{month} {date.day}, {date.year}"


def fill(rng: random.Random, template: str, values: dict[str, str]) -> str:
    """A template with its ``{name}`` values and its ``{a|b}`` choices filled in."""
    return CHOICE.sub(lambda m: rng.choice(m[1].split("|")), template).format(**values)


class Generator:
    """Writes the communiqués of one seeded run, meeting after meeting."""

    def __init__(self, seed: int, registry: Registry, data_dir: Path) -> None:
        folder = data_dir / "generator"
        self.seed = seed
        self.meetings = yaml.safe_load((folder / "meetings.yaml").read_text(encoding="utf-8"))
        self.posts = {(p.party, p.title): p for p in registry.posts}
        titles = set(self.posts)
        for posts in self.meetings["posts"].values():
            for party, post in posts.items():
                if (party, post["title"]) not in titles:
                    raise SystemExit(f"{folder}/meetings.yaml: {party} {post['title']} is no post")
        self.material = Paragraphs.load(folder / "paragraphs.yaml", registry)
        rng = random.Random(f"{seed}:run")
        taken = {e.acronym for e in registry.entities if e.acronym} | {
            e.name for e in registry.entities
        }
        self.planner = Planner(self.material, [], taken)
        self.holders = Holders(rng, self.meetings)
        self.previous: list[Planned] = []

    def title(self, party: str, title: str, date: dt.date) -> str:
        """The name a post carries on ``date`` (posts are renamed over time)."""
        return self.posts[(party, title)].title_on(date) or title

    def communique(self, number: int) -> Communique:
        """The ``number``th meeting; call in order from 1."""
        rng = random.Random(f"{self.seed}:{number}")
        m = self.meetings
        year = m["first_year"] + number
        host, guest = ("ROK", "US") if number % 2 else ("US", "ROK")
        adjective = {"US": "U.S.", "ROK": "ROK"}
        date = dt.date(year, rng.choice(m["months"]), rng.randint(1, 28))
        style = rng.choice(("mdy", "mdy", "mdy", "padded", "dmy"))
        people = self.holders.next(rng)
        heads = tuple(
            Official(p, self.title(p, m["posts"]["head"][p]["title"], date), people[("head", p)])
            for p in (host, guest)
        )
        mcm = number - m["mcm_offset"] if number > m["mcm_offset"] else None
        chairs = (
            tuple(
                Official(
                    p,
                    self.title(p, m["posts"]["chair"][p]["title"], date),
                    people[("chair", p)]["name"],
                    people[("chair", p)]["rank"],
                )
                for p in (host, guest)
            )
            if mcm
            else ()
        )
        values = {
            "ordinal": ordinal(number),
            "long_host": m["long_names"][host],
            "long_guest": m["long_names"][guest],
            "host": adjective[host],
            "guest": adjective[guest],
            "place": rng.choice(m["opening"]["places"][host]),
            "date": write_date(date, style),
            "host_title": heads[0].post,
            "guest_title": heads[1].post,
            "host_name": heads[0].name,
            "guest_name": heads[1].name,
            "host_short": m["posts"]["head"][host]["short"],
            "guest_short": m["posts"]["head"][guest]["short"],
            "host_surname": surname(heads[0].name, host),
            "guest_surname": surname(heads[1].name, guest),
            "next_ordinal": ordinal(number + 1),
            "next_city": m["cities"][guest],
            "next_year": str(year + 1),
            "and_mcm": f" and the {ordinal(mcm)} MCM" if mcm else "",
            "next_mcm": f" and {ordinal(mcm + 1)} MCM" if mcm else "",
            "short_date": f"{MONTH_NAMES[date.month - 1][:3]}. {date.day}, {year}",
        }
        opening = [
            fill(rng, rng.choice(m["opening"]["held"]), values),
            fill(rng, rng.choice(m["opening"]["heads"]), values),
        ]
        if chairs:
            values |= {
                "mcm_date": write_date(date - dt.timedelta(days=1), style),
                "mcm_ordinal": ordinal(mcm or 0),
                "host_rank": chairs[0].rank or "",
                "guest_rank": chairs[1].rank or "",
                "host_chair": chairs[0].name,
                "guest_chair": chairs[1].name,
            }
            opening.append(fill(rng, m["opening"]["mcm"], values))
        plan = self.planner.plan(rng, self.previous, year, ordinal(number + 1))
        self.previous = [p for paragraph in plan for p in paragraph if isinstance(p, Planned)]
        short = {p: m["posts"]["head"][p]["short"] for p in ("US", "ROK")}
        names = {h.party: surname(h.name, h.party) for h in heads}
        pair = f"The {short[host]} and the {short[guest]}"
        wording = Wording(
            self.material,
            rng,
            {
                "joint": [
                    pair,
                    pair,
                    "The two leaders",
                    "Both sides",
                    "The two sides",
                    "Both leaders",
                ],
                "us": [f"The {short['US']}", f"{short['US']} {names['US']}", "The U.S. side"],
                "rok": [f"The {short['ROK']}", f"{short['ROK']} {names['ROK']}", "The ROK side"],
            },
            {"joint": "They", "us": "He", "rok": "He"},
            set(),
            set(),
        )
        body = [wording.paragraph(items) for items in plan]
        closing = [fill(rng, t, values) for t in m["closing"]]
        paragraphs = [opening, *body, closing]
        statements = len(self.previous) + len(closing)
        deadlines = 1 + sum(  # the closing paragraph's next meeting, and planned deadlines
            1 for p in self.previous if (p.deadline and "{DEADLINE}" in p.body) or FALL in p.body
        )
        form = FORMS[rng.randrange(len(FORMS))]
        extension = m["forms"][form]["extension"]
        name = f"{number:03d}_scm_{year}.{extension}"
        text = render(form, m["forms"][form], paragraphs, values, rng)
        return Communique(
            name,
            number,
            date,
            m["cities"][host],
            heads,
            chairs,
            mcm,
            len(paragraphs),
            statements,
            deadlines,
            text,
        )


def render(
    form: str,
    chrome: dict[str, Any],
    paragraphs: list[list[str]],
    values: dict[str, str],
    rng: random.Random,
) -> str:
    """The communiqué as published in ``form``: web page text, plain text or HTML."""
    if form == "html":
        return render_html(paragraphs, values)
    gap = "  " if form == "web" else " "
    lines = [line.format(**values) for line in chrome["header"]]
    for number, sentences in enumerate(paragraphs, start=1):
        if form == "plain" and len(sentences) >= 3 and rng.random() < 0.3:
            cut = len(sentences) // 2  # a paragraph published as two blocks
            lines += [f"{number}. " + gap.join(sentences[:cut]), "", gap.join(sentences[cut:]), ""]
        else:
            lines += [f"{number}. " + gap.join(sentences), ""]
    lines += [line.format(**values) for line in chrome["footer"]]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_html(paragraphs: list[list[str]], values: dict[str, str]) -> str:
    title = f"{values['ordinal']} Security Consultative Meeting Joint Communiqu&eacute;"
    body = "\n".join(
        f"<p>{number}. {html.escape(' '.join(s), quote=False).replace('’', '&rsquo;')}</p>"
        for number, s in enumerate(paragraphs, start=1)
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} &gt; U.S. Department of Defense &gt; Release</title>
<script>window.dataLayer = window.dataLayer || []; var page = {{section: "Releases"}};</script>
<style>nav ul {{ list-style: none; }} .date {{ color: #666; }}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content (Press Enter).</a>
<header class="site-header"><a class="logo" href="/">U.S. Department of Defense</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/News/">News &amp; Releases</a></li></ul></nav>
</header>
<main id="main">
<p class="date">RELEASE | {values["short_date"]}</p>
<h1>{title}</h1>
<div class="body-copy">
{body}
</div>
</main>
<footer><p>Search News</p><p>Archive</p></footer>
</body>
</html>
"""


def generate(size: int, seed: int, registry: Registry | None = None) -> list[Communique]:
    """The ``size``× corpus: ``2 * size`` communiqués, 1st meeting first."""
    registry = registry or load_registry()
    generator = Generator(seed, registry, default_data_dir())
    return [generator.communique(n) for n in range(1, COMMUNIQUES_PER_SIZE * size + 1)]


def write_corpus(communiques: list[Communique], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for communique in communiques:
        path = out / communique.name
        path.write_bytes(communique.text.encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="N: write 2N communiqués")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out}: folder is not empty")
    paths = write_corpus(generate(args.size, args.seed), args.out)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} communiqués ({total / len(paths) / 1024:.1f} KB each) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
