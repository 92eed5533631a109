#!/usr/bin/env bash
# Set up and run every test: data validation, pytest, training, the held-out
# NLU evaluation (fails below MIN_F1), the end-to-end conversation tests and
# the model tests (safety invariants against the trained model and actions)
# and the channel tests: the web chat in headless Chromium (screenshots in
# artifacts/screenshots/) and the messaging channels' webhooks, both against
# the running Rasa server and action server.
# The quality target is macro-F1 >= 0.95 (not reached yet, see README); the
# gate at 0.94 catches a real drop.
# Exits non-zero if any stage fails.
set -uo pipefail
cd "$(dirname "$0")/.."

MIN_F1="${MIN_F1:-0.94}"
# The second held-out set (tests/nlu/test_nlu_fresh.yml) measured 0.942 when it was
# written; its gate leaves a little room for noise on its 234 messages.
MIN_F1_FRESH="${MIN_F1_FRESH:-0.93}"
scripts/setup.sh dev || exit 1
scripts/setup.sh browser || exit 1
export PATH="$PWD/.venv/bin:$PATH"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false
mkdir -p results

passed=0
failed=0
stage() {
  local name="$1"; shift
  echo "=== $name"
  local start=$(date +%s)
  if "$@"; then
    passed=$((passed + 1)); echo "--- $name passed ($(( $(date +%s) - start )) s)"
  else
    failed=$((failed + 1)); echo "--- $name FAILED ($(( $(date +%s) - start )) s)"
    echo "stages: $passed passed, $failed failed"
    exit 1
  fi
}

validate() {
  rasa data validate --fail-on-warnings --domain domain --data data --config config.yml \
    > results/validate.log 2>&1
  local rc=$?
  # Rasa prints warnings without failing on some of them: treat any as a
  # failure, except a form's own questions (see bot/check_validation.py).
  if [ $rc -ne 0 ] || ! python -m bot.check_validation results/validate.log; then
    grep -A3 -E "UserWarning|ERROR" results/validate.log; return 1
  fi
}

story_tests() {
  rasa test core --model models/nz-trafficking-help.tar.gz \
    --stories tests/test_stories.yml --fail-on-prediction-errors \
    --out results/stories > results/stories.log 2>&1
  local rc=$?
  grep -E "Correct:|Finished evaluation|failed" results/stories.log | tail -n 5
  if [ $rc -ne 0 ]; then
    tail -n 30 results/stories.log
    [ -f results/stories/failed_test_stories.yml ] && cat results/stories/failed_test_stories.yml
  fi
  return $rc
}

stage "lint (ruff check, ruff format --check)" \
  bash -c 'ruff check bot actions tests && ruff format --check --quiet bot actions tests'
stage "data validation" validate
stage "pytest" python -m pytest -q --ignore=tests/model --ignore=tests/browser \
  --ignore=tests/channels
stage "training" scripts/train.sh
stage "held-out NLU evaluation (macro-F1 >= $MIN_F1)" \
  python -m bot.evaluate_nlu --min-f1 "$MIN_F1"
stage "second held-out NLU evaluation (macro-F1 >= $MIN_F1_FRESH)" \
  python -m bot.evaluate_nlu --data tests/nlu/test_nlu_fresh.yml --min-f1 "$MIN_F1_FRESH" \
  --out results/nlu_eval_fresh.json
stage "conversation tests" story_tests
stage "model tests (safety invariants, hand-offs)" python -m pytest -q tests/model
stage "channel tests (web chat in headless Chromium, messaging webhooks)" \
  python -m pytest -q tests/browser tests/channels
echo "stages: $passed passed, $failed failed"
