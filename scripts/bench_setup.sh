#!/usr/bin/env bash
# Create the peer-tracker venv used by benchmarks/ (never by tests or CI).
#
# Installs pinned wandb, mlflow and trackio into .bench/venv (gitignored) so
# that benchmarks/*.py can run each peer in a fresh interpreter, isolated from
# Cairn's own .venv.  Usage:  bash scripts/bench_setup.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CAIRN_BENCH_VENV:-$ROOT/.bench/venv}"
PYTHON="${PYTHON:-python3}"

WANDB_VERSION="0.31.0"
MLFLOW_VERSION="3.17.2"
TRACKIO_VERSION="0.43.0"

if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet \
    "wandb==$WANDB_VERSION" \
    "mlflow==$MLFLOW_VERSION" \
    "trackio==$TRACKIO_VERSION"

"$VENV/bin/python" - <<'PY'
import importlib.metadata as md
for name in ("wandb", "mlflow", "trackio"):
    print(f"{name} {md.version(name)}")
PY
echo "peer venv ready: $VENV"
