"""The whole assistant running as in production, for the browser and channel tests:
the action server, the Rasa server (web chat and messaging channels), the web
page server, a neutral "exit" site, and a fake of the messaging platforms' APIs
that captures what the assistant sends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from servers import (
    ACTION_TOKEN,
    free_port,
    post_json,
    rasa_run_command,
    start_action_server,
    stop,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]

# Settings of the messaging channels in the tests (fake accounts, fake platform).
CHANNEL_ENV = {
    "CHANNEL_ID_SECRET": "test-channel-id-secret-0123456789",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "twilio-test-auth-token",
    "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
    "TELEGRAM_SECRET_TOKEN": "telegram-secret_token-0123",
    "MESSENGER_APP_SECRET": "messenger-test-app-secret",
    "MESSENGER_PAGE_TOKEN": "messenger-test-page-token",
    "MESSENGER_VERIFY_TOKEN": "messenger-verify-token",
}


class NeutralSite:
    """Stands in for the neutral site that quick exit goes to."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                body = f"<!doctype html><title>Weather</title><h1>Weather {self.path}</h1>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakePlatform:
    """Twilio's, Telegram's and Meta's send APIs, as far as the assistant uses them.

    Every request is kept (path, query, headers, parsed body). `fail_next`
    answers that many requests with `fail_status` first, to test retries.
    """

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_next = 0
        self.fail_status = 429
        self.lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                from urllib.parse import parse_qs, urlsplit

                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body: Any = json.loads(raw or b"{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                with platform.lock:
                    failing = platform.fail_next > 0
                    platform.fail_next -= failing
                    platform.requests.append(
                        {
                            "path": parts.path,
                            "query": parse_qs(parts.query),
                            "headers": dict(self.headers),
                            "body": body,
                            "status": platform.fail_status if failing else 200,
                        }
                    )
                status = platform.fail_status if failing else 200
                answer = json.dumps({"ok": status == 200}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def sent(self, path_part: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if path_part in r["path"] and r["status"] == 200]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_stack(
    workdir: Path,
    neutral: NeutralSite,
    platform: FakePlatform,
    action_url: str | None = None,
    rasa_env: dict[str, str] | None = None,
) -> Iterator[dict[str, str]]:
    """Start everything; yield the addresses; stop everything.

    The Rasa server's stdout and stderr go to the file at `log_path` (in the
    yielded dict). `action_url` points the Rasa server at an action server of the
    test's own instead of starting ours; `rasa_env` adds to (or overrides) the
    Rasa server's environment.
    """
    rasa_port, web_port = free_port(), free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    token = uuid.uuid4().hex
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        # The Rasa server sends it to the action server (endpoints.yml's header).
        "ACTION_SERVER_TOKEN": ACTION_TOKEN,
        **CHANNEL_ENV,
        "TWILIO_WEBHOOK_URL": "https://chat.example.org/webhooks/twilio/webhook",
        "TWILIO_API_BASE": platform.url,
        "TELEGRAM_API_BASE": platform.url,
        "MESSENGER_API_BASE": platform.url,
        **(rasa_env or {}),
    }
    log_path = workdir / "rasa.log"
    processes: list[subprocess.Popen] = []
    if action_url is None:
        actions, actions_url = start_action_server({"REFERRAL_URL": "", "REFERRAL_SECRET": ""})
        processes.append(actions)
    else:
        actions_url = action_url
    # A copy of endpoints.yml pointing at this action server; it keeps the token header.
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        (ROOT / "endpoints.yml")
        .read_text()
        .replace("http://localhost:5055/webhook", f"{actions_url}/webhook")
    )
    rasa_log = open(log_path, "ab")
    try:
        processes.append(
            subprocess.Popen(
                # The HTTP API, only here, so that tests can look at the stored conversations.
                rasa_run_command(
                    endpoints, rasa_port, "--cors", web_url, "--enable-api", "--auth-token", token
                ),
                cwd=ROOT,
                env=env,
                stdout=rasa_log,
                stderr=subprocess.STDOUT,
            )
        )
        rasa_log.close()  # the child has its own copy
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bot.web.server",
                    "--port",
                    str(web_port),
                    "--rasa-url",
                    rasa_url,
                    "--exit-url",
                    f"{neutral.url}/exit",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_until(lambda: urllib.request.urlopen(web_url, timeout=2).status == 200, 60, "web page")
        wait_until(
            lambda: (
                post_json(
                    f"{rasa_url}/webhooks/webchat/webhook",
                    {"sender": uuid.uuid4().hex, "message": "kia ora"},
                )[0]
                == 200
            ),
            240,
            "Rasa server",
        )
        yield {
            "rasa": rasa_url,
            "web": web_url,
            "token": token,
            "twilio_url": env["TWILIO_WEBHOOK_URL"],
            "log_path": str(log_path),
        }
    finally:
        rasa_log.close()
        for process in reversed(processes):
            stop(process)


def stored_tracker(stack: dict[str, str], sender: str) -> dict[str, Any]:
    """The conversation as the Rasa server's tracker store keeps it."""
    url = f"{stack['rasa']}/conversations/{sender}/tracker?token={stack['token']}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def stored_events(stack: dict[str, str], sender: str) -> list[dict[str, Any]]:
    return stored_tracker(stack, sender)["events"]


def stored_raw(stack: dict[str, str], sender: str) -> str:
    return json.dumps(stored_tracker(stack, sender))
