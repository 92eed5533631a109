"""Hardening, checked against the running assistant (tests/support/stack.py).

* A 20,000-character message built to make regular expressions backtrack is
  answered in under a second, and a normal message sent by someone else at the
  same moment is answered in under a second too (it once took 23 s, and
  everyone waited).
* A body over the cap is refused before it is read.
* The Rasa server refuses to start when its store is not the private one.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

from servers import post_json, rasa_run_command
from tools.bench import ATTACK, under_attack

ROOT = Path(__file__).resolve().parents[2]


def test_an_attack_message_and_a_normal_one_sent_with_it_are_both_answered_within_a_second(
    stack,
):
    assert len(ATTACK) == 20_000
    # The benchmark's own attack case: the slowest of three tries (a shared machine
    # can be busy for a moment; the old stall, 23 s at 1,504 characters, is far beyond).
    attack_ms, normal_ms, normal_answer = under_attack(stack["rasa"], rounds=3)
    assert "trafficking" in normal_answer.lower()  # the normal question got its answer
    assert attack_ms < 1000, f"the attack took {attack_ms} ms"
    assert normal_ms < 1000, f"the normal message sent with it took {normal_ms} ms"


def test_an_attack_hiding_a_cry_for_help_gets_111(stack):
    text = ("!" * 9_000 + " <b>help me now</b> " + "\ud800" * 100 + "<script>" * 1000)[:20_000]
    status, answer = post_json(
        f"{stack['rasa']}/webhooks/webchat/webhook",
        {"sender": uuid.uuid4().hex, "message": text},
    )
    assert status == 200 and "111" in " ".join(m.get("text") or "" for m in answer)


def test_a_body_over_the_cap_is_refused(stack):
    import urllib.error
    import urllib.request

    body = b'{"sender": "0123456789abcdef0123", "message": "' + b"a" * 400_000 + b'"}'
    request = urllib.request.Request(
        f"{stack['rasa']}/webhooks/webchat/webhook",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 413


def test_the_server_refuses_to_start_when_its_store_is_not_the_private_one(tmp_path):
    """Rasa quietly uses its default store (which keeps every word) when the
    configured one cannot be imported; ours stops instead, and says why."""
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        (ROOT / "endpoints.yml")
        .read_text()
        .replace("bot.stores.PrivateTrackerStore", "bot.stores.MisspeltStore")
    )
    log = tmp_path / "rasa.log"
    with log.open("wb") as out:
        process = subprocess.run(
            rasa_run_command(endpoints, 0),
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "RASA_TELEMETRY_ENABLED": "false",
                "ACTION_SERVER_TOKEN": "test-" + uuid.uuid4().hex,
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=300,
        )
    text = log.read_text(errors="replace")
    assert process.returncode != 0
    assert "not a private store" in text
