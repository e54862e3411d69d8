# Set-up, demo and tests. `make demo` and `make test` install whatever is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Load the private services' URLs (only those this project started) into each recipe.
LOAD_ENV := set -a; [ -f .services/env ] && . .services/env; set +a;

.PHONY: help install os-packages services stop-services lint format test test-fast demo dbt-parse clean

help:
	@echo "make demo   - install, start services, seed the AWS emulator, run the pipeline, serve"
	@echo "make test   - install, start services, run linters and every test"
	@echo "make install | services | stop-services | lint | format | clean"

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH"; exit 1; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -U pip setuptools wheel
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) os-packages dbt-parse

# OS packages the tests and the demo need: PostgreSQL, Redis and the chromium the browser
# tests drive (never a browser download). Installed only when missing.
os-packages:
	@missing=""; \
	ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing OS packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get install -y -q $$missing >/dev/null 2>&1 || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q $$missing >/dev/null; }; \
	fi

# dagster-dbt loads the dbt manifest when the Dagster definitions load.
dbt-parse: $(STAMP)
	@cd dbt && DATABASE_URL=$${DATABASE_URL:-postgresql://triage@127.0.0.1:5432/triage} \
	  ../$(BIN)/dbt parse --profiles-dir . --quiet

services: os-packages
	@scripts/services.sh start >/dev/null

stop-services:
	@scripts/services.sh stop

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt/models --disable-progress-bar

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install services lint
	@$(LOAD_ENV) $(BIN)/pytest $(PYTEST_ARGS)

test-fast: install services
	@$(LOAD_ENV) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

demo: install services
	@$(LOAD_ENV) scripts/demo.sh

clean: stop-services
	rm -rf .services .demo dbt/target dbt/logs
