# Borgerrådgiver-assistenten. `make help` lists the targets.
.DEFAULT_GOAL := help
PY := .venv/bin/python

.PHONY: help setup run run-prod test lint typecheck train bench clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS=":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Create .venv and install everything `make run` needs
	@scripts/setup.sh

run: setup ## Set up, train if needed and run bot, actions, web page and worker (Ctrl-C stops)
	@$(PY) -m bot.app.cli run

# Production mode on this machine (docs/deployment.md). Defaults: the local PostgreSQL
# (database "borger", created when missing) and Redis; BORGER_RASA_REPLICAS=2 for two.
PROD_DB ?= postgresql://postgres@127.0.0.1:5432/borger
PROD_REDIS ?= redis://127.0.0.1:6379/0
run-prod: ## Production mode: N Rasa replicas (BORGER_RASA_REPLICAS) behind nginx, PostgreSQL, Redis
	@export BORGER_DATABASE_URL="$${BORGER_DATABASE_URL:-$(PROD_DB)}" \
	  BORGER_TRACKER_STORE_URL="$${BORGER_TRACKER_STORE_URL:-$(PROD_DB)}" \
	  BORGER_LOCK_STORE_URL="$${BORGER_LOCK_STORE_URL:-$(PROD_REDIS)}"; \
	 scripts/setup.sh --prod && $(PY) -m bot.app.cli run --prod

test: ## Set up and run every check: ruff, mypy, rasa validate, pytest, Rasa e2e stories
	@scripts/setup.sh --dev
	@scripts/test.sh

lint: ## ruff and mypy only
	@$(PY) -m ruff check . && $(PY) -m mypy bot actions

train: setup ## Train the model (skipped when nothing changed)
	@$(PY) -m bot.app.cli train

bench: ## Run the benchmarks in bench/ (needs a trained model)
	@for b in bench/*_bench.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## Remove the venv, models and local data (var/)
	rm -rf .venv models var .mypy_cache .ruff_cache
