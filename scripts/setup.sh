#!/usr/bin/env bash
# Set up the project on this machine: Python 3.10 venv, pinned packages, the
# Danish spaCy model, and (with --dev) test tools, Chromium and the local
# PostgreSQL/Redis servers. Safe to run again: it only does what is missing.
#
#   scripts/setup.sh          what `make run` needs
#   scripts/setup.sh --prod   plus nginx (`make run-prod`)
#   scripts/setup.sh --dev    plus what `make test` needs (nginx too)
#
# Environment:
#   BORGER_PYTHON       a Python 3.10 interpreter to use (default: found by itself)
#   BORGER_WHEELHOUSE   folder with the da_core_news_sm wheel (default ../shared/models)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEV=0
PROD=0
[ "${1:-}" = "--dev" ] && DEV=1 && PROD=1
[ "${1:-}" = "--prod" ] && PROD=1
VENV="$ROOT/.venv"
SPACY_MODEL_URL="https://github.com/explosion/spacy-models/releases/download/da_core_news_sm-3.4.0/da_core_news_sm-3.4.0-py3-none-any.whl"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'FEJL: %s\n' "$*" >&2; exit 1; }

is_py310() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidates=()
  [ -n "${BORGER_PYTHON:-}" ] && candidates+=("$BORGER_PYTHON")
  command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
  if command -v pyenv >/dev/null 2>&1; then
    local root; root="$(pyenv root)"
    for p in "$root"/versions/3.10*/bin/python3.10; do candidates+=("$p"); done
  fi
  for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    candidates+=("$p")
  done
  for p in "${candidates[@]}"; do
    if [ -x "$p" ] && is_py310 "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

# 1. Virtual environment with Python 3.10 (Rasa 3.6 needs < 3.11)
if ! is_py310 "$VENV/bin/python"; then
  PY="$(find_python)" || die "Python 3.10 blev ikke fundet. Installer Python 3.10 (fx 'pyenv install 3.10.13') eller sæt BORGER_PYTHON til stien."
  say "Opretter virtuelt miljø med $PY"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)

# 2. Pinned packages (constraints.txt holds every version); skipped when unchanged
REQS=(requirements.txt)
[ $DEV = 1 ] && REQS+=(requirements-dev.txt)
STAMP="$VENV/.installed-$(cat constraints.txt "${REQS[@]}" pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  say "Installerer pakker (første gang tager det nogle minutter) ..."
  "${PIP[@]}" install -q "pip==24.0"
  args=()
  for r in "${REQS[@]}"; do args+=(-r "$r"); done
  "${PIP[@]}" install -q -c constraints.txt "${args[@]}"
  "${PIP[@]}" install -q --no-deps -e .
  touch "$STAMP"
fi

# 3. The Danish spaCy model: the wheelhouse first, then the official release
if ! "$VENV/bin/python" -c 'import da_core_news_sm' >/dev/null 2>&1; then
  WHEELHOUSE="${BORGER_WHEELHOUSE:-$ROOT/../shared/models}"
  say "Installerer den danske spaCy-model da_core_news_sm 3.4.0"
  if [ -d "$WHEELHOUSE" ] && "${PIP[@]}" install -q --no-deps --find-links "$WHEELHOUSE" "da_core_news_sm==3.4.0"; then
    echo "    fra $WHEELHOUSE"
  elif "${PIP[@]}" install -q --no-deps "$SPACY_MODEL_URL"; then
    echo "    fra den officielle udgivelse"
  else
    die "Kunne ikke installere da_core_news_sm. Sæt BORGER_WHEELHOUSE til en mappe med hjulet, eller giv adgang til $SPACY_MODEL_URL"
  fi
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# 4. Production mode's load balancer: nginx from Debian's packages. It runs as this user
#    with a config generated into var/nginx/ (bot/app/prod.py), not as the system service.
if [ $PROD = 1 ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  say "Installerer nginx (load balancer i produktionstilstand)"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  # Debian starts the system service on port 80; production mode does not use it.
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi

# 5. The app tables (migrations/, `borger db upgrade`; BORGER_DATABASE_URL, default
#    var/app.db). In --dev the tests make their own databases; skip.
if [ $DEV = 0 ]; then
  "$VENV/bin/python" -m bot.app.cli db upgrade || die "Databasen kunne ikke opdateres (borger db upgrade)."
fi

[ $DEV = 1 ] || exit 0

# 6. For tests: Chromium for browser tests, and the local PostgreSQL and Redis
if [ ! -x /usr/bin/chromium ]; then
  say "Installerer Chromium til browsertests"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  say "Starter PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "Starter Redis"
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi
exit 0
