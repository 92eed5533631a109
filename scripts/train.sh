#!/usr/bin/env bash
# Train a model if none matches the current data, config and domain.
# Rasa compares fingerprints and keeps the old model when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false
mkdir -p results
start=$(date +%s)
echo "Training (or reusing) the model; log in results/train.log"
if ! rasa train --domain domain --data data --config config.yml \
    --fixed-model-name nz-trafficking-help > results/train.log 2>&1; then
  tail -n 40 results/train.log
  echo "Training failed; full log in results/train.log" >&2
  exit 1
fi
grep -E "Nothing changed|Your Rasa model is trained and saved" results/train.log || true
echo "Training step took $(( $(date +%s) - start )) s"
