"""Plan and word the numbered paragraphs of a generated communiqué.

A communiqué discusses the genre's themes in their usual order; each paragraph
makes a few statements, and a share of the previous meeting's statements is
carried forward, repeated, made firmer, changed or reported done, so that
thread linking has real work to do. Wording comes from
data/generator/paragraphs.yaml and reporting verbs from the registry.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from scmgraph.registry.load import Registry

CHOICE = re.compile(r"\{([^{}:]*\|[^{}]*)\}")
ENTITY = re.compile(r"\{E:([^{}]+)\}")
BODY_MARK = re.compile(r"\{B:([^{}|]+)\|([^{}]+)\}")
CARRY_SHARE = 0.5  # share of the previous meeting's statements carried forward
LIVING_BODIES = 30  # invented bodies still meeting; older ones are retired
DONE_VERBS = ("welcome", "note", "acknowledge", "confirm")
BODY_PARTS = (
    ("Alliance", "Joint", "Integrated", "Strategic"),
    (
        *("Space", "Cyber", "Maritime Security", "Supply Chain", "Missile Warning", "Logistics"),
        *("Defense Innovation", "Medical Readiness", "Information Sharing", "Undersea Domain"),
    ),
    ("Working Group", "Committee", "Forum", "Council", "Dialogue"),
)


@dataclass(frozen=True)
class Planned:
    """One statement: which claim, in which frame and words, said by whom."""

    theme: str
    claim: str
    frame: str  # to, that, object, appeal, light, done
    verb: str  # registry lemma
    speaker: str  # joint, us, rok
    body: str  # wording with entity markers, choices resolved
    deadline: str = ""
    firmer: str = ""


@dataclass(frozen=True)
class Paragraphs:
    """Material for the body paragraphs, read once per run."""

    frames: dict[str, list[str]]
    particles: dict[str, str]
    firmer: list[str]
    tails: list[str]
    context: list[str]
    themes: list[dict[str, Any]]
    past: dict[str, str]  # lemma -> past-tense form, from the registry
    entities: dict[str, tuple[str, str | None]]  # key -> (long form, acronym)

    @classmethod
    def load(cls, path: Path, registry: Registry) -> Paragraphs:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        verbs = {v.lemma: v for v in registry.verbs}
        past = {}
        for lemmas in (*raw["frames"].values(), DONE_VERBS):
            for lemma in lemmas:
                if lemma not in verbs:
                    raise SystemExit(f"{path}: {lemma!r} is not a registry reporting verb")
                past[lemma] = next(f for f in verbs[lemma].forms if f.endswith("ed"))
        entities = {}
        for entry in registry.entities:
            for spelling in (entry.name, *entry.aliases):
                entities[spelling] = (spelling, entry.acronym)
            if entry.acronym:
                entities[entry.acronym] = (entry.name, entry.acronym)
        for key in ENTITY.findall(path.read_text(encoding="utf-8")):
            if key not in entities and key != "KEY":
                raise SystemExit(f"{path}: {{E:{key}}} names no registry entity")
        return cls(
            raw["frames"],
            raw["particles"],
            raw["firmer"],
            raw["tails"],
            raw["context"],
            raw["themes"],
            past,
            entities,
        )


def _mark(name: str, acronym: str) -> str:
    """The marker of an invented body in planned wording, defined when first worded."""
    return "{B:" + name + "|" + acronym + "}"


def _choose(rng: random.Random, text: str) -> str:
    return CHOICE.sub(lambda m: rng.choice(m[1].split("|")), text)


def new_body(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A consultative body the registry does not know, with an acronym none in use has."""
    for _ in range(500):
        name = " ".join(rng.choice(part) for part in BODY_PARTS)
        acronym = "".join(w[0] for w in name.split())
        if acronym not in taken and name not in taken:
            return name, acronym
    raise SystemExit("no new body name left: widen BODY_PARTS")


@dataclass
class Planner:
    """Plans the statements of consecutive meetings of one series."""

    material: Paragraphs
    bodies: list[tuple[str, str]]
    taken: set[str]  # names and acronyms of registry entities

    def _deadline(self, rng: random.Random, year: int, next_ordinal: str) -> str:
        return rng.choice(
            [
                "",
                "",
                "",
                f" by {year + rng.randint(1, 3)}",
                " by the end of the year",
                f" by early {year + 1}",
                f" by the {next_ordinal} SCM",
                " next year",
                f" in {year + 2}",
            ]
        )

    def _fresh(self, rng: random.Random, theme: dict[str, Any], claim: dict[str, Any]) -> Planned:
        frames = [f for f in ("to", "that", "object", "appeal", "light") if f in claim]
        frame = rng.choice(frames)
        speaker = rng.choice(theme.get("by", ["joint", "joint", "us", "rok"]))
        body = _choose(rng, claim[frame])
        if frame in ("to", "that") and rng.random() < 0.45:
            body += rng.choice(self.material.tails)
        if "{BODY}" in body:
            name, acronym = (
                self.bodies[-1] if claim["id"] == "body-launch" else rng.choice(self.bodies)
            )
            body = body.replace("{BODY}", _mark(name, acronym))
        verb = rng.choice(self.material.frames[frame])
        return Planned(theme["id"], claim["id"], frame, verb, speaker, body)

    def _carry(
        self, rng: random.Random, old: Planned, claim: dict[str, Any], year: int
    ) -> Planned | None:
        """``old`` at the next meeting: repeated, firmer, changed, reported done, or dropped."""
        if old.frame == "done":
            return None
        if old.deadline and "done" in claim and rng.random() < 0.5:
            body = _choose(rng, claim["done"])
            bodies = BODY_MARK.findall(old.body)
            if bodies:
                body = body.replace("{BODY}", _mark(*bodies[0]))
            return replace(
                old, frame="done", verb=rng.choice(DONE_VERBS), body=body, deadline="", firmer=""
            )
        deadline = old.deadline
        found = re.search(r"\d{4}", deadline)
        if found and int(found.group()) <= year:
            deadline = ""
        roll = rng.random()
        if roll < 0.5:
            return replace(old, deadline=deadline, firmer="")
        if roll < 0.75:
            return replace(old, deadline=deadline, firmer=rng.choice(self.material.firmer))
        frames = [f for f in ("to", "that", "object", "appeal", "light") if f in claim]
        others = [f for f in frames if f != old.frame] or frames
        frame = rng.choice(others)
        body = _choose(rng, claim[frame])
        bodies = BODY_MARK.findall(old.body)
        if "{BODY}" in body and bodies:
            body = body.replace("{BODY}", _mark(*bodies[0]))
        elif "{BODY}" in body:
            return None
        verbs = [v for v in self.material.frames[frame] if v != old.verb]
        return replace(old, frame=frame, verb=rng.choice(verbs), body=body, firmer="")

    def plan(
        self, rng: random.Random, previous: list[Planned], year: int, next_ordinal: str
    ) -> list[list[Planned | str]]:
        """The body paragraphs: statements (and the odd context sentence) per paragraph."""
        if rng.random() < 0.7 or not self.bodies:
            # Bodies live for a while; a retired one's name may be used again much later.
            del self.bodies[: max(0, len(self.bodies) - LIVING_BODIES)]
            alive = {word for body in self.bodies for word in body}
            self.bodies.append(new_body(rng, self.taken | alive))
        themes = self.material.themes
        count = rng.randint(16, 20)  # body paragraphs; with the first and last, 18-22
        per_theme = {t["id"]: 1 for t in themes}
        for theme in rng.sample(themes, k=max(0, count - len(themes))):
            per_theme[theme["id"]] += 1
        carried = [p for p in previous if rng.random() < CARRY_SHARE]
        paragraphs: list[list[Planned | str]] = []
        for theme in themes:
            claims = {c["id"]: c for c in theme["claims"]}
            waiting = list({p.claim: p for p in carried if p.theme == theme["id"]}.values())
            fresh = [c for c in theme["claims"] if c["id"] not in {p.claim for p in waiting}]
            rng.shuffle(fresh)
            for _ in range(per_theme[theme["id"]]):
                paragraph: list[Planned | str] = []
                want = rng.choice((3, 4, 5, 5, 6))
                while len(paragraph) < want:
                    if not (waiting or fresh):  # the theme again, in other words
                        used = {p.claim for p in paragraph if isinstance(p, Planned)}
                        fresh = [c for c in theme["claims"] if c["id"] not in used]
                        if not fresh:
                            break
                    if waiting:
                        old = waiting.pop(0)
                        planned = self._carry(rng, old, claims[old.claim], year)
                    else:
                        planned = self._fresh(rng, theme, fresh.pop())
                    if planned is None:
                        continue
                    if planned.frame == "to" and "{DEADLINE}" in planned.body:
                        deadline = planned.deadline or self._deadline(rng, year, next_ordinal)
                        planned = replace(planned, deadline=deadline)
                    paragraph.append(planned)
                    if rng.random() < 0.12:
                        paragraph.append(rng.choice(self.material.context))
                if paragraph:
                    paragraphs.append(paragraph)
        return paragraphs


@dataclass
class Wording:
    """Words the planned statements of one communiqué, defining entities as it goes."""

    material: Paragraphs
    rng: random.Random
    subjects: dict[str, list[str]]  # speaker -> subject phrases
    pronouns: dict[str, str]
    defined: set[str]
    seen: set[str]

    def entity(self, key: str) -> str:
        long_form, acronym = self.material.entities[key]
        if key in self.seen or long_form in self.seen:
            if acronym and acronym in self.defined and self.rng.random() < 0.85:
                return acronym
            return long_form
        self.seen.update((key, long_form))
        if acronym and self.rng.random() < 0.65:
            self.defined.add(acronym)
            return f"{long_form} ({acronym})"
        return long_form

    def body(self, match: re.Match[str]) -> str:
        name, acronym = match[1], match[2]
        if name in self.seen:
            return acronym
        self.seen.add(name)
        return f"{name} ({acronym})"

    def words(self, text: str) -> str:
        text = ENTITY.sub(lambda m: self.entity(m[1]), text)
        return BODY_MARK.sub(self.body, text)

    def sentence(self, planned: Planned, previous: Planned | None, first: bool) -> str:
        if previous is not None and previous.speaker == planned.speaker and self.rng.random() < 0.4:
            subject = self.pronouns[planned.speaker]
        else:
            subject = self.rng.choice(self.subjects[planned.speaker])
        adverb = planned.firmer or ("" if first or self.rng.random() < 0.8 else "also")
        verb = self.material.past[planned.verb]
        particle = self.material.particles.get(planned.verb)
        head = " ".join(w for w in (subject, adverb, verb, particle) if w)
        body = self.words(planned.body.replace("{DEADLINE}", planned.deadline))
        link = {"to": "to ", "that": "that ", "done": "that "}.get(planned.frame, "")
        return f"{head} {link}{body}."

    def paragraph(self, items: list[Planned | str]) -> list[str]:
        sentences = []
        previous: Planned | None = None
        for item in items:
            if isinstance(item, str):
                sentences.append(item)
                previous = None
                continue
            sentences.append(self.sentence(item, previous, not sentences))
            previous = item
        return sentences
