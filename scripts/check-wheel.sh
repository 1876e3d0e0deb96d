#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtualenv and use it as a new user would,
# from a folder outside the checkout: statements, build --corpus/--out, query list and
# run, and the Python API. Fails when the wheel lacks a module or a shipped file, or
# finds data by walking up from the source tree. Prints "wheel check passed" last.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "check-wheel: $*" >&2; exit 1; }

# Build from a copy of the checkout's files (tracked or not ignored): a build/ folder
# left by an earlier build would bring back modules that have since moved.
"$python" - "$repo" "$work/source" <<'EOF'
import shutil, subprocess, sys
from pathlib import Path
repo, copy = Path(sys.argv[1]), Path(sys.argv[2])
listing = ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
for name in subprocess.run(listing, capture_output=True, check=True).stdout.decode().split("\0"):
    if name and (repo / name).is_file():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, copy / name)
EOF
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/source" 2>"$work/pip.log" \
    || { cat "$work/pip.log" >&2; fail "building the wheel failed"; }
wheel="$(ls "$work"/dist/scmgraph-*.whl)"

# Every module of src/scmgraph is in the wheel, with the shipped files, and no corpus or graph.
"$python" - "$wheel" "$work/source" <<'EOF'
import sys, zipfile
from pathlib import Path
wheel, repo = sys.argv[1], Path(sys.argv[2])
names = set(zipfile.ZipFile(wheel).namelist())
src = repo / "src"
wanted = {p.relative_to(src).as_posix() for p in src.rglob("*.py")}
# the templates (server pages, ontology docs) and vendored scripts (with their licence)
wanted |= {p.relative_to(src).as_posix() for p in src.glob("scmgraph/*/templates/*.html")}
wanted |= {p.relative_to(src).as_posix() for p in src.glob("scmgraph/server/static/*")}
for pattern in ("queries/*.rq", "ontology/*.ttl", "shapes/*.ttl", "data/context.jsonld",
                "data/*.yaml", "data/reader/*.yaml", "data/registry/*.yaml"):
    wanted |= {f"scmgraph/{p.relative_to(repo).as_posix()}" for p in repo.glob(pattern)}
missing = sorted(wanted - names)
stray = sorted(n for n in names if n.startswith(("scmgraph/data/communiques", "scmgraph/data/graph")))
if missing or stray:
    sys.exit(f"check-wheel: missing from the wheel: {missing}; not to ship: {stray}")
EOF

"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$wheel" 2>"$work/pip.log" \
    || { cat "$work/pip.log" >&2; fail "installing the wheel failed"; }
bin="$work/venv/bin"

mkdir "$work/project"
cd "$work/project"
cp -r "$repo/data/communiques" corpus
documents="$(ls corpus | wc -l)"
unset PYTHONPATH SCMGRAPH_REGISTRY

shipped="$("$bin/python" -c 'from scmgraph.resources import shipped; print(shipped("data"))')"
[[ "$shipped" == "$work/venv/"* ]] || fail "shipped data read from $shipped, not the installed wheel"

"$bin/scmgraph" statements corpus --out views >/dev/null
views="$(ls views/*.json | wc -l)"
[[ "$views" == "$documents" ]] || fail "statements wrote $views views for $documents communiqués"
viewed="$("$bin/python" -c 'import json, pathlib, sys
print(sum(len(json.loads(p.read_text())["statements"]) for p in pathlib.Path("views").glob("*.json")))')"

summary="$("$bin/scmgraph" build --corpus corpus --out graph)"
[[ "$summary" == "built $documents communiqués, $viewed statements, "* ]] \
    || fail "build said '$summary'; expected $documents communiqués and $viewed statements"
[[ -s graph/scmgraph.trig && -d graph/store ]] || fail "build wrote no graph/scmgraph.trig or store"

listed="$("$bin/scmgraph" query list | wc -l)"
stored="$(ls "$repo"/queries/*.rq | wc -l)"
[[ "$listed" == "$stored" ]] || fail "query list shows $listed queries; $stored are stored"
heads="$("$bin/scmgraph" query run heads-of-delegation --store graph/store --format csv | wc -l)"
((heads > 1)) || fail "heads-of-delegation answered no rows"

# The Python API, from the installed package.
"$bin/python" - <<'PY'
import scmgraph
kg = scmgraph.load("graph")
heads = [(h["name"], h["party"]) for h in kg.query("heads-of-delegation") if h["ordinal"] == 52]
assert heads == [("Mark Esper", "US"), ("Suh Wook", "ROK")], heads
assert len(kg.statements()) > 0 and kg.network("entities").number_of_nodes() > 0
PY

# The server's pages render from the templates the wheel carries.
"$bin/python" -c 'from scmgraph.server.pages import index_page; assert "<h1>scmgraph</h1>" in index_page()' \
    || fail "the front page does not render from the installed package"

# Another registry is chosen by the environment variable: a missing one is a one-line error.
if SCMGRAPH_REGISTRY="$work/nowhere" "$bin/scmgraph" statements corpus --out other 2>err.txt; then
    fail "a missing SCMGRAPH_REGISTRY was accepted"
fi
grep -q "^error: $work/nowhere/registry/.*registry file is missing" err.txt \
    || fail "unexpected error for a missing registry: $(cat err.txt)"
[[ ! -e other ]] || fail "a failed run left output behind"

echo "wheel check passed: $documents communiqués, $viewed statements, $listed stored queries"
