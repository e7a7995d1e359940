# The two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
# Test processes: both cores by default (pytest-xdist).
TEST_WORKERS ?= 2
# The tests use their own Redis database, so they never touch a running `make run`'s keys.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help run test lint bench frontend constraints system-packages services clean

help:
	@echo "make run     set everything up, load demo data and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test    install what the tests need and run the whole suite"
	@echo "make lint    ruff"
	@echo "make bench   run the benchmarks under bench/"

# --- Set-up -------------------------------------------------------------------------------
$(BIN)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt ".[dev]"
	@touch $@

.env:
	cp .env.example .env

# axe-core for the accessibility checks in the browser tests (the service itself needs no npm).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

system-packages:
	@scripts/install-system-packages.sh

services: $(BIN)/.installed .env
	@$(MANAGE) preflight

# --- The two commands ---------------------------------------------------------------------
run: services
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input --verbosity 0
	@$(MANAGE) load_demo_users --url http://127.0.0.1:$(PORT)/
	@# The demo Virtual School (made-up children); does nothing once there are children.
	@$(MANAGE) seed_demo
	@# Demo attendance, suspensions and alerts; does nothing once there are marks.
	@$(MANAGE) seed_demo_attendance
	@# This term's PEPs for the children in care (what the 06:30 job does every day).
	@$(MANAGE) schedule_peps
	@echo "Starting the web server, a Celery worker and beat. Ctrl-C stops all three."
	PORT=$(PORT) $(BIN)/honcho start -f Procfile.dev

test: system-packages services node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) collectstatic --no-input --verbosity 0
	REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -n $(TEST_WORKERS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: services
	@shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "No benchmarks yet."; fi; \
	for file in "$${files[@]}"; do echo "== $$file"; $(BIN)/python "$$file"; done

# --- Maintenance --------------------------------------------------------------------------
frontend:
	scripts/build-frontend.sh

# Re-pin every transitive dependency after changing pyproject.toml.
constraints:
	rm -rf /tmp/vschool-constraints && $(PYTHON) -m venv /tmp/vschool-constraints
	/tmp/vschool-constraints/bin/pip install --quiet --upgrade pip
	/tmp/vschool-constraints/bin/pip install --quiet ".[dev]"
	/tmp/vschool-constraints/bin/pip freeze --all --exclude vschool --exclude setuptools > constraints.txt

clean:
	rm -rf $(VENV) node_modules var
