"""The tree shows the pipeline: stages import only downward, no module cycles, short modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "scmgraph"
STAGES = ("registry", "read", "extract", "rdf", "build", "sparql", "views", "server", "cli")
LONG = 400
REASON = "Longer than 400 lines because"


def test_import_contracts_are_kept() -> None:
    """The layers and acyclic-siblings contracts of pyproject.toml (lint-imports)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "2 kept, 0 broken" in result.stdout


def test_no_module_imports_itself_back() -> None:
    """Zero import cycles between modules, lazy imports included."""
    graph = grimp.build_graph("scmgraph")
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    assert list(nx.simple_cycles(edges)) == []


def test_every_stage_is_a_sub_package() -> None:
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), stage
        assert ast.get_docstring(ast.parse(init.read_text())), f"{stage} says what it is for"


def test_long_modules_say_why() -> None:
    """A module over 400 lines is split, or its docstring gives the reason."""
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LONG and REASON not in (ast.get_docstring(ast.parse(text)) or ""):
            unexplained.append(f"{path.relative_to(PACKAGE)}: {text.count(chr(10))} lines")
    assert unexplained == []


def test_docstring_examples_hold() -> None:
    """Every example in every module's docstrings runs as written."""
    import doctest
    import importlib

    attempted = failed = written = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if ">>> " not in text or path.name == "api.py":  # api: tests/test_api.py, on a build
            continue
        written += text.count(">>> ")
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = importlib.import_module(".".join(p for p in parts if p != "__init__"))
        result = doctest.testmod(module)
        attempted, failed = attempted + result.attempted, failed + result.failed
    assert failed == 0
    assert attempted == written >= 3
