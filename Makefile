# Borgerrådgiver-assistenten. `make help` lists the targets.
.DEFAULT_GOAL := help
PY := .venv/bin/python

.PHONY: help setup run test lint typecheck train bench clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS=":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Create .venv and install everything `make run` needs
	@scripts/setup.sh

run: setup ## Set up, train if needed and run bot, actions, web page and worker (Ctrl-C stops)
	@$(PY) -m bot.app.cli run

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
