#!/usr/bin/env bash
# Train a model if none matches the current data, config and domain, with
# Rasa's defaults (domain.yml, which links to the domain/ folder; data/;
# config.yml). Rasa compares fingerprints and keeps the old model when nothing
# changed. The project's one rule for models is Rasa's: the newest file in
# models/ is the model (rasa shell, rasa run, rasa test, tools/evaluate_nlu.py
# and the tests all take it); older ones are removed here.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false
mkdir -p results
start=$(date +%s)
echo "Training (or reusing) the model; log in results/train.log"
if ! rasa train > results/train.log 2>&1; then
  tail -n 40 results/train.log
  echo "Training failed; full log in results/train.log" >&2
  exit 1
fi
grep -E "Nothing changed|Your Rasa model is trained and saved" results/train.log || true
# Keep only the newest model (the one everything uses).
ls -t models/*.tar.gz 2>/dev/null | tail -n +2 | xargs -r rm -f
echo "Training step took $(( $(date +%s) - start )) s"
