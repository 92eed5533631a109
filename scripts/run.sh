#!/usr/bin/env bash
# Set up, train if the data changed, and run the assistant:
# the action server (port 5055), the Rasa server with its REST channel (5005)
# and, when REFERRAL_URL and REFERRAL_SECRET are set, the referral delivery
# worker (actions/delivery.py). Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh runtime
export PATH="$PWD/.venv/bin:$PATH"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false
RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT=5055   # must match endpoints.yml

scripts/train.sh

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

rasa run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
rasa run --model models --endpoints endpoints.yml --credentials credentials.yml \
  --port "$RASA_PORT" &
pids+=($!)
if [ -n "${REFERRAL_URL:-}" ] && [ -n "${REFERRAL_SECRET:-}" ]; then
  python -m actions.delivery &
  pids+=($!)
  referral="on: referrals go to $REFERRAL_URL (outbox ${REFERRAL_OUTBOX:-var/referral-outbox.db})"
else
  referral="off (set REFERRAL_URL and REFERRAL_SECRET to turn it on; see README)"
fi

for _ in $(seq 1 120); do
  if curl -fs "http://localhost:$RASA_PORT/" >/dev/null 2>&1; then break; fi
  sleep 1
done

cat <<MSG

The assistant is running. Talk to it:
  * in this terminal's neighbour:  .venv/bin/python -m bot.chat --url http://localhost:$RASA_PORT
  * over HTTP (Rasa REST channel):
      curl -s -XPOST http://localhost:$RASA_PORT/webhooks/rest/webhook \\
        -H 'Content-Type: application/json' -d '{"sender":"demo","message":"kia ora"}'
Referral (warm hand-off) is $referral.
Press Ctrl-C to stop everything.
MSG
wait -n "${pids[@]}"
