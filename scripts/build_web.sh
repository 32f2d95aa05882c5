#!/usr/bin/env bash
# Build the web UI into cairn/server/static (skipped when the build is newer than the sources).
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ ! -d node_modules ] || [ package.json -nt node_modules ] || [ package-lock.json -nt node_modules ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  touch node_modules
fi
out=../cairn/server/static
if [ ! -f "$out/index.html" ] || [ -n "$(find src ./*.html package.json package-lock.json tsconfig*.json vite.config.* -newer "$out/index.html" 2>/dev/null | head -1)" ]; then
  npm run build --silent
fi
