"""The consent-based referral: settings, signature, durable outbox and delivery.

Delivery is tested against a real local HTTP receiver (tests/support/referral_receiver.py)
that is up, down, slow, or failing, and against an action server killed between
writing the outbox and delivering.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from actions import delivery
from actions.config import ConfigError, ReferralSettings, referral_settings
from actions.delivery import deliver_due, deliver_one, sign, verify_signature
from actions.outbox import LimitReached, Limits, Outbox
from actions.referral import conversation_key, referral_body, usable_contact
from referral_receiver import SECRET, Receiver
from servers import ROOT, action_headers, start_action_server, stop


def settings_for(url: str, outbox: Path, **kw) -> ReferralSettings:
    values = dict(
        url=url, secret=SECRET, partner="Test Partner", outbox=outbox, timeout=2.0, max_attempts=5
    )
    values.update(kw)
    return ReferralSettings(**values)


# --- settings -----------------------------------------------------------------


def test_referral_is_off_without_url_and_secret(tmp_path):
    assert not referral_settings({}).enabled
    assert not referral_settings({"REFERRAL_URL": "https://example.org/r"}).enabled
    assert not referral_settings({"REFERRAL_SECRET": SECRET}).enabled


def test_referral_is_on_with_url_and_secret(tmp_path):
    env = {
        "REFERRAL_URL": "https://partner.example.org/referrals",
        "REFERRAL_SECRET": SECRET,
        "REFERRAL_PARTNER": "Partner NZ",
        "REFERRAL_OUTBOX": str(tmp_path / "o.db"),
        "REFERRAL_TIMEOUT": "3",
        "REFERRAL_MAX_ATTEMPTS": "4",
    }
    settings = referral_settings(env)
    assert settings.enabled
    assert (settings.partner, settings.outbox, settings.timeout, settings.max_attempts) == (
        "Partner NZ",
        tmp_path / "o.db",
        3.0,
        4,
    )


@pytest.mark.parametrize(
    "env",
    [
        {
            "REFERRAL_URL": "http://partner.example.org/r",
            "REFERRAL_SECRET": SECRET,
        },  # not encrypted
        {"REFERRAL_URL": "ftp://partner.example.org/r", "REFERRAL_SECRET": SECRET},
        {"REFERRAL_URL": "https:///no-host", "REFERRAL_SECRET": SECRET},
        {"REFERRAL_URL": "https://partner.example.org/r", "REFERRAL_SECRET": "short"},
        {"REFERRAL_TIMEOUT": "soon"},
        {"REFERRAL_MAX_ATTEMPTS": "0"},
    ],
)
def test_unusable_settings_are_refused(env):
    with pytest.raises(ConfigError):
        referral_settings(env)


def test_plain_http_is_allowed_only_to_this_machine():
    env = {"REFERRAL_URL": "http://127.0.0.1:9999/r", "REFERRAL_SECRET": SECRET}
    assert referral_settings(env).enabled


# --- signature ----------------------------------------------------------------


KEY = "0b8e4a52-8c4f-4d0e-9a51-2f6f8f0c1d2e"


def signed_headers(body: bytes, timestamp: int, secret: str = SECRET, key: str = KEY) -> dict:
    return {
        "Idempotency-Key": key,
        "X-Referral-Timestamp": str(timestamp),
        "X-Referral-Signature": sign(secret, timestamp, key, body),
    }


def test_signature_verifies_and_rejects_tampering():
    body, now = b'{"a": 1}', int(time.time())
    assert verify_signature(SECRET, signed_headers(body, now), body, now)
    assert not verify_signature(SECRET, signed_headers(body, now), b'{"a": 2}', now)
    assert not verify_signature(SECRET, signed_headers(body, now, "another-secret-xyz1"), body, now)
    assert not verify_signature(SECRET, signed_headers(body, now - 301), body, now)
    assert not verify_signature(SECRET, {}, body, now)
    assert not verify_signature(SECRET, {"X-Referral-Timestamp": "x"}, body, now)
    odd = {"Idempotency-Key": KEY, "X-Referral-Timestamp": str(now), "X-Referral-Signature": "ü"}
    assert not verify_signature(SECRET, odd, body, now)


def test_signature_covers_the_idempotency_key():
    body, now = b'{"a": 1}', int(time.time())
    headers = signed_headers(body, now)
    other_key = {**headers, "Idempotency-Key": "11111111-2222-3333-4444-555555555555"}
    assert not verify_signature(SECRET, other_key, body, now)  # a key swapped on a real body
    assert not verify_signature(SECRET, {**headers, "Idempotency-Key": ""}, body, now)
    # The signed text is "<ts>.<key>.<body>": a key with a dot could shift text between
    # key and body, so such keys are refused.
    dotted = signed_headers(b"b." + body, now, key="a")
    assert not verify_signature(SECRET, {**dotted, "Idempotency-Key": "a.b"}, body, now)
    expected = (
        "sha256="
        + hmac.new(SECRET.encode(), f"{now}.{KEY}.".encode() + body, hashlib.sha256).hexdigest()
    )
    assert headers["X-Referral-Signature"] == expected  # the documented contract, exactly


def test_the_receiver_refuses_a_body_signed_without_the_key(receiver):
    body, now = b'{"a": 1}', int(time.time())
    unkeyed = hmac.new(SECRET.encode(), f"{now}.".encode() + body, hashlib.sha256)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": KEY,
        "X-Referral-Timestamp": str(now),
        "X-Referral-Signature": "sha256=" + unkeyed.hexdigest(),  # the old contract
    }
    request = urllib.request.Request(receiver.url, data=body, headers=headers, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401 and receiver.accepted == {}


def test_backoff_doubles_with_jitter_and_a_cap():
    for attempt in range(1, 15):
        limit = min(delivery.BACKOFF_CAP, delivery.BACKOFF_BASE * 2 ** (attempt - 1))
        assert limit / 2 <= delivery.backoff(attempt) <= limit


# --- outbox -------------------------------------------------------------------


def test_outbox_survives_reopening_and_leases_one_sender_at_a_time(tmp_path):
    path = tmp_path / "outbox.db"
    key = Outbox(path).add(b"body")
    reopened = Outbox(path)
    item = reopened.claim(key)
    assert item is not None and item.body == b"body"
    assert Outbox(path).claim(key) is None  # leased
    assert Outbox(path).claim(key, now=time.time() + 3600) is not None  # lease ran out


def test_delivered_referral_keeps_no_body_even_on_disk(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add(b"my boss took my passport")
    outbox.delivered(key)
    assert outbox.status(key)["status"] == "delivered"
    assert not outbox.status(key)["has_body"]
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("outbox.db*"))
    assert b"passport" not in on_disk


def test_failed_referral_waits_then_parks_and_can_be_requeued(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add(b"x")
    outbox.failed(key, "HTTP 500", time.time() + 60)
    assert outbox.claim(key) is None  # not due yet
    outbox.failed(key, "HTTP 400", None)
    assert outbox.status(key)["status"] == "parked" and outbox.status(key)["has_body"]
    assert outbox.requeue_parked() == 1
    assert outbox.claim(key) is not None


def file_modes(path: Path) -> dict:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.glob(path.name + "*")}


def test_outbox_files_are_readable_by_their_owner_only(tmp_path):
    old = os.umask(0o022)  # a usual umask would give 0644
    try:
        outbox = Outbox(tmp_path / "outbox.db")
        reader = sqlite3.connect(outbox.path)  # while a connection is open, -wal and -shm stay
        try:
            reader.execute("SELECT COUNT(*) FROM outbox").fetchone()
            key = outbox.add(b"my boss took my passport")
            outbox.claim(key)
            modes = file_modes(outbox.path)
        finally:
            reader.close()
    finally:
        os.umask(old)
    assert {"outbox.db", "outbox.db-wal", "outbox.db-shm"} <= set(modes)
    assert set(modes.values()) == {0o600}


def test_an_existing_outbox_with_a_wider_mode_is_narrowed(tmp_path):
    path = tmp_path / "outbox.db"
    Outbox(path).add(b"x")
    for p in tmp_path.glob("outbox.db*"):
        p.chmod(0o644)
    Outbox(path).add(b"y")
    assert set(file_modes(path).values()) == {0o600}


def test_parked_referrals_lose_their_contents_after_the_set_days(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    days = 14 * 86400
    old = outbox.add(b"my boss took my passport")
    outbox.failed(old, "HTTP 400", None, now=time.time() - days - 60)
    recent = outbox.add(b"recent")
    outbox.failed(recent, "HTTP 400", None, now=time.time() - days + 3600)
    pending = outbox.add(b"pending")
    with sqlite3.connect(outbox.path) as db:  # old, but pending: never purged
        db.execute(
            "UPDATE outbox SET created_at = 0, next_attempt_at = 0 WHERE key = ?", (pending,)
        )
    assert outbox.purge_parked(days) == 1
    assert not outbox.status(old)["has_body"] and outbox.status(old)["status"] == "parked"
    assert outbox.status(recent)["has_body"] and outbox.status(pending)["has_body"]
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("outbox.db*"))
    assert b"passport" not in on_disk
    assert outbox.purge_parked(days) == 0
    assert outbox.requeue_parked() == 1  # only the one that still has its contents
    assert outbox.claim(old, now=time.time() + 1) is None


def test_the_worker_purges_old_parked_referrals_and_logs_only_the_count(tmp_path, caplog):
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add(b'{"summary": "my boss took my passport"}')
    outbox.failed(key, "HTTP 400", None, now=time.time() - 3 * 86400)
    settings = settings_for("http://127.0.0.1:9/r", outbox.path, parked_days=2)
    stop = threading.Event()
    with caplog.at_level("DEBUG"):
        worker = threading.Thread(target=delivery.run_worker, args=(outbox, settings, stop, 0.05))
        worker.start()
        deadline = time.time() + 10
        while outbox.status(key)["has_body"] and time.time() < deadline:
            time.sleep(0.05)
        stop.set()
        worker.join()
    assert not outbox.status(key)["has_body"]
    assert "Deleted the contents of 1 referrals parked for more than 2 days" in caplog.text
    assert "passport" not in caplog.text


def test_parked_days_is_a_setting():
    assert referral_settings({}).parked_days == 14
    assert referral_settings({"REFERRAL_PARKED_DAYS": "3"}).parked_days == 3
    with pytest.raises(ConfigError):
        referral_settings({"REFERRAL_PARKED_DAYS": "never"})


# --- flood limits ---------------------------------------------------------------


LIMITS = Limits(per_conversation_seconds=3600, max_per_hour=3)


def test_one_referral_per_conversation_in_the_set_time(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    now = time.time()
    outbox.add(b"1", now=now, conversation="c1", limits=LIMITS)
    with pytest.raises(LimitReached) as limit:
        outbox.add(b"2", now=now + 3599, conversation="c1", limits=LIMITS)
    assert limit.value.which == "conversation"
    assert outbox.counts()["pending"] == 1  # nothing stored
    outbox.add(b"3", now=now + 3601, conversation="c1", limits=LIMITS)  # the time has passed
    outbox.add(b"4", now=now + 3602, conversation="c2", limits=LIMITS)  # another conversation


def test_a_global_cap_per_hour(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    now = time.time()
    for n in range(3):
        outbox.add(b"x", now=now + n, conversation=f"c{n}", limits=LIMITS)
    with pytest.raises(LimitReached) as limit:
        outbox.add(b"x", now=now + 10, conversation="c9", limits=LIMITS)
    assert limit.value.which == "hour"
    assert outbox.counts()["pending"] == 3
    outbox.add(b"x", now=now + 3601, conversation="c9", limits=LIMITS)  # an hour later


def test_limits_hold_across_reopening_and_keep_no_conversation_id(tmp_path):
    path = tmp_path / "outbox.db"
    settings = settings_for("http://127.0.0.1:9/r", path)
    conversation = conversation_key(settings, "web-0123456789abcdef")
    assert "0123456789abcdef" not in conversation and len(conversation) == 64
    assert conversation != conversation_key(
        settings_for("http://127.0.0.1:9/r", path, secret="another-secret-0123"),
        "web-0123456789abcdef",
    )  # keyed: the hash cannot be recomputed without the secret
    Outbox(path).add(b"x", conversation=conversation, limits=LIMITS)
    with pytest.raises(LimitReached):  # a new process, the same database
        Outbox(path).add(b"y", conversation=conversation, limits=LIMITS)
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("outbox.db*"))
    assert b"web-0123456789abcdef" not in on_disk


def test_limits_are_settings():
    settings = referral_settings({})
    assert (settings.per_conversation_minutes, settings.max_per_hour) == (60, 30)
    settings = referral_settings(
        {"REFERRAL_PER_CONVERSATION_MINUTES": "5", "REFERRAL_MAX_PER_HOUR": "2"}
    )
    assert (settings.per_conversation_minutes, settings.max_per_hour) == (5, 2)
    for name in ("REFERRAL_PER_CONVERSATION_MINUTES", "REFERRAL_MAX_PER_HOUR"):
        with pytest.raises(ConfigError):
            referral_settings({name: "0"})


# --- delivery against a real receiver -----------------------------------------


def test_delivery_posts_the_signed_body_once(tmp_path, receiver):
    outbox = Outbox(tmp_path / "outbox.db")
    body = json.dumps({"summary": "What I saw: x"}).encode()
    key = outbox.add(body)
    outcome = deliver_one(outbox, settings_for(receiver.url, outbox.path), key)
    assert outcome.delivered
    assert receiver.accepted == {key: {"summary": "What I saw: x"}}
    assert outbox.status(key)["status"] == "delivered"
    assert deliver_one(outbox, settings_for(receiver.url, outbox.path), key) is None


def test_receiver_down_keeps_the_referral_until_it_is_up(tmp_path):
    receiver = Receiver(SECRET)  # not started: connections are refused
    outbox = Outbox(tmp_path / "outbox.db")
    settings = settings_for(receiver.url, outbox.path)
    key = outbox.add(b'{"n": 1}')
    outcome = deliver_one(outbox, settings, key)
    assert not outcome.delivered and outcome.retry
    status = outbox.status(key)
    assert status["status"] == "pending" and status["attempts"] == 1
    assert status["next_attempt_at"] > time.time()
    receiver.start()
    try:
        assert deliver_due(outbox, settings) == 0  # not due yet: backoff
        with sqlite3.connect(outbox.path) as db:
            db.execute("UPDATE outbox SET next_attempt_at = 0")
        assert deliver_due(outbox, settings) == 1
        assert list(receiver.accepted) == [key]
    finally:
        receiver.stop()


def test_server_errors_are_retried_with_backoff_until_delivered(tmp_path, receiver, monkeypatch):
    monkeypatch.setattr(delivery, "BACKOFF_BASE", 0.05)
    receiver.fail_next = 2
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add(b'{"n": 2}')
    stop = threading.Event()
    worker = threading.Thread(
        target=delivery.run_worker,
        args=(outbox, settings_for(receiver.url, outbox.path), stop, 0.02),
    )
    worker.start()
    try:
        assert receiver.wait_for(lambda r: key in r.accepted, timeout=20)
    finally:
        stop.set()
        worker.join()
    assert [status for _, status in receiver.requests] == [500, 500, 201]
    assert outbox.status(key)["status"] == "delivered"


def test_rate_limit_is_retried(tmp_path, receiver):
    receiver.fail_next, receiver.fail_status = 1, 429
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add(b"{}")
    outcome = deliver_one(outbox, settings_for(receiver.url, outbox.path), key)
    assert outcome.retry and outbox.status(key)["status"] == "pending"


def test_slow_receiver_times_out_and_the_retry_is_not_a_duplicate(tmp_path, receiver):
    receiver.delay = 1.5
    outbox = Outbox(tmp_path / "outbox.db")
    settings = settings_for(receiver.url, outbox.path, timeout=0.5)
    key = outbox.add(b'{"n": 3}')
    outcome = deliver_one(outbox, settings, key)
    assert not outcome.delivered and outcome.error == "timeout"
    assert receiver.wait_for(lambda r: key in r.accepted)  # the slow receiver stored it anyway
    receiver.delay = 0
    with sqlite3.connect(outbox.path) as db:
        db.execute("UPDATE outbox SET next_attempt_at = 0")
    assert deliver_one(outbox, settings, key).delivered
    assert len(receiver.accepted) == 1
    assert receiver.requests[-1] == (key, 200)  # the receiver saw a repeat and said so


def test_rejected_referral_is_parked_not_lost(tmp_path, receiver):
    receiver.fail_next, receiver.fail_status = 1, 400
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add(b"{}")
    outcome = deliver_one(outbox, settings_for(receiver.url, outbox.path), key)
    assert not outcome.retry
    assert outbox.status(key)["status"] == "parked" and outbox.status(key)["has_body"]
    outbox.requeue_parked()
    assert deliver_one(outbox, settings_for(receiver.url, outbox.path), key).delivered


def test_wrong_secret_is_refused_by_the_receiver(tmp_path, receiver):
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add(b"{}")
    settings = settings_for(receiver.url, outbox.path, secret="a-different-secret-000")
    assert not deliver_one(outbox, settings, key).delivered
    assert receiver.accepted == {} and receiver.requests == [(key, 401)]
    assert outbox.status(key)["status"] == "parked"


def test_too_many_failures_park_the_referral(tmp_path, receiver):
    receiver.fail_next = 10
    outbox = Outbox(tmp_path / "outbox.db")
    settings = settings_for(receiver.url, outbox.path, max_attempts=2)
    key = outbox.add(b"{}")
    deliver_one(outbox, settings, key)
    with sqlite3.connect(outbox.path) as db:
        db.execute("UPDATE outbox SET next_attempt_at = 0")
    deliver_one(outbox, settings, key)
    assert outbox.status(key)["status"] == "parked"
    assert outbox.counts() == {"pending": 0, "delivered": 0, "parked": 1}


def test_delivery_logs_no_content(tmp_path, caplog):
    receiver = Receiver(SECRET)  # down
    outbox = Outbox(tmp_path / "outbox.db")
    key = outbox.add(b'{"summary": "my boss took my passport"}')
    with caplog.at_level("DEBUG"):
        deliver_one(outbox, settings_for(receiver.url, outbox.path, max_attempts=1), key)
    assert "passport" not in caplog.text and key[:8] in caplog.text


# --- the referral body and the contact answer -----------------------------------


def test_referral_body_holds_only_what_was_approved(make_tracker):
    tracker = make_tracker(
        None,
        report_what="boss keeps passports",
        report_where="skipped",
        report_when="last week",
        report_who=None,
        report_summary="What I saw: boss keeps passports",
        referral_contact_way="021 555 0199",
        referral_contact_time="Evening",
        support_need="employment",
    )
    body = json.loads(referral_body(tracker))
    assert body["report"] == {"what": "boss keeps passports", "when": "last week"}
    assert body["contact"] == {"way": "021 555 0199", "safe_time": "Evening"}
    assert body["summary"] == "What I saw: boss keeps passports"
    assert "support_need" not in json.dumps(body) and "test" not in body.values()


@pytest.mark.parametrize(
    "text, usable",
    [
        ("021 555 0199", True),
        ("text me on +64 21 555 0199", True),
        ("me@example.org", True),
        ("call me", False),
        ("skip", False),
        ("", False),
        ("12345", False),
    ],
)
def test_a_contact_needs_a_number_or_an_email(text, usable):
    assert (usable_contact(text) is not None) == usable


async def test_an_outbox_that_cannot_be_written_is_reported_not_confirmed(
    tmp_path, make_tracker, monkeypatch, receiver
):
    from actions.referral import send

    monkeypatch.setenv("REFERRAL_URL", receiver.url)
    monkeypatch.setenv("REFERRAL_SECRET", SECRET)
    monkeypatch.setenv("REFERRAL_OUTBOX", str(tmp_path))  # a folder, not a file
    assert await send(make_tracker(None, report_summary="x")) == "error"
    assert receiver.requests == []


# --- an action server killed between the outbox write and delivery ----------------


def send_referral_request(
    url: str, sender: str = "t", headers: dict = None, **changes: str
) -> dict:
    """Call action_send_referral as the Rasa server would (with the token)."""
    slots = {
        "report_what": "workers sleep in the shed",
        "report_where": "Hastings",
        "report_when": "skipped",
        "report_who": "the owner",
        "report_summary": "What I saw: workers",
        "referral_contact_way": "021 555 0199",
        "referral_contact_time": "Evening",
        "referral_consent": "yes",
        **changes,
    }
    payload = {
        "next_action": "action_send_referral",
        "sender_id": sender,
        "version": "3.6.2",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "referral_form",
        },
    }
    request = urllib.request.Request(
        f"{url}/webhook",
        data=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/json",
            **(action_headers() if headers is None else headers),
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def referral_status(answer: dict) -> str:
    return next(e["value"] for e in answer["events"] if e.get("name") == "referral_status")


def run_worker_until(env: dict, condition, timeout: float = 60) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "actions.delivery", "--poll", "0.2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + timeout
        while time.time() < deadline and not condition():
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0  # it stops cleanly


def call_and_ignore_errors(function, *args) -> None:
    try:
        function(*args)
    except OSError:  # the action server was killed mid-request
        pass


def env_for(receiver: Receiver, outbox: Path, timeout: float = 2) -> dict:
    return {
        "REFERRAL_URL": receiver.url,
        "REFERRAL_SECRET": SECRET,
        "REFERRAL_OUTBOX": str(outbox),
        "REFERRAL_TIMEOUT": str(timeout),
    }


def test_killed_action_server_with_receiver_down_loses_nothing(tmp_path):
    receiver = Receiver(SECRET)  # down
    env = env_for(receiver, tmp_path / "outbox.db")
    process, url = start_action_server(env)
    try:
        assert referral_status(send_referral_request(url)) == "queued"
    finally:
        process.kill()
        process.wait()
    assert Outbox(tmp_path / "outbox.db").counts()["pending"] == 1
    receiver.start()
    try:
        run_worker_until(env, lambda: receiver.accepted)
        assert len(receiver.accepted) == 1
        (body,) = receiver.accepted.values()
        assert body["report"]["where"] == "Hastings" and body["contact"]["way"] == "021 555 0199"
        assert Outbox(tmp_path / "outbox.db").counts() == {
            "pending": 0,
            "delivered": 1,
            "parked": 0,
        }
    finally:
        receiver.stop()


def test_action_server_killed_mid_delivery_is_delivered_exactly_once(tmp_path):
    receiver = Receiver(SECRET).start()
    receiver.delay = 1.0  # holds the first request long enough to kill the sender
    env = env_for(receiver, tmp_path / "outbox.db", timeout=1.5)
    process, url = start_action_server(env)
    try:
        caller = threading.Thread(target=call_and_ignore_errors, args=(send_referral_request, url))
        caller.start()
        assert receiver.wait_for(lambda r: r.started)  # written to the outbox, delivery under way
        process.send_signal(signal.SIGKILL)
        process.wait()
        caller.join()
        assert receiver.wait_for(lambda r: r.accepted)  # the receiver stored the first attempt
        assert Outbox(tmp_path / "outbox.db").counts()["pending"] == 1  # not marked delivered
        receiver.delay = 0
        outbox = Outbox(tmp_path / "outbox.db")
        run_worker_until(env, lambda: outbox.counts()["delivered"] == 1)
        assert outbox.counts() == {"pending": 0, "delivered": 1, "parked": 0}
        assert len(receiver.accepted) == 1  # exactly once, from the receiver's side
        assert [status for _, status in receiver.requests] == [201, 200]
    finally:
        if process.poll() is None:
            process.kill()
        receiver.stop()


def test_referral_is_sent_at_once_when_the_receiver_is_up(tmp_path, receiver):
    env = env_for(receiver, tmp_path / "outbox.db")
    process, url = start_action_server(env)
    try:
        assert referral_status(send_referral_request(url)) == "sent"
    finally:
        stop(process)
    assert len(receiver.accepted) == 1


def test_referral_is_off_without_settings(tmp_path):
    process, url = start_action_server({"REFERRAL_URL": "", "REFERRAL_SECRET": ""})
    try:
        assert referral_status(send_referral_request(url)) == "off"
    finally:
        stop(process)


def test_flood_limits_on_a_real_action_server(tmp_path, receiver):
    env = {
        **env_for(receiver, tmp_path / "outbox.db"),
        "REFERRAL_PER_CONVERSATION_MINUTES": "60",
        "REFERRAL_MAX_PER_HOUR": "2",
    }
    process, url = start_action_server(env)
    try:
        assert referral_status(send_referral_request(url, sender="one")) == "sent"
        again = send_referral_request(url, sender="one")  # the same conversation
        assert referral_status(again) == "limited"  # "not sent, use the form or the number"
        assert all(e["value"] is None for e in again["events"] if e["name"] != "referral_status")
        assert referral_status(send_referral_request(url, sender="two")) == "sent"
        assert referral_status(send_referral_request(url, sender="three")) == "limited"  # cap
    finally:
        stop(process)
    assert len(receiver.accepted) == 2
    process, url = start_action_server(env)  # a restart does not reset the counts
    try:
        assert referral_status(send_referral_request(url, sender="four")) == "limited"
    finally:
        stop(process)
    assert len(receiver.accepted) == 2


def test_a_lone_surrogate_in_an_answer_is_an_error_not_a_crash(tmp_path, receiver):
    process, url = start_action_server(env_for(receiver, tmp_path / "outbox.db"))
    try:
        answer = send_referral_request(url, report_what="workers \ud800 in the shed")
    finally:
        stop(process)
    assert referral_status(answer) == "error"  # "could not save it ... use the numbers, 111"
    forgotten = {e["name"] for e in answer["events"] if e["value"] is None}
    assert {"report_what", "report_summary", "referral_contact_way"} <= forgotten
    assert receiver.requests == []


def test_every_referral_status_has_its_own_answer():
    """A limit reached, an error, and the rest each get a kind answer from the domain."""
    from rasa.shared.core.domain import Domain

    from actions.referral import LIMITED

    domain = Domain.load(str(ROOT / "domain"))
    (slot,) = [s for s in domain.slots if s.name == "referral_status"]
    answered = {
        c["value"]
        for variant in domain.responses["utter_referral_result"]
        for c in variant.get("condition", [])
    }
    for status in ("sent", "queued", "cancelled", "off", "error", LIMITED):
        assert status in slot.values
        assert status in answered or status == "error"  # "error" is the default answer
