"""The log safeguard (bot/logs.py) in a real `rasa run`, at its default log level.

The Rasa server's action endpoint points at a failing action server, so Rasa's
own error path runs: RemoteAction raises RasaException from ClientResponseError,
whose message holds the action server's answer, and the processor logs it with
its traceback. The action server is a fake that answers every call with 500
and a body echoing the whole request (the tracker, with everything the person
wrote), as old rasa-sdk did: the worst answer Rasa's error path can log. (Our
own action server answers errors with no tracker: tests/integration/
test_action_server.py.)

Messages carrying unique marker words go through the web chat; the Messenger
webhook check and the HTTP API get tokens in query strings; the Sanic access
log is on (LOG_LEVEL_LIBRARIES=INFO, which only makes the test stricter). Then
the server's whole stdout and stderr must hold none of the markers or tokens --
and must show that the error path and the access log were really exercised.
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from servers import ACTION_TOKEN, free_port, post_json
from stack import CHANNEL_ENV, FakePlatform, NeutralSite, run_stack


class EchoingActionServer:
    """Answers every action call with 500 and the whole request in the body."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                text = raw.decode("utf-8", "replace")
                server.bodies.append(text)
                body = json.dumps({"error": "action failed", "request_body": text}).encode()
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def marker(name: str) -> str:
    return f"zq{name}{secrets.token_hex(6)}"


def webchat(stack: dict[str, str], sender: str, message: str) -> int:
    try:
        return post_json(
            f"{stack['rasa']}/webhooks/webchat/webhook",
            {"sender": sender, "message": message},
            timeout=60,
        )[0]
    except urllib.error.HTTPError as error:
        return error.code


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def exercise(stack: dict[str, str]) -> dict[str, str]:
    """Talk to the server like a person, Meta and an operator; return the markers."""
    markers = {k: marker(k) for k in ("faq", "report", "slash", "until", "challenge")}
    sender = uuid.uuid4().hex
    assert webchat(stack, sender, f"what is people trafficking {markers['faq']}") == 200
    for text in (
        "I want to report something I saw",
        "no, not right now",
        "yes",
        "Yes, help me write it",
        # json.dumps writes the lone surrogate as the escape \ud800
        f"my boss took my passport {markers['report']} \ud800",
        f"/{{{markers['slash']}",  # text starting like Rasa's "/intent{...}" shortcut
    ):
        assert webchat(stack, sender, text) in (200, 503)
    # Meta's webhook check, token and challenge in the query string.
    query = urllib.parse.urlencode(
        {
            "hub.mode": "subscribe",
            "hub.verify_token": CHANNEL_ENV["MESSENGER_VERIFY_TOKEN"],
            "hub.challenge": markers["challenge"],
        }
    )
    assert get(f"{stack['rasa']}/webhooks/messenger/webhook?{query}") == 200
    # The HTTP API: its token in the query, and a bad `until` that Rasa logs.
    query = urllib.parse.urlencode({"token": stack["token"], "until": markers["until"]})
    get(f"{stack['rasa']}/conversations/{sender}/tracker?{query}")
    return markers


def secrets_in_play(stack: dict[str, str]) -> list[str]:
    return [stack["token"], ACTION_TOKEN, *CHANNEL_ENV.values()]


def check_log(log: str, markers: dict[str, str], tokens: list[str]) -> None:
    leaked = [m for m in markers.values() if m in log] + [t for t in tokens if t in log]
    assert not leaked, f"in the Rasa server's log: {leaked}"
    assert "\\ud800" not in log and "\ud800" not in log
    assert "my boss took my passport" not in log
    # ... and the paths were really taken.
    assert "Encountered an exception while running action" in log, log[-3000:]
    assert "ClientResponseError (message not logged)" in log, log[-3000:]
    assert "RasaException (message not logged)" in log
    assert "/webhooks/messenger/webhook?[hidden]" in log, "no access log line"


@pytest.fixture(scope="module")
def sites():
    neutral, platform = NeutralSite(), FakePlatform()
    yield neutral, platform
    neutral.close()
    platform.close()


def test_a_failing_action_server_that_echoes_the_tracker(tmp_path: Path, sites) -> None:
    fake = EchoingActionServer()
    try:
        stack_run = run_stack(
            tmp_path, *sites, action_url=fake.url, rasa_env={"LOG_LEVEL_LIBRARIES": "INFO"}
        )
        stack = next(stack_run)
        try:
            markers = exercise(stack)
        finally:
            stack_run.close()
        log = Path(stack["log_path"]).read_text(encoding="utf-8", errors="replace")
        # The action server really got (and echoed back) what the person wrote.
        assert any(markers["faq"] in body for body in fake.bodies)
        check_log(log, markers, secrets_in_play(stack))
        # Rasa's structlog warning with the bad `until` value, without the value.
        assert '"arg": "[hidden]"' in log and "endpoint.float_arg.convert_failed" in log
    finally:
        fake.close()
