#!/usr/bin/env bash
# Everything `make test` checks, in order; stops at the first failure.
#   ruff -> mypy -> rasa data validate -> train (skipped if unchanged)
#   -> pytest (unit, integration on SQLite + PostgreSQL, browser, running stack)
#   -> Rasa end-to-end test stories with --fail-on-prediction-errors
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
export PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2
# Rasa sends no telemetry or error reports to its servers (what citizens write stays here).
export RASA_TELEMETRY_ENABLED=false

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "ruff"
"$PY" -m ruff check .

step "mypy (bot/, actions/)"
"$PY" -m mypy bot actions

step "rasa data validate (Rasa's defaults: config.yml, domain.yml, data/)"
"$PY" -m rasa data validate

step "train (Rasa skips training when nothing changed)"
"$PY" -m bot.app.cli train

step "pytest"
"$PY" -m pytest -q -p no:cacheprovider "$@"

step "Rasa end-to-end test stories (NLU + dialogue predictions)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
"$PY" -m rasa test core --model models --stories tests/stories --fail-on-prediction-errors \
  --out "$OUT" --no-plot \
  || { cat "$OUT/failed_test_stories.yml" 2>/dev/null; exit 1; }
echo "Rasa end-to-end stories: all passed"
