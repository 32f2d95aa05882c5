#!/usr/bin/env bash
# Set up everything, then run every test: lint, the Python suite (SQLite and PostgreSQL, an S3
# server process, headless Chromium). Fails if pytest collects no tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure_services.sh
.venv/bin/ruff check cairn tests benchmarks
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then
  echo "test.sh: pytest collected no tests - failing" >&2
  exit 1
fi
exit $rc
