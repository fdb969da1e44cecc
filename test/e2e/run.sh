#!/usr/bin/env bash
# `npm run test:e2e`: installs what the e2e tests need (cached outside the project), builds and packages the
# extension, then runs (1) the Mocha suite inside a real VS Code extension host and (2) the user scenario on
# code-server with the .vsix installed. Runs both, prints `N passed, N failed`, exits non-zero if either failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mkdir -p test-results

declare -A seconds
timed() {
  local name=$1; shift
  local t0=$SECONDS
  echo "== e2e: $name"
  "$@"
  seconds[$name]=$((SECONDS - t0))
}

timed setup bash test/e2e/setup.sh
# The production bundles (what ships) are what both runs test: `npm run package` builds them and the .vsix.
timed package npm run --silent package
timed build-suite node test/e2e/build-suite.mjs

status=0
t0=$SECONDS
node test/e2e/run-extension-tests.mjs || status=1
seconds[extension-host]=$((SECONDS - t0))
t0=$SECONDS
node test/e2e/playwright/user-sees-fix.mjs dist/schema-review.vsix || status=1
seconds[user-scenario]=$((SECONDS - t0))

count() { grep -Eo "[0-9]+ $2" "$1" 2>/dev/null | head -1 | grep -Eo '^[0-9]+' || echo 0; }
passed=$(( $(count test-results/extension-tests-summary.txt passed) + $(count test-results/user-scenario-summary.txt passed) ))
failed=$(( $(count test-results/extension-tests-summary.txt failed) + $(count test-results/user-scenario-summary.txt failed) ))
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "== e2e timings (s): setup ${seconds[setup]}, package ${seconds[package]}, suite build ${seconds[build-suite]}, extension host ${seconds[extension-host]}, user scenario ${seconds[user-scenario]}"
echo "e2e: $passed passed, $failed failed (screenshots in test-results/)"
exit $status
