#!/usr/bin/env bash
# `npm test`: services → build → lint → every test suite, in order; what CI (.ci/run) runs.
# Each suite has a mocha config `.mocharc.<suite>.json` (its own spec, nothing inherited) and an
# npm script `test:<suite>` for running it alone. A new suite is one more line in SUITES.
# All suites run even when one fails, so one run shows every failure; the exit code is non-zero then.
set -euo pipefail
cd "$(dirname "$0")/.."

SUITES=(
  unit
  integration
)

[[ -d node_modules ]] || npm ci --no-audit --no-fund

has_script() { node -e 'process.exit(require("./package.json").scripts?.[process.argv[1]] ? 0 : 1)' "$1"; }

declare -a SUMMARY=()
FAILED=0
step() {
  local name=$1; shift
  local start=$SECONDS rc=0
  printf '\n[test] ── %s ──\n' "$name"
  "$@" || rc=$?
  local took=$((SECONDS - start))
  if [[ $rc -eq 0 ]]; then SUMMARY+=("ok     $(printf '%4ss' "$took")  $name"); else SUMMARY+=("FAILED $(printf '%4ss' "$took")  $name (exit $rc)"); FAILED=1; fi
  return $rc
}

step services bash scripts/services.sh
step build npm run -s build
if has_script lint; then
  step lint npm run -s lint || true
else
  # Enabled by adding a `lint` script to package.json (ESLint + Prettier + dependency rules).
  SUMMARY+=("skip          lint (no \`lint\` script in package.json)")
fi
for suite in "${SUITES[@]}"; do
  step "$suite tests" npx mocha --config ".mocharc.$suite.json" || true
done

printf '\n[test] summary (total %ss):\n' "$SECONDS"
printf '  %s\n' "${SUMMARY[@]}"
exit "$FAILED"
