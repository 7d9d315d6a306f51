# earlyhelp – the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EARLYHELP := $(VENV)/bin/earlyhelp
DEMO_FAMILIES ?= 2000
DEMO_SEED ?= 42
DEMO_CASE_RATE ?= 1
HOST ?= 127.0.0.1:8000

STEP := ./scripts/step.sh
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: run announce serve test test-postgres test-both api-fuzz bench loadtest install install-dev frontend oidc-provider migrate demo lint screenshots clean

# Each setup step prints one line with its time; its output goes to var/log/setup.log.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(STEP) "Python virtual environment (.venv)" $(PYTHON) -m venv $(VENV)
	@$(STEP) "Python packages (requirements.lock)" $(PIP) install -r requirements.lock
	@$(STEP) "earlyhelp itself" $(PIP) install --no-deps -e .
	@touch $@

# Tests and tools on top: pytest, Playwright, schemathesis, ruff, pyspark (requirements-dev.lock).
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	@$(STEP) "Test packages (requirements-dev.lock)" $(PIP) install -r requirements.lock -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

var/frontend/govuk/govuk-frontend.min.css: package.json package-lock.json scripts/frontend-assets.sh
	@$(STEP) "GOV.UK Frontend and htmx (npm)" ./scripts/frontend-assets.sh

frontend: var/frontend/govuk/govuk-frontend.min.css

# The real OpenID Connect provider the single sign-on tests run (node-oidc-provider, test only).
tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error

oidc-provider: tests/oidc/node_modules/.package-lock.json

migrate: install
	@$(STEP) "Database migrations" $(EARLYHELP) migrate --no-input

demo: migrate
	@$(STEP) "Demo borough ($(DEMO_FAMILIES) families, when empty)" $(EARLYHELP) demo --families $(DEMO_FAMILIES) --seed $(DEMO_SEED) --case-rate $(DEMO_CASE_RATE) --if-empty

# The demo: development server, task worker and scheduler on http://$(HOST) (HOST=0.0.0.0:8080 to
# change it). The logins and the address are printed last.
run: announce install frontend demo
	@$(STEP) "Static files (collectstatic)" $(EARLYHELP) collectstatic --no-input
	@$(EARLYHELP) serve --dev --bind $(HOST)

announce:
	@echo "Setting up earlyhelp (each step's output: var/log/setup.log)"

# Production: gunicorn, task worker and scheduler under production settings. Needs
# EARLYHELP_SECRET_KEY, EARLYHELP_ALLOWED_HOSTS and DATABASE_URL (docs/operations.md).
serve: install frontend
	@DJANGO_SETTINGS_MODULE=earlyhelp.settings.production $(STEP) "Static files (collectstatic, production)" $(EARLYHELP) collectstatic --no-input
	@DJANGO_SETTINGS_MODULE=earlyhelp.settings.production $(STEP) "Database migrations" $(EARLYHELP) migrate --no-input
	@DJANGO_SETTINGS_MODULE=earlyhelp.settings.production $(EARLYHELP) serve --bind $(HOST)

test: install-dev frontend oidc-provider
	$(VENV)/bin/pytest

test-postgres: install-dev frontend oidc-provider
	# Spark linkage does not touch the database, and the outage and backup tests start their own
	# PostgreSQL: they run once, in `make test`. So do the browser tests: what they add over the
	# page tests is the browser (scripts, focus, axe), which the database does not change, and
	# twice over they cost CI minutes it does not have (45 on two cores).
	./scripts/with-postgres.sh $(VENV)/bin/pytest -m "not spark and not own_postgres and not browser"

# Both of the above at once, each with its own log (var/log/test-*.log) and files: what CI runs.
test-both:
	./scripts/test-both.sh

# schemathesis as each role against gunicorn on a throwaway PostgreSQL, production settings
# (docs/security.md). EXAMPLES=n and ROLES="worker manager" narrow a run.
api-fuzz: install-dev frontend
	./scripts/api-fuzz.sh

bench: install-dev
	mkdir -p bench/results
	./scripts/bench.sh

# 50 people in a council's mix of roles on gunicorn + PostgreSQL (the benchmark borough), against
# a bare view; writes bench/results/load.json, exits 1 on a missed target. See docs/capacity.md.
loadtest: install-dev frontend
	mkdir -p bench/results var/bench
	$(PY) bench/loadtest.py

screenshots: install-dev frontend demo
	$(PY) scripts/screenshots.py

lint: install-dev
	$(VENV)/bin/ruff check src bench tests scripts
	$(VENV)/bin/ruff format --check src bench tests scripts

clean:
	rm -rf var/test.sqlite3* var/static
