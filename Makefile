# MedGuide's two everyday commands: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup check lint format bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("MedGuide needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

.env:
	$(BIN)/python -c 'import secrets; print(f"DEBUG=true\nSECRET_KEY={secrets.token_urlsafe(50)}")' > .env
	@echo "Wrote .env (DEBUG=true and a generated SECRET_KEY) for local development."

## Set up, load the demo content, print admin credentials and serve on http://$(HOST):$(PORT)/
run: setup .env
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Set up and run everything CI runs: lint, Django checks, migrations check, the whole suite.
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

check: test

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Slow measurements, kept out of the everyday run.
bench: setup
	$(BIN)/pytest -m benchmark -s

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
