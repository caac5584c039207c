#!/usr/bin/env bash
# `npm test`: the whole suite (unit + integration against real Redis and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm install --no-audit --no-fund
bash scripts/services.sh
npm run -s build
exec npx mocha "$@"
