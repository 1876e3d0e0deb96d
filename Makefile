# Two entry points: `make run` builds, validates and queries the graph;
# `make test` runs the whole test suite. Both create the virtualenv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint audit venv clean bytecode

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# pip compiles an installed package's modules, not an editable checkout's: compile
# them too (again after a change), or every command recompiles them where the
# environment does not let Python write bytecode (PYTHONDONTWRITEBYTECODE).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q src

venv: $(STAMP) bytecode

run: $(STAMP) bytecode
	$(BIN)/scmgraph build
	$(BIN)/scmgraph validate
	$(BIN)/scmgraph query run heads-of-delegation

test: $(STAMP) bytecode
	bash scripts/install-servers.sh
	$(BIN)/ruff check src tests scripts
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

# Known vulnerabilities in the installed packages (needs the PyPI JSON API or OSV).
audit: $(STAMP)
	$(BIN)/pip install --quiet 'pip-audit>=2.7,<3'
	$(BIN)/pip-audit --strict --progress-spinner off

clean:
	rm -rf $(VENV) data/graph/store data/graph/store-*
