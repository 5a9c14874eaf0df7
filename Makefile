# Patchwatch developer commands. `make help` lists them.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt
# Where `make run` serves.
RUN_ADDR ?= 127.0.0.1:8000

# The servers the test suite uses; override any of them from the environment.
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/patchwatch
REDIS_URL ?= redis://127.0.0.1:6379/14
CELERY_BROKER_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
# The suite is spread over the machine's cores (at most four workers: each has its own
# PostgreSQL and Redis databases); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

# `make run` needs no server at all: a SQLite file, a local-memory cache and tasks run
# in-process, whatever the caller's environment says.
RUN_ENV := env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL \
	DJANGO_DEBUG=1 GEOCODER=gazetteer
TEST_ENV := env DATABASE_URL='$(DATABASE_URL)' REDIS_URL='$(REDIS_URL)' \
	CELERY_BROKER_URL='$(CELERY_BROKER_URL)'

# The API's types are generated from frontend/openapi.yaml (`make schema`) by the build itself,
# so the generated file is no source of its own.
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f -not -path frontend/src/api/schema.d.ts 2>/dev/null) \
	$(wildcard frontend/index.html frontend/openapi.yaml frontend/vite.config.* frontend/tsconfig*.json)

.PHONY: help run demo-code test lint typecheck fmt schema frontend clean system-packages test-services bench-tools

help: ## List the commands.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

run: $(VENV)/.installed-base frontend ## Serve a demo on http://127.0.0.1:8000 (SQLite, demo data, no servers needed).
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(RUN_ADDR)

demo-code: $(VENV)/.installed-base ## Print the two-factor code the demo's liaisons and staff sign in with now.
	@$(RUN_ENV) $(BIN)/python manage.py shell -v 0 -c "from django_otp.oath import totp; \
		from schemes.demo import DEMO_AUTHENTICATOR_KEY as key; \
		print(f'{totp(key):06d}')"

test: $(VENV)/.installed-dev frontend system-packages test-services ## Run the test suite on PostgreSQL and Redis (PYTEST_ARGS="..." passes arguments).
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev typecheck ## Check the Python code with ruff (lint and formatting), the import layers and the types.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-dev ## Check the backend's types with mypy (files and settings: pyproject.toml).
	$(BIN)/mypy

fmt: $(VENV)/.installed-dev ## Format the Python code and sort imports with ruff.
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

schema: $(VENV)/.installed-base ## Write the API's OpenAPI schema to frontend/openapi.yaml, which the frontend's types come from.
	$(RUN_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file frontend/openapi.yaml

frontend: frontend/dist/index.html ## Build the frontend into frontend/dist (only when its sources changed).

bench-tools: $(VENV)/.installed-dev .venv-locust/.installed ## Install what bench/ needs beyond the test suite: wrk, PostGIS (for comparison) and locust.
	scripts/ensure-system-packages.sh wrk '/usr/share/postgresql/*/extension/postgis.control:postgresql-15-postgis-3'

clean: ## Remove the virtualenv, built frontend, collected static files and SQLite database.
	rm -rf $(VENV) .venv-locust frontend/dist staticfiles db.sqlite3

# Checked on every run, so these are phony; both scripts are quiet when all is well.
system-packages:
	scripts/ensure-system-packages.sh chromium docker-compose pdftoppm:poppler-utils msgfmt:gettext

test-services:
	$(TEST_ENV) scripts/ensure-test-services.sh

# --- Files ------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files record which requirements are installed, so a second run installs nothing.
$(VENV)/.installed-base: requirements/base.txt $(LOCK) | $(BIN)/python
	@echo "Installing requirements/base.txt into $(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(LOCK) -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt requirements/base.txt $(LOCK) | $(BIN)/python
	@echo "Installing requirements/dev.txt into $(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(LOCK) -r requirements/dev.txt
	touch $@ $(VENV)/.installed-base

# The load generator has its own virtualenv: locust (and the gevent it runs on) never share a
# process, nor a set of installed packages, with the app it measures.
.venv-locust/.installed: requirements/locust.txt
	$(PYTHON) -m venv .venv-locust
	.venv-locust/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/locust.txt
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build
	touch $@
