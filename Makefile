# Two commands on a fresh machine: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GOVFLOW := $(BIN)/govflow
# Reinstall only when the dependencies change.
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
CHROMIUM := /usr/bin/chromium
# The modeler and viewer bundle (web/frontend, built by esbuild; not committed).
FRONTEND := web/frontend
BUNDLE := web/static/build/.built

.PHONY: run test lint install clean-db translations chromium node screenshots bundle

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/pybabel -q compile -d web/translations
	touch $@

$(TEST_INSTALLED): $(INSTALLED) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# npm ci installs exactly the lockfile; the stamp rebuilds when the sources or the lockfile change.
$(BUNDLE): $(FRONTEND)/package-lock.json $(FRONTEND)/build.mjs $(wildcard $(FRONTEND)/src/*.* $(FRONTEND)/src/*/*.*) | node
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error && node build.mjs
	touch $@

bundle: $(BUNDLE)

install: $(INSTALLED) $(BUNDLE)

run: $(INSTALLED) $(BUNDLE)
	$(GOVFLOW) migrate
	$(GOVFLOW) demo
	$(GOVFLOW) seed
	$(GOVFLOW) deploy
	$(GOVFLOW) serve --host 127.0.0.1 --port 5000 --mail-sink

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check .

test: $(TEST_INSTALLED) $(BUNDLE) chromium
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto

# Compile the translations (the app also compiles a missing or stale .mo when it starts).
translations: $(INSTALLED)
	$(BIN)/pybabel -q compile -d web/translations

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "installing chromium for the browser tests"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -qq chromium || { $$SUDO apt-get update -qq && \
	    $$SUDO apt-get install -y -qq chromium; }; }

# Dutch screenshots of the inbox and a task page for the README (docs/*.png).
screenshots: $(TEST_INSTALLED) $(BUNDLE) chromium
	GOVFLOW_SCREENSHOTS=docs $(BIN)/pytest -q tests/web/browser/test_screenshots.py

# node 20 and npm build the bundle; a fresh machine gets them from Debian like chromium.
node:
	@command -v npm >/dev/null && command -v node >/dev/null || { \
	  echo "installing node and npm to build the diagram editor"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -qq nodejs npm || { $$SUDO apt-get update -qq && \
	    $$SUDO apt-get install -y -qq nodejs npm; }; }

clean-db:
	rm -f instance/govflow.sqlite3 instance/govflow.sqlite3-wal instance/govflow.sqlite3-shm
