#!/usr/bin/env bash
# Set up everything Cairn needs on a fresh machine: a virtual environment with the package and
# its test dependencies, and the web UI build (when npm is available). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.cairn-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi
if [ -f web/package.json ]; then
  if command -v npm >/dev/null 2>&1; then
    bash scripts/build_web.sh
  else
    echo "setup: npm not found; the web UI will not be built" >&2
  fi
fi
