"""The action server's hardening (actions/server.py), against real action server processes:
only calls with the shared token, on this machine only by default, and errors that
reveal nothing of the conversation, neither in the answer nor in the server's log.

This module also defines `ActionThatFails`, an action whose exception message holds
the conversation's text; one test starts an action server with this module as its
actions package (next to ours) to check that such a message is never shown or logged.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.server import token_matches
from referral_receiver import SECRET, Receiver
from servers import ACTION_TOKEN, ROOT, action_headers, start_action_server, stop

SECRET_WORDS = "my boss Tama took my passport at Kiwi Orchard"
CONTACT = "021 555 0199"
EMAIL = "hidden.person@example.org"


class ActionThatFails(Action):
    """Raises an exception whose message holds what the person wrote."""

    def name(self) -> str:
        return "action_test_that_fails"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        raise ValueError(f"could not read {tracker.get_slot('report_what')!r}")


# --- helpers ----------------------------------------------------------------------


def tracker(slots: dict[str, Any], sender: str = "conversation-1") -> dict[str, Any]:
    return {
        "sender_id": sender,
        "slots": slots,
        "latest_message": {"text": SECRET_WORDS, "intent": {"name": "report_something"}},
        "events": [{"event": "user", "text": SECRET_WORDS}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


REFERRAL_SLOTS = {
    "report_what": SECRET_WORDS,
    "report_where": "Hastings",
    "report_when": "skipped",
    "report_who": "the owner",
    "report_summary": f"What I saw: {SECRET_WORDS}",
    "referral_contact_way": f"{CONTACT} or {EMAIL}",
    "referral_contact_time": "Evening",
    "referral_consent": "yes",
}


def call(
    url: str,
    action: str = "action_send_referral",
    headers: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    path: str = "/webhook",
    extra: dict[str, Any] | None = None,
) -> tuple[int, str]:
    """POST an action call; return the status and the raw answer (errors included)."""
    payload = {
        "next_action": action,
        "sender_id": "conversation-1",
        "version": "3.6.2",
        "domain": {},
        "tracker": tracker(REFERRAL_SLOTS if slots is None else slots),
        **(extra or {}),
    }
    request = urllib.request.Request(
        url + path,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def outbox_rows(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]


def assert_reveals_nothing(text: str) -> None:
    for words in (SECRET_WORDS, "Tama", "passport", CONTACT, EMAIL, "Hastings", ACTION_TOKEN):
        assert words not in text


def listening_addresses(port: int) -> list[str]:
    """The local addresses (hex, as in /proc/net/tcp*) of sockets listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append(address)
    return found


def non_loopback_ipv4() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


# --- a running action server with referral on ---------------------------------------


@pytest.fixture(scope="module")
def partner():
    receiver = Receiver(SECRET).start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, partner):
    """An action server with referral on, sending to `partner`; its URL, outbox and log."""
    folder = tmp_path_factory.mktemp("action-server")
    outbox, log = folder / "outbox.db", folder / "server.log"
    process, url = start_action_server(
        {
            "REFERRAL_URL": partner.url,
            "REFERRAL_SECRET": SECRET,
            "REFERRAL_OUTBOX": str(outbox),
            "REFERRAL_MAX_PER_HOUR": "100",
        },
        log=log,
    )
    yield {"url": url, "outbox": outbox, "log": log, "process": process}
    stop(process)


def test_health_is_open_and_reveals_nothing(server):
    assert get(server["url"] + "/health") == (200, '{"status":"ok"}')


WRONG = {
    "no token": {},
    "a wrong token of the same length": {"Authorization": "Bearer " + "x" * len(ACTION_TOKEN)},
    "a longer token": {"Authorization": f"Bearer {ACTION_TOKEN}x"},
    "a shorter token": {"Authorization": f"Bearer {ACTION_TOKEN[:-1]}"},
    "an empty token": {"Authorization": "Bearer "},
    "the token without the Bearer scheme": {"Authorization": ACTION_TOKEN},
    "the token as Basic credentials": {"Authorization": f"Basic {ACTION_TOKEN}"},
    "the token in another header": {"X-Action-Token": ACTION_TOKEN, "Token": ACTION_TOKEN},
}


@pytest.mark.parametrize("headers", WRONG.values(), ids=list(WRONG))
def test_a_call_without_the_right_token_is_refused_and_sends_nothing(server, partner, headers):
    status, body = call(server["url"], headers=headers)
    assert (status, json.loads(body)) == (401, {"error": "Unauthorized."})
    assert partner.requests == [] and outbox_rows(server["outbox"]) == 0


@pytest.mark.parametrize(
    "where",
    ["query", "body"],
)
def test_the_token_in_the_wrong_place_is_refused(server, partner, where):
    if where == "query":  # what Rasa's `token:` option would send: it ends up in logs
        status, body = call(server["url"], path=f"/webhook?token={ACTION_TOKEN}")
    else:
        status, body = call(server["url"], extra={"token": ACTION_TOKEN})
    assert status == 401 and json.loads(body) == {"error": "Unauthorized."}
    assert partner.requests == [] and outbox_rows(server["outbox"]) == 0


def test_other_routes_need_the_token_too(server):
    assert get(server["url"] + "/actions")[0] == 401
    status, body = get(server["url"] + "/actions", action_headers())
    assert status == 200 and "action_send_referral" in body
    assert get(server["url"] + "/no-such-page")[0] == 401


def test_the_right_token_is_accepted(server, partner):
    before = len(partner.accepted)
    status, body = call(server["url"], headers=action_headers())
    assert status == 200
    events = json.loads(body)["events"]
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "referral_status",
        "value": "sent",
    } in events
    assert len(partner.accepted) == before + 1


def test_the_token_is_compared_whole():
    token = "a-token-of-24-characters"
    assert token_matches(token, f"Bearer {token}")
    assert token_matches(token, f"bearer {token}")  # the scheme is case-insensitive
    for given in (None, "", "Bearer", f"Bearer {token[:-1]}", f"Bearer {token}0", token):
        assert not token_matches(token, given)
    assert not token_matches(None, "Bearer ") and not token_matches("", "Bearer ")


# --- a failing action: nothing of the conversation in the answer or the log ----------------


def test_a_failing_action_answers_and_logs_nothing_of_the_conversation(server):
    slots = {**REFERRAL_SLOTS, "support_need": {"what": SECRET_WORDS}}  # makes it raise
    status, body = call(server["url"], "action_handoff_support", action_headers(), slots)
    assert status == 500
    assert json.loads(body) == {
        "error": "The action failed.",
        "action_name": "action_handoff_support",
    }
    assert_reveals_nothing(body)
    log = server["log"].read_text(errors="replace")
    assert "action_handoff_support failed: TypeError" in log
    assert_reveals_nothing(log)


def test_an_action_whose_error_holds_the_text_reveals_none_of_it(tmp_path):
    """An exception message with what the person wrote, and a traceback, stay out of the log."""
    log = tmp_path / "server.log"
    process, url = start_action_server(
        {
            "PYTHONPATH": f"{ROOT}:{ROOT / 'tests' / 'integration'}:{ROOT / 'tests' / 'support'}",
            "REFERRAL_URL": "",
            "REFERRAL_SECRET": "",
        },
        log=log,
        command=[sys.executable, "-m", "rasa_sdk", "--actions", "test_action_server"],
    )
    try:
        status, body = call(url, "action_test_that_fails", action_headers())
        # ours are registered too (importing this module imports `actions`), and still guarded
        refused, _ = call(url, "action_test_that_fails")
    finally:
        stop(process)
    assert status == 500 and refused == 401
    assert json.loads(body) == {
        "error": "The action failed.",
        "action_name": "action_test_that_fails",
    }
    text = log.read_text(errors="replace")
    assert "action_test_that_fails failed: ValueError" in text
    assert "Traceback" not in text and "could not read" not in text
    assert_reveals_nothing(body + text)


def test_malformed_calls_get_a_plain_error(server):
    request = urllib.request.Request(
        server["url"] + "/webhook",
        data=f"not json {SECRET_WORDS}".encode(),
        method="POST",
        headers={"Content-Type": "application/json", **action_headers()},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400
    assert json.loads(refused.value.read()) == {"error": "Bad request.", "action_name": None}
    status, body = call(server["url"], "action_with_no_such_name", action_headers())
    assert status == 404 and "action_with_no_such_name" in body
    assert_reveals_nothing(server["log"].read_text(errors="replace"))


# --- no usable token: every call refused, and the log says why ---------------------------


@pytest.mark.parametrize("token", ["", "short-token"], ids=["unset", "too short"])
def test_without_a_usable_token_every_call_is_refused(tmp_path, token):
    log = tmp_path / "server.log"
    process, url = start_action_server(
        {"ACTION_SERVER_TOKEN": token, "REFERRAL_URL": "", "REFERRAL_SECRET": ""}, log=log
    )
    try:
        for headers in ({}, {"Authorization": f"Bearer {token}"}, {"Authorization": "Bearer "}):
            assert call(url, "action_report_summary", headers)[0] == 401
        assert get(url + "/health")[0] == 200
    finally:
        stop(process)
    text = log.read_text(errors="replace")
    assert "refuses every action call" in text and "ACTION_SERVER_TOKEN" in text
    if token:
        assert token not in text


# --- where it listens ---------------------------------------------------------------


def test_it_listens_on_this_machine_only_by_default(server):
    port = port_of(server["url"])
    assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1, and nothing on IPv6
    address = non_loopback_ipv4()
    if address is not None:  # from another address of this machine it is not there
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=2).close()


def test_it_listens_where_configured(tmp_path):
    process, url = start_action_server(
        {"ACTION_SERVER_HOST": "0.0.0.0", "REFERRAL_URL": "", "REFERRAL_SECRET": ""}
    )
    try:
        port = port_of(url)
        assert listening_addresses(port) == ["00000000"]  # every IPv4 address
        address = non_loopback_ipv4()
        if address is not None:
            base = f"http://{address}:{port}"
            assert get(base + "/health")[0] == 200
            assert call(base, "action_report_summary")[0] == 401  # still needs the token
            assert call(base, "action_report_summary", action_headers())[0] == 200
    finally:
        stop(process)


# --- the plain `rasa run actions` from the project root ----------------------------------


def test_plain_rasa_run_actions_is_hardened_too(tmp_path, partner):
    outbox = tmp_path / "outbox.db"
    log = tmp_path / "server.log"
    process, url = start_action_server(
        {"REFERRAL_URL": partner.url, "REFERRAL_SECRET": SECRET, "REFERRAL_OUTBOX": str(outbox)},
        log=log,
        command=[sys.executable, "-m", "rasa", "run", "actions", "--actions", "actions"],
    )
    try:
        before = len(partner.requests)
        assert call(url)[0] == 401
        assert call(url, headers={"Authorization": "Bearer " + "y" * 43})[0] == 401
        assert len(partner.requests) == before and outbox_rows(outbox) == 0
        status, _ = call(url, "action_report_summary", action_headers())
        assert status == 200
        assert listening_addresses(port_of(url)) == ["0100007F"]
    finally:
        stop(process)
    assert "listening on 127.0.0.1" in log.read_text(errors="replace")


def test_the_log_of_the_whole_module_holds_no_text(server):
    time.sleep(0.2)  # the last lines are written
    assert_reveals_nothing(server["log"].read_text(errors="replace"))
