# Continuity: `make run` serves web + API + an in-process worker; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO ?= 1
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test install install-test lint bench migrate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	DEMO=$(DEMO) $(BIN)/python manage.py serve --port $(PORT)

# The suite runs on the embedded SQLite database, then again on PostgreSQL when DATABASE_URL
# names one (as .ci/run does), so both backends are checked on every run.
test: install-test
	DATABASE_URL= $(BIN)/python -m pytest tests
	@case "$$DATABASE_URL" in postgres*) $(BIN)/python -m pytest tests ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: skipped the PostgreSQL pass (.ci/run always runs it)" ;; esac

# ruff, the import contracts in pyproject.toml, then mypy with the Django and DRF stubs.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install-test
	$(BIN)/python -m bench
