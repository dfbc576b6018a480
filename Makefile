# The two commands of the README:
#   make book   build the website into _build/html (then `make serve` to read it)
#   make test   lint, unit tests and doctests, nbval on every notebook, a cold book build with
#               warnings as errors, and the headless-browser test of every page
# Both create .venv on first use (Python 3.10+) and reinstall only when a requirements file changes.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Every notebook run (book build, nbval, make notebooks) uses one BLAS/OpenMP thread, since the
# thread count changes the order of floating-point sums and so the last digits a notebook prints,
# and records no progress (the site and the committed outputs show nobody's progress file).
# scripts/run_notebooks.py defines the same set (NOTEBOOK_ENV), which conftest.py reads.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export LOSS_COURSE_PROGRESS := off

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
JB_BUILD := $(BIN)/jupyter-book build . -W -n --keep-going
# Execute the notebooks that changed into the build's cache, two at a time (2 cores), first.
PREWARM := $(BIN)/python scripts/run_notebooks.py --cache _build/.jupyter_cache --toc _toc.yml
PIP_INSTALL := $(BIN)/python -m pip install --disable-pip-version-check -q

.PHONY: help book serve test lint format notebooks clean

help:
	@echo "make book       build the course website into _build/html"
	@echo "make serve      serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make test       run every check (lint, unit tests, nbval, cold book build, browser test)"
	@echo "make test-unprivileged  (as root) the sandbox and grading tests again as an ordinary user"
	@echo "make notebooks  re-execute the notebooks under book/ in place (commit their outputs)"
	@echo "make lint       ruff check and ruff format --check; make format: ruff format"
	@echo "make clean      remove _build"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip

# Stamps: reinstall only when a requirements file or pyproject.toml is newer than the last install.
$(VENV)/.book-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(VENV)/.test-installed: requirements-test.txt requirements.txt pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r requirements-test.txt
	@touch $@ $(VENV)/.book-installed

book: $(VENV)/.book-installed
	$(PREWARM)
	$(JB_BUILD)
	@echo
	@echo "The book is in _build/html. Read it with:  make serve   (then open http://127.0.0.1:$(PORT)/)"
	@echo "or open _build/html/index.html in a browser."

serve:
	@test -f _build/html/index.html || { echo "no book yet: run 'make book' first"; exit 1; }
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# The book is built from scratch (no cache, no old pages) so that every warning shows, from the
# committed notebook outputs (a copy of _config.yml in _build with execution off): nbval, in the
# same pytest run, re-executes every notebook and fails unless it reproduces them, so the site is
# tested on outputs proven current without executing the notebooks twice. One pytest run (a worker
# per core, each taking whole notebooks or test modules) covers the unit tests and doctests
# (tests/ and the three packages), nbval (book/), the browser test of that build
# (tests/test_site.py) and the JupyterLab test; the browser tests skip without Chromium unless
# REQUIRE_BROWSER=1.
TEST_CONFIG := _build/_config.committed.yml
test: $(VENV)/.test-installed lint
	@start=$$SECONDS; \
	echo "== cold book build from the committed outputs: $(JB_BUILD) --config $(TEST_CONFIG)"; \
	rm -rf _build; mkdir _build; t=$$SECONDS; \
	sed -e 's/^\( *execute_notebooks:\).*/\1 "off"/' _config.yml > $(TEST_CONFIG); \
	grep -q 'execute_notebooks: "off"' $(TEST_CONFIG) || { echo "could not switch execution off in $(TEST_CONFIG)"; exit 1; }; \
	$(JB_BUILD) --config $(TEST_CONFIG) > _build/build.log 2>&1 || { tail -n 60 _build/build.log; echo "book build failed (log: _build/build.log)"; exit 1; }; \
	grep -E "build succeeded|warning" _build/build.log | tail -n 3; \
	echo "   built in $$((SECONDS - t)) s"; t=$$SECONDS; \
	echo "== pytest: unit tests, doctests, nbval on book/, browser test of _build/html"; \
	LFC_SITE_DIR=_build/html $(BIN)/python -m pytest -n auto --dist loadfile --nbval tests losses course exercises book; \
	echo "   pytest in $$((SECONDS - t)) s; make test in $$((SECONDS - start)) s"

# The grader takes another path as root than as an ordinary user (exercises/sandbox/bubblewrap.py): as
# root, the tests marked `sandbox` again as a user made for it, in a copy of the working tree with
# that user's own venv (scripts/test_unprivileged.sh says how). CI runs it after `make test`.
.PHONY: test-unprivileged
test-unprivileged:
	bash scripts/test_unprivileged.sh

# Lint and formatting: `make format` rewrites what `ruff format --check` rejects.
lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff format .

notebooks: $(VENV)/.book-installed
	$(BIN)/python scripts/run_notebooks.py book

clean:
	rm -rf _build
