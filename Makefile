# Two commands on a fresh machine: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GOVFLOW := $(BIN)/govflow
# Reinstall only when the dependencies change.
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test

.PHONY: run test lint install clean-db

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_INSTALLED): $(INSTALLED) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(INSTALLED)

run: $(INSTALLED)
	$(GOVFLOW) migrate
	$(GOVFLOW) seed
	$(GOVFLOW) deploy
	$(GOVFLOW) serve --host 127.0.0.1 --port 5000

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check .

test: $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/pytest

clean-db:
	rm -f instance/govflow.sqlite3 instance/govflow.sqlite3-wal instance/govflow.sqlite3-shm
