"""Compare statements views with gold annotations (see docs/statements.md).

Every facet is kept as raw counts so that sums over documents give exact micro
averages; `Report.metrics()` turns them into the scores that `--min` thresholds use.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from scmgraph.errors import InputError
from scmgraph.registry.files import default_data_dir, read_data
from scmgraph.views.scores import FIELDS, Accuracy, Counts, DocumentScore, Issue, Report

_REQUIRED = ("document", "meeting", "entities", "statements", "threads")
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)?")
_WORD = re.compile(r"\w+")


# --- reading -------------------------------------------------------------------


def load_view(path: Path) -> dict:
    """Read one statements-view JSON file; InputError when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise InputError(path, "not a JSON object")
    _require(path, data, _REQUIRED, "")
    for key in ("entities", "statements", "threads"):
        if not isinstance(data[key], list):
            raise InputError(path, f"'{key}' is not a list")
    if not isinstance(data["meeting"], dict):
        raise InputError(path, "'meeting' is not an object")
    for i, e in enumerate(data["entities"]):
        _require(path, e, ("name",), f"entities[{i}]")
    for i, s in enumerate(data["statements"]):
        _require(path, s, ("paragraph", "verb", "text"), f"statements[{i}]")
        if not isinstance(s["paragraph"], int) or isinstance(s["paragraph"], bool):
            raise InputError(path, f"statements[{i}]: 'paragraph' is not an integer")
    for i, t in enumerate(data["threads"]):
        _require(path, t, ("previous", "paragraphs"), f"threads[{i}]")
        _require(path, t["previous"], ("document", "paragraphs"), f"threads[{i}].previous")
    return data


def _require(path: Path, obj: Any, keys: Iterable[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise InputError(path, f"{where or 'document'} is not an object")
    for key in keys:
        if key not in obj:
            raise InputError(path, f"{where + ': ' if where else ''}missing key '{key}'")


# --- names ---------------------------------------------------------------------


@functools.cache
def default_qualifiers() -> tuple[str, ...]:
    """The national qualifiers of ``data/evaluation.yaml``, read once."""
    path = default_data_dir() / "evaluation.yaml"
    return tuple(str(q) for q in read_data(path).get("qualifiers") or ())


def normalise_name(name: str, qualifiers: Sequence[str] | None = None) -> str:
    """Name as evaluation compares it: lower case, no punctuation, no leading
    "the"/national qualifier/year/ordinal, no trailing "region", singular last word."""
    words = _words(name)
    if qualifiers is None:
        qualifiers = default_qualifiers()
    quals = sorted((_words(q) for q in qualifiers), key=len, reverse=True)
    changed = True
    while changed and words:
        changed = False
        if words[0] == "the" or _ORDINAL.fullmatch(words[0]):
            rest = words[1:]
        else:
            rest = next((words[len(q) :] for q in quals if q and words[: len(q)] == q), words)
        if rest and rest != words:
            words, changed = rest, True
    if len(words) > 1 and words[-1] == "region":
        words = words[:-1]
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and words[-1][-2] != "s":
        words = [*words[:-1], words[-1][:-1]]
    return " ".join(words)


def _words(text: str) -> list[str]:
    return re.sub(r"[\W_]+", " ", text.lower()).split()


# --- scoring -------------------------------------------------------------------


def score(gold: dict, pred: dict, *, qualifiers: Sequence[str] | None = None) -> DocumentScore:
    """Compare one predicted statements view with its gold annotation."""
    issues: list[Issue] = []
    meeting = _score_meeting(gold.get("meeting") or {}, pred.get("meeting") or {}, issues)
    ents, types, aliases = _score_entities(gold["entities"], pred["entities"], qualifiers, issues)

    def norm(mention: str) -> str:
        key = normalise_name(mention, qualifiers)
        return aliases.get(key, key)

    stmt = _score_statements(gold["statements"], pred["statements"], norm, issues)
    threads = _score_threads(gold["threads"], pred["threads"], issues)
    issues.sort(key=lambda i: FIELDS.index(i.facet))
    return DocumentScore(
        str(gold.get("document", "")), meeting, ents, types, *stmt, threads, tuple(issues)
    )


def _score_meeting(gold: dict, pred: dict, issues: list[Issue], where: str = "") -> Accuracy:
    acc = Accuracy()
    for key in ("series", "ordinal", "date", "city"):
        if key in gold or key in pred:
            acc += _check("meeting", f"{where}{key}", gold.get(key), pred.get(key), issues)
    heads_g, heads_p = gold.get("heads") or [], pred.get("heads") or []
    for i in range(max(len(heads_g), len(heads_p))):
        hg = heads_g[i] if i < len(heads_g) else {}
        hp = heads_p[i] if i < len(heads_p) else {}
        for key in ("name", "post", "party"):
            label, fold = f"{where}heads[{i}].{key}", key == "name"
            acc += _check("meeting", label, hg.get(key), hp.get(key), issues, fold=fold)
    if where:
        return acc
    assoc_p = list(pred.get("associated") or [])
    for g in gold.get("associated") or []:
        p = next((p for p in assoc_p if p.get("series") == g.get("series")), {})
        if p:
            assoc_p.remove(p)
        acc += _score_meeting(g, p, issues, f"associated {g.get('series')}: ")
    for p in assoc_p:
        acc += _score_meeting({}, p, issues, f"associated {p.get('series')}: ")
    return acc


def _check(
    facet: str, where: str, g: Any, p: Any, issues: list[Issue], *, fold: bool = False
) -> Accuracy:
    """One judged value: right when equal (case-insensitively when `fold`)."""
    same = g == p
    if fold and isinstance(g, str) and isinstance(p, str):
        same = " ".join(g.lower().split()) == " ".join(p.lower().split())
    if not same:
        issues.append(Issue(facet, "wrong", f"{where}: gold {g!r}, predicted {p!r}"))
    return Accuracy(int(same), 1)


def _score_entities(
    gold: list[dict], pred: list[dict], qualifiers: Sequence[str] | None, issues: list[Issue]
) -> tuple[Counts, Accuracy, dict[str, str]]:
    def keys(e: dict) -> tuple[str, str]:
        acronym = e.get("acronym")
        return normalise_name(e["name"], qualifiers), normalise_name(acronym or "", qualifiers)

    gk, pk = [keys(e) for e in gold], [keys(e) for e in pred]
    pairs: dict[int, int] = {}  # gold index -> predicted index
    # names first, then acronyms, then a name against an acronym
    for a, b in ((0, 0), (1, 1), (0, 1), (1, 0)):
        for gi, g in enumerate(gk):
            if gi in pairs or not g[a]:
                continue
            taken = set(pairs.values())
            pi = next((i for i, p in enumerate(pk) if i not in taken and p[b] == g[a]), None)
            if pi is not None:
                pairs[gi] = pi
    aliases: dict[str, str] = {}
    types = Accuracy()
    for gi, pi in sorted(pairs.items()):
        g, p = gold[gi], pred[pi]
        aliases |= {k: gk[gi][0] for k in pk[pi] if k}
        types += _check("entity_types", g["name"], g.get("type"), p.get("type"), issues)
    for gi, g in enumerate(gold):
        if gi not in pairs:
            issues.append(Issue("entities", "missed", f"{g['name']} ({g.get('type')})"))
    matched_p = set(pairs.values())
    for pi, p in enumerate(pred):
        if pi not in matched_p:
            issues.append(Issue("entities", "extra", f"{p['name']} ({p.get('type')})"))
    n = len(pairs)
    return Counts(len(gold), len(pred), n, n), types, aliases


def _similarity(a: str, b: str) -> float:
    x, y = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(x & y) / len(x | y) if x | y else 1.0


def _statement_key(s: dict) -> tuple[int, str]:
    return int(s["paragraph"]), str(s["verb"]).strip().lower()


def _match_statements(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs on (paragraph, verb), by text overlap within a repeated key."""
    groups: dict[tuple[int, str], tuple[list[int], list[int]]] = {}
    for i, s in enumerate(gold):
        groups.setdefault(_statement_key(s), ([], []))[0].append(i)
    for i, s in enumerate(pred):
        groups.setdefault(_statement_key(s), ([], []))[1].append(i)
    pairs: list[tuple[int, int]] = []
    for gis, pis in groups.values():
        scored = sorted(
            (-_similarity(gold[g]["text"], pred[p]["text"]), g, p) for g in gis for p in pis
        )
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, g, p in scored:
            if g not in used_g and p not in used_p:
                used_g.add(g)
                used_p.add(p)
                pairs.append((g, p))
    return sorted(pairs)


def _label(s: dict) -> str:
    return f"§{s['paragraph']} {s['verb']}: {s['text'][:70]}"


def _score_statements(
    gold: list[dict], pred: list[dict], norm: Callable[[str], str], issues: list[Issue]
) -> tuple[Counts, Accuracy, Accuracy, Counts, Counts, Counts]:
    """Statement matching, then class, actors, mentions, topics and deadlines."""
    pairs = _match_statements(gold, pred)
    classes, actors = Accuracy(), Accuracy()
    mentions, topics, deadlines = Counts(), Counts(), Counts()
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        where = f"§{g['paragraph']} {g['verb']}"
        classes += _check("classes", where, g.get("class"), p.get("class"), issues)
        ga, pa = sorted(g.get("actors") or []), sorted(p.get("actors") or [])
        actors += _check("actors", where, ga, pa, issues)
        gm, pm = ({norm(m) for m in s.get("mentions") or []} for s in (g, p))
        mentions += _set_counts("mentions", where, gm, pm, issues)
        gt, pt = (set(s.get("topics") or []) for s in (g, p))
        topics += _set_counts("topics", where, gt, pt, issues)
        deadlines += _deadline(where, g.get("deadline"), p.get("deadline"), issues)
    for kind, side, matched in (("missed", gold, 0), ("extra", pred, 1)):
        paired = {pair[matched] for pair in pairs}
        for s in sorted((s for i, s in enumerate(side) if i not in paired), key=_statement_key):
            issues.append(Issue("statements", kind, _label(s)))
            where, d = f"§{s['paragraph']} {s['verb']} ({kind} statement)", s.get("deadline")
            deadlines += _deadline(where, *((d, None) if kind == "missed" else (None, d)), issues)
    n = len(pairs)
    return Counts(len(gold), len(pred), n, n), classes, actors, mentions, topics, deadlines


def _set_counts(facet: str, where: str, g: set[str], p: set[str], issues: list[Issue]) -> Counts:
    if g != p:
        issues.append(
            Issue(facet, "wrong", f"{where}: missed {sorted(g - p)}, extra {sorted(p - g)}")
        )
    hit = len(g & p)
    return Counts(len(g), len(p), hit, hit)


def _deadline(where: str, g: dict | None, p: dict | None, issues: list[Issue]) -> Counts:
    if g is None and p is None:
        return Counts()
    gy, py = (g or {}).get("year"), (p or {}).get("year")
    hit = int(g is not None and p is not None and gy == py)
    if not hit:
        gs = "none" if g is None else f"{gy} ({g.get('text')!r})"
        ps = "none" if p is None else f"{py} ({p.get('text')!r})"
        issues.append(Issue("deadlines", "wrong", f"{where}: gold {gs}, predicted {ps}"))
    return Counts(int(g is not None), int(p is not None), hit, hit)


def _overlaps(a: dict, b: dict) -> bool:
    return (
        a["previous"]["document"] == b["previous"]["document"]
        and bool(set(a["paragraphs"]) & set(b["paragraphs"]))
        and bool(set(a["previous"]["paragraphs"]) & set(b["previous"]["paragraphs"]))
    )


def _thread_label(t: dict) -> str:
    prev = t["previous"]
    return (
        f"{t.get('thread') or '(unlabelled)'}: {prev['document']} "
        f"§{sorted(prev['paragraphs'])} → §{sorted(t['paragraphs'])}"
    )


def _score_threads(gold: list[dict], pred: list[dict], issues: list[Issue]) -> Counts:
    found = [g for g in gold if any(_overlaps(g, p) for p in pred)]
    right = [p for p in pred if any(_overlaps(g, p) for g in gold)]
    issues += [Issue("threads", "missed", _thread_label(g)) for g in gold if g not in found]
    issues += [Issue("threads", "wrong", _thread_label(p)) for p in pred if p not in right]
    return Counts(len(gold), len(pred), len(found), len(right))


def evaluate_dirs(
    gold_dir: Path, pred_dir: Path, *, qualifiers: Sequence[str] | None = None
) -> Report:
    """Score every gold file against the prediction with the same file name."""
    for folder in (gold_dir, pred_dir):
        if not Path(folder).is_dir():
            raise InputError(folder, "not a folder")
    gold_files = sorted(Path(gold_dir).glob("*.json"))
    if not gold_files:
        raise InputError(gold_dir, "no gold .json files")
    pred_names = {p.name for p in Path(pred_dir).glob("*.json")}
    scores, missing = [], []
    for path in gold_files:
        gold = load_view(path)
        if path.name in pred_names:
            scores.append(score(gold, load_view(Path(pred_dir) / path.name), qualifiers=qualifiers))
            continue
        missing.append(path.stem)
        empty = {"document": path.stem, "meeting": {}} | {k: [] for k in _REQUIRED[2:]}
        s = score(gold, empty, qualifiers=qualifiers)
        scores.append(replace(s, document=path.stem, prediction_missing=True))
    unmatched = sorted(Path(n).stem for n in pred_names - {p.name for p in gold_files})
    return Report(tuple(scores), tuple(missing), tuple(unmatched))


# --- thresholds ----------------------------------------------------------------
