# Mehman — the commands a newcomer needs. Everything installs what it needs first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MEHMAN := $(BIN)/mehman
PYTEST := $(BIN)/pytest
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/mehman
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo serve test test-postgres test-browser check lint format messages catalogues setup worker bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

catalogues: $(VENV)/.installed
	$(MEHMAN) catalogues compile

setup: $(VENV)/.installed node_modules/.installed catalogues

## make demo: install, migrate, load the demo settlement, print logins, serve on 127.0.0.1:8000
demo: setup
	$(MEHMAN) demo

serve: setup
	$(MEHMAN) runserver 127.0.0.1:8000

worker: setup
	$(MEHMAN) worker

## make test: the whole suite on SQLite
test: setup
	$(PYTEST) -q

## make test-postgres: the suite on PostgreSQL (DATABASE_URL, default the local server), less the
## tests that never reach a database (`make test` runs them)
test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-$(POSTGRES_URL)} MEHMAN_DATABASE_TESTS_ONLY=1 $(PYTEST) -q

## make test-browser: Playwright with Debian's Chromium (/usr/bin/chromium)
test-browser: setup
	$(PYTEST) -q -m browser tests/browser

## make check: ruff, mypy, djLint, import-linter, migrations, translations
check: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mehman
	$(BIN)/djlint --lint mehman/templates
	$(BIN)/lint-imports
	$(MEHMAN) makemigrations --check --dry-run
	$(MAKE) --no-print-directory messages
	$(MEHMAN) catalogues check

## make messages: extract strings into locale/*/LC_MESSAGES/django.po
messages: $(VENV)/.installed
	$(MEHMAN) makemessages -l fa -l en --no-obsolete --add-location file --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --verbosity 0
	sed -i '/^"POT-Creation-Date: /d' locale/*/LC_MESSAGES/django.po
	$(MEHMAN) catalogues english

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint --reformat mehman/templates || true

## make bench: every benchmark under bench/ (figures to bench/results/, tables to bench/RESULTS.md)
bench: setup
	@for b in $$(ls bench/*.py | grep -v '_peers\.py$$'); do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache
