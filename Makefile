# Every target builds and uses the project's own virtualenv (.venv), so a fresh machine
# needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install generate check-generated lint typecheck pytest test test-slow check demo bench serve clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "qalx needs Python 3.11+; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server,dev]'
	@touch $@

generate: $(INSTALLED)
	$(BIN)/python codegen/generate.py

check-generated: $(INSTALLED)
	$(BIN)/python codegen/generate.py --check

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy generated/qalx_api_client qalx server/qalx_server tests codegen demo

# `make test` stays under 20 minutes on a 2-core machine; the slow tests (the chaos run, every
# start method, the bots on Amazon SQS, factory builds, the query differentials at 400 examples
# rather than QALX_TEST_QUERY_EXAMPLES=150) are their own gate, which CI runs too.
pytest: $(INSTALLED)
	$(BIN)/pytest -m "not slow" --durations=15

test-slow: $(INSTALLED)
	$(BIN)/pytest -m slow --durations=10

test: check-generated typecheck pytest

check: lint test test-slow

# qalx doing its real job: a server, 500 beams through a factory-built bot, a summary.
demo: $(INSTALLED)
	$(BIN)/python -m demo

# Speed goals are checked here, never in tests: every goal, qalx beside pyqalx, in one run of
# under 10 minutes; results land in bench/results/ (latest.md gathers them).
# wrk (Debian package `wrk`) gives the most faithful load; without it a Python client is used.
bench: $(INSTALLED)
	$(BIN)/python bench/run.py

# The embedded server with default settings (data under the platform's user data dir).
serve: $(INSTALLED)
	$(BIN)/qalx server start

clean:
	rm -rf $(VENV) .venv-pyqalx .mypy_cache .pytest_cache .ruff_cache
