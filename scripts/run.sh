#!/usr/bin/env bash
# Set up, train if the data changed, and run the assistant: the action server
# (port 5055), the Rasa server with the web chat channel (5005), the web chat
# demo page with its widget (8080) and, when REFERRAL_URL and REFERRAL_SECRET
# are set, the referral delivery worker (actions/delivery.py).
# One process per role; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

# Local settings (secrets for channels and referral) may live in .env, which git ignores.
if [ -f .env ]; then
  set -a; . ./.env; set +a
fi

scripts/setup.sh runtime
export PATH="$PWD/.venv/bin:$PATH"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false
RASA_PORT="${RASA_PORT:-5005}"
WEB_PORT="${WEB_PORT:-8080}"
ACTIONS_PORT=5055   # must match endpoints.yml
RASA_URL="${RASA_URL:-http://localhost:$RASA_PORT}"
# Pages allowed to talk to the Rasa server (CORS), separated by spaces.
WEB_ORIGINS="${WEB_ORIGINS:-http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"

# The action server answers only calls carrying this shared token, which the Rasa
# server sends (endpoints.yml: Authorization: Bearer ${ACTION_SERVER_TOKEN}). A new
# random one for each run, unless one is set (in .env, say, for separate machines).
if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
  ACTION_SERVER_TOKEN="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
elif [ "${#ACTION_SERVER_TOKEN}" -lt 16 ]; then
  echo "ACTION_SERVER_TOKEN must be at least 16 characters (or unset, for a random one)." >&2
  exit 1
fi
export ACTION_SERVER_TOKEN
# The action server listens on this machine only (127.0.0.1) unless ACTION_SERVER_HOST
# says otherwise (actions/config.py).

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
# shellcheck disable=SC2086  # one origin per word
rasa run --model models --endpoints endpoints.yml --credentials credentials.yml \
  --port "$RASA_PORT" --cors $WEB_ORIGINS &
pids+=($!)
python -m bot.web.server --port "$WEB_PORT" --rasa-url "$RASA_URL" &
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
  * in a browser, the web chat demo page:  http://localhost:$WEB_PORT/
  * in this terminal's neighbour:  .venv/bin/python -m tools.chat --url http://localhost:$RASA_PORT
  * over HTTP (the web chat channel):
      curl -s -XPOST http://localhost:$RASA_PORT/webhooks/webchat/webhook \\
        -H 'Content-Type: application/json' -d '{"sender":"demo-0123456789abcdef","message":"kia ora"}'
Referral (warm hand-off) is $referral.
Press Ctrl-C to stop everything.
MSG
wait -n "${pids[@]}"
