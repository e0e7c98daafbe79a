#!/usr/bin/env bash
# Every test tier, in both environments. Called by `make test` (and so by .ci/run).
set -uo pipefail
cd "$(dirname "$0")/.."

export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH="$PWD"
RASA_PY=.venv/rasa/bin/python
# Rasa's command line with the project's patches (bot/__main__.py), never the bare `rasa`.
RASA="$RASA_PY -m bot"
APP_PY=.venv/app/bin/python
mkdir -p test-artifacts
failures=()

step() { echo; echo "=== $* === (${SECONDS}s since start)"; }
run() {  # run NAME CMD...: record a failure, keep going so one run reports everything
  local name=$1; shift
  step "$name"
  "$@"
  local code=$?
  # pytest's 5 means "no tests collected": a tier without tests is a failure too.
  [ $code -eq 0 ] || failures+=("$name (exit $code)")
}

bash scripts/ensure_system.sh || failures+=("system prerequisites")
[ -x scripts/build_web.sh ] && { bash scripts/build_web.sh || failures+=("web build"); }

# Fast tiers: no model, no browser.
run "rasa env: unit tests" $RASA_PY -m pytest -q --durations=25 tests/bot -m "not model and not e2e and not browser"
run "app env: unit and service tests" $APP_PY -m pytest -q --durations=25 tests --ignore=tests/bot -m "not model and not e2e and not browser"

# Data checks and the trained model.
run "seed knowledge base" $APP_PY -m app.kb.seed
run "export training content" $APP_PY -m app.kb.export_training
run "rasa data validate" $RASA data validate --fail-on-warnings --quiet
run "train (only what changed)" bash scripts/model.sh
run "story tests" $RASA test core --stories tests/test_stories.yml --model models/thai-assistant.tar.gz --e2e --fail-on-prediction-errors --out test-artifacts/core --quiet

# Slow tiers: trained model, end to end, browser.
run "rasa env: model tests" $RASA_PY -m pytest -q --durations=25 tests/bot -m "model"
run "app env: model, e2e and browser tests" $APP_PY -m pytest -q --durations=25 tests --ignore=tests/bot -m "model or e2e or browser"

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "FAILED tiers (after ${SECONDS}s):"; printf '  - %s\n' "${failures[@]}"
  exit 1
fi
echo "All test tiers passed in ${SECONDS}s."
