"""Deliver referrals from the outbox: a signed POST, retried with backoff.

The receiver's contract (give it to the partner who runs the endpoint):

* `POST REFERRAL_URL` with a JSON body (see `actions.referral.referral_body`).
* `Idempotency-Key`: the same for every attempt of one referral (a UUID:
  letters, digits and dashes). Keep the keys you have accepted and answer 2xx
  to a repeat without acting on it again: that makes delivery exactly once
  from your side.
* `X-Referral-Timestamp`: Unix seconds. `X-Referral-Signature`:
  `sha256=` + hex HMAC-SHA256 of `"<timestamp>.<idempotency key>." + body`
  with the shared secret, so that neither the body nor the key can be changed
  or swapped. Refuse a timestamp more than 5 minutes off. `verify_signature`
  below is the reference check.
* 2xx means "stored". 408, 425, 429 and 5xx (and no answer) are tried again
  later; any other answer parks the referral for a person to check.

Run the worker beside the action server: `python -m actions.delivery`. It also
deletes the contents of referrals parked longer than REFERRAL_PARKED_DAYS.
Nothing the person wrote is ever logged.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import logging
import random
import re
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from actions.config import ReferralSettings, referral_settings
from actions.outbox import Item, Outbox

logger = logging.getLogger(__name__)

RETRY_STATUSES = {408, 425, 429}
BACKOFF_BASE = 2.0
BACKOFF_CAP = 600.0
SIGNATURE_TOLERANCE = 300
PURGE_EVERY = 3600.0  # seconds between the worker's purges of old parked referrals
# No "." in a key, so that "<timestamp>.<key>.<body>" can be read only one way.
KEY_FORMAT = re.compile(r"[A-Za-z0-9-]{1,100}")


def sign(secret: str, timestamp: int, key: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 of "<timestamp>.<idempotency key>." + body."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{key}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(
    secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None
) -> bool:
    """The receiver's check of a referral's headers and body.

    It wants a well-formed idempotency key, a timestamp within SIGNATURE_TOLERANCE
    seconds of now, and a signature over both and the body (compared in constant
    time).
    """
    key = str(headers.get("Idempotency-Key") or "")
    if not KEY_FORMAT.fullmatch(key):
        return False
    try:
        timestamp = int(headers.get("X-Referral-Timestamp", ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > SIGNATURE_TOLERANCE:
        return False
    expected = sign(secret, timestamp, key, body).encode()
    given = str(headers.get("X-Referral-Signature", "")).encode("utf-8", "replace")
    return hmac.compare_digest(expected, given)


def backoff(attempt: int) -> float:
    """Seconds to wait after `attempt` failed attempts.

    The wait doubles from 2 s up to 10 min, with jitter (half to all of it) so
    that many waiting referrals do not retry at once.
    """
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempt - 1))
    return delay * random.uniform(0.5, 1.0)


def lease_seconds(settings: ReferralSettings) -> float:
    """How long a claimed referral stays ours: two attempts' timeouts and 5 s."""
    return 2 * settings.timeout + 5


@dataclass(frozen=True)
class Outcome:
    """How one attempt went: delivered, or whether to retry, and the error (no details)."""

    delivered: bool
    retry: bool
    error: str | None = None


def post(settings: ReferralSettings, item: Item, now: float | None = None) -> Outcome:
    """One signed POST of one referral."""
    timestamp = int(time.time() if now is None else now)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": item.key,
        "X-Referral-Timestamp": str(timestamp),
        "X-Referral-Signature": sign(settings.secret or "", timestamp, item.key, item.body),
        "User-Agent": "nz-trafficking-help-referral/1",
    }
    try:
        response = requests.post(
            settings.url or "",  # as the secret above: only enabled settings come here
            data=item.body,
            headers=headers,
            timeout=settings.timeout,
            allow_redirects=False,
        )
    except requests.Timeout:
        return Outcome(False, True, "timeout")
    except requests.RequestException as error:
        return Outcome(False, True, type(error).__name__)
    if 200 <= response.status_code < 300:
        return Outcome(True, False)
    retry = response.status_code in RETRY_STATUSES or response.status_code >= 500
    return Outcome(False, retry, f"HTTP {response.status_code}")


def deliver_one(
    outbox: Outbox, settings: ReferralSettings, key: str | None = None
) -> Outcome | None:
    """Claim and send one due referral (this one, or the oldest due). None if none is due."""
    if not settings.enabled:
        return None
    # Long enough for one attempt; if this sender dies, another may try after it.
    item = outbox.claim(key, lease=lease_seconds(settings))
    if item is None:
        return None
    outcome = post(settings, item)
    short = item.key[:8]
    if outcome.delivered:
        outbox.delivered(item.key)
        logger.info("Referral %s delivered (attempt %d).", short, item.attempts + 1)
    elif outcome.retry and item.attempts + 1 < settings.max_attempts:
        delay = backoff(item.attempts + 1)
        outbox.failed(item.key, outcome.error or "", time.time() + delay)
        logger.warning(
            "Referral %s not delivered (%s); trying again in %.0f s.", short, outcome.error, delay
        )
    else:
        outbox.failed(item.key, outcome.error or "", None)
        logger.error(
            "Referral %s parked after %d attempts (%s): check the receiver, then run "
            "python -m actions.delivery --requeue-parked",
            short,
            item.attempts + 1,
            outcome.error,
        )
    return outcome


def deliver_due(outbox: Outbox, settings: ReferralSettings) -> int:
    """Send every referral that is due now; return how many were delivered."""
    delivered = 0
    while True:
        outcome = deliver_one(outbox, settings)
        if outcome is None:
            return delivered
        delivered += outcome.delivered


def purge_parked(outbox: Outbox, settings: ReferralSettings) -> int:
    """Delete the contents of referrals parked longer than REFERRAL_PARKED_DAYS."""
    purged = outbox.purge_parked(settings.parked_days * 86400)
    if purged:
        logger.info(
            "Deleted the contents of %d referrals parked for more than %g days.",
            purged,
            settings.parked_days,
        )
    return purged


def run_worker(
    outbox: Outbox, settings: ReferralSettings, stop: threading.Event, poll: float = 2.0
) -> None:
    """Deliver due referrals until `stop` is set; purge old parked ones every hour."""
    logger.info("Referral delivery worker started.")
    last_purge = None
    while not stop.is_set():
        try:
            if last_purge is None or time.monotonic() - last_purge >= PURGE_EVERY:
                last_purge = time.monotonic()
                purge_parked(outbox, settings)
            deliver_due(outbox, settings)
        except Exception as error:  # keep the worker alive; the outbox keeps the referral
            logger.error("Referral delivery round failed: %s.", type(error).__name__)
            logger.debug("Referral delivery round failed.", exc_info=True)
        stop.wait(poll)


def main(argv=None) -> int:
    """Command line: run the delivery worker (or one round, or requeue parked referrals)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--once", action="store_true", help="deliver what is due, then stop")
    parser.add_argument("--requeue-parked", action="store_true", help="try parked referrals again")
    parser.add_argument("--poll", type=float, default=2.0, help="seconds between rounds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    settings = referral_settings()
    if not settings.enabled:
        logger.info(
            "Referral is off (REFERRAL_URL and REFERRAL_SECRET not set): nothing to deliver."
        )
        return 0
    outbox = Outbox(settings.outbox)
    if args.requeue_parked:
        logger.info("%d parked referrals queued again.", outbox.requeue_parked())
        return 0
    if args.once:
        purge_parked(outbox, settings)
        deliver_due(outbox, settings)
        return 0
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run_worker(outbox, settings, stop, args.poll)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
