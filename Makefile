# Continuity: `make run` serves web + API + an in-process worker; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO ?= 1
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test install install-test lint bench migrate

$(BIN)/python:
	@echo "make: creating the virtual environment $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# pip's progress shows while it downloads: the first install takes minutes (torch is the largest part).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "make: installing Continuity and its dependencies into $(VENV) (the first time takes a few minutes)"
	$(BIN)/pip install --progress-bar on -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	@echo "make: installing the test tools into $(VENV)"
	$(BIN)/pip install --progress-bar on -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	@echo "make: migrating the database (and building read models from the event log)"
	$(BIN)/python manage.py migrate --noinput

run: migrate
	@echo "make: starting the server on http://127.0.0.1:$(PORT)/ (it prints the demo sign-in once it answers)"
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
