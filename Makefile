# MedGuide's two everyday commands: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup check lint format bench bench-load bench-scale bench-instructions chaos clean audit

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("MedGuide needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# axe-core, which the browser tests inject to check accessibility (so `make test` needs npm;
# `make run` does not); npm ci keeps to the lock.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
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
test: lint node_modules/axe-core/axe.min.js
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder

check: test

## ruff, djLint (templates) and import-linter: the local hooks of .pre-commit-config.yaml, run
## without a git hook and without downloading anything; pre-commit keeps its state in .venv.
lint: setup
	PRE_COMMIT_HOME=$(VENV)/pre-commit $(BIN)/pre-commit run --all-files
	@# --all-files means the tracked ones: files not yet added are checked too.
	git ls-files -z --others --exclude-standard | \
		xargs -0 -r env PRE_COMMIT_HOME=$(VENV)/pre-commit $(BIN)/pre-commit run --files

## What ruff and djLint can fix, fixed in place (--warn: djLint exits 1 when it changed a file).
format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint --reformat --quiet --warn .

## Slow measurements, kept out of the everyday run.
bench: setup
	$(BIN)/pytest -m benchmark -s

## The load benchmark alone: gunicorn over PostgreSQL and Redis, driven by wrk (README).
bench-load: setup
	$(BIN)/pytest -m benchmark -s tests/benchmarks/test_load.py

## The scale benchmark alone: ~20,000 medicines and 50,000 guides on PostgreSQL and SQLite,
## caches off; prints one table (docs/operations.md). MEDGUIDE_BENCH_SCALE=0.1 builds a tenth.
bench-scale: setup
	$(BIN)/pytest -m benchmark -s tests/benchmarks/test_scale.py

## Instructions per request of the costliest pages (valgrind), on the SQLite catalogue that
## `MEDGUIDE_BENCH_SCALE_KEEP=1 make bench-scale` kept: figures the machine's noise does not move.
bench-instructions: setup
	$(BIN)/python -m tests.benchmarks.instructions

## The fault suite: cache and database down, a worker killed, an import killed and rerun.
chaos: setup
	$(BIN)/pytest -m chaos -s tests/chaos

## Check the installed dependencies (not MedGuide itself) against PyPI's advisories: fails
## on a known vulnerability; a package the service cannot answer for is listed as not audited.
audit: setup
	$(BIN)/pip-audit --skip-editable --vulnerability-service pypi --progress-spinner off

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
