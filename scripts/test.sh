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
  faults
)

[[ -d node_modules ]] || npm ci --no-audit --no-fund

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
step lint npm run -s lint || true

# Mocha's own closing lines of every suite, added up into one plain closing line at the end.
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
run_suite() { npx mocha --config ".mocharc.$1.json" 2>&1 | tee "$LOGS/$1.log"; }
for suite in "${SUITES[@]}"; do
  step "$suite tests" run_suite "$suite" || true
done

count() { cat "$LOGS"/*.log 2>/dev/null | awk -v what="$1" '$1 ~ /^[0-9]+$/ && $2 == what && NF <= 3 { n += $1 } END { print n + 0 }'; }
printf '\n[test] summary (total %ss):\n' "$SECONDS"
printf '  %s\n' "${SUMMARY[@]}"
# A suite that crashed before its closing line counts as one failure.
failed=$(count failing)
[[ $FAILED -ne 0 && $failed -eq 0 ]] && failed=1
printf '%s passed, %s failed, %s skipped\n' "$(count passing)" "$failed" "$(count pending)"
exit "$FAILED"
