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

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "ruff"
"$PY" -m ruff check .

step "mypy (bot/, actions/)"
"$PY" -m mypy bot actions

step "rasa data validate"
"$PY" -m rasa data validate --config config.yml --domain domain \
  --data data/nlu data/stories data/rules

step "train (Rasa skips training when nothing changed)"
"$PY" -m bot.cli train

step "pytest"
"$PY" -m pytest -q -p no:cacheprovider "$@"

step "Rasa end-to-end test stories"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
WORK="$(mktemp -d)"
ACTION_PID=""
cleanup() { [ -n "$ACTION_PID" ] && kill "$ACTION_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export BORGER_VAR_DIR="$WORK/var" BORGER_ACTION_PORT="$PORT"
printf 'action_endpoint:\n  url: "http://127.0.0.1:%s/webhook"\n' "$PORT" > "$WORK/endpoints.yml"
SANIC_HOST=127.0.0.1 "$PY" -m rasa_sdk --actions actions --port "$PORT" > "$WORK/actions.log" 2>&1 &
ACTION_PID=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 1
done
"$PY" -m rasa test core --model models --stories tests/stories \
  --endpoints "$WORK/endpoints.yml" --fail-on-prediction-errors --out "$WORK/results" \
  || { echo "--- action server log"; tail -50 "$WORK/actions.log"; cat "$WORK/results/failed_test_stories.yml" 2>/dev/null; exit 1; }
echo "Rasa end-to-end stories: all passed"
