# earlyhelp – the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EARLYHELP := $(VENV)/bin/earlyhelp
DEMO_FAMILIES ?= 2000
DEMO_SEED ?= 42
DEMO_CASE_RATE ?= 8
HOST ?= 127.0.0.1:8000

.PHONY: run test test-postgres bench install frontend oidc-provider migrate demo lint screenshots clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

var/frontend/govuk/govuk-frontend.min.css: package.json package-lock.json scripts/frontend-assets.sh
	./scripts/frontend-assets.sh

frontend: var/frontend/govuk/govuk-frontend.min.css

# The real OpenID Connect provider the single sign-on tests run (node-oidc-provider, test only).
tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error

oidc-provider: tests/oidc/node_modules/.package-lock.json

migrate: install
	mkdir -p var
	$(EARLYHELP) migrate --no-input -v 0

demo: migrate
	$(EARLYHELP) demo --families $(DEMO_FAMILIES) --seed $(DEMO_SEED) --case-rate $(DEMO_CASE_RATE) --if-empty

run: install frontend demo
	$(EARLYHELP) collectstatic --no-input -v 0
	$(EARLYHELP) demo --logins
	@echo "Starting the task worker and the web server on http://$(HOST)"
	@trap 'kill 0' EXIT; \
	  $(EARLYHELP) db_worker --queue-name '*' >var/worker.log 2>&1 & \
	  $(EARLYHELP) runserver $(HOST)

test: install frontend oidc-provider
	$(VENV)/bin/pytest

test-postgres: install frontend oidc-provider
	# Spark linkage does not touch the database: its parity test runs once, in `make test`.
	./scripts/with-postgres.sh $(VENV)/bin/pytest -m "not spark"

bench: install
	mkdir -p bench/results
	./scripts/bench.sh

screenshots: install frontend demo
	$(PY) scripts/screenshots.py

lint: install
	$(VENV)/bin/ruff check src bench tests scripts
	$(VENV)/bin/ruff format --check src bench tests scripts

clean:
	rm -rf var/test.sqlite3* var/static
