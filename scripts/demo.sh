#!/usr/bin/env bash
# Set up everything, log a demo training run to the embedded store, then show it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python examples/demo_train.py
if [ -f cairn/server/static/index.html ] && [ -z "${CAIRN_DEMO_NO_UI:-}" ]; then
  echo "Opening the UI at http://127.0.0.1:8765 (Ctrl-C to stop)"
  .venv/bin/cairn ui --port 8765
fi
