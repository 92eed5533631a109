"""Real servers for tests: a free port, and an action server in its own process.

The action server refuses every call without the shared token (actions/server.py).
The tests' action servers get `ACTION_TOKEN` (unless a test sets its own
ACTION_SERVER_TOKEN), and callers send it with `action_headers()`; the Rasa
server reads it from the environment through endpoints.yml (`action_endpoint`).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
ACTION_TOKEN = secrets.token_urlsafe(32)  # this test session's action server token


def action_headers(token: str = ACTION_TOKEN) -> dict[str, str]:
    """The header the Rasa server sends to the action server (endpoints.yml)."""
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for a while (Rasa expands ${...} in endpoints.yml)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def endpoint_config(kind: str, url: str | None = None, token: str = ACTION_TOKEN):
    """One section of the real endpoints.yml, read as Rasa reads it, with the token in
    the environment; `url` replaces the section's address (a test's action server)."""
    from rasa.utils.endpoints import read_endpoint_config

    with environment(ACTION_SERVER_TOKEN=token):
        config = read_endpoint_config(str(ROOT / "endpoints.yml"), kind)
    if config is not None and url is not None:
        config.url = url
    return config


def trained_model() -> Path:
    """The model every tool and test uses: the newest in models/, as Rasa chooses
    (`rasa shell`, `rasa run`, `rasa test` and tools/evaluate_nlu.py take the same)."""
    from tools.evaluate_nlu import latest_model

    try:
        return latest_model(ROOT / "models")
    except SystemExit as missing:
        raise AssertionError(f"{missing} (or scripts/train.sh)") from None


def rasa_run_command(endpoints: Path, port: int, *extra: str) -> list[str]:
    """`rasa run` with the trained model, these endpoints and the project's credentials."""
    return [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--model",
        str(trained_model()),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--port",
        str(port),
        *extra,
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_action_server(
    env: dict[str, str],
    log: Path | None = None,
    command: list | None = None,
    port: int | None = None,
) -> tuple[subprocess.Popen, str]:
    """Start `rasa_sdk` with our actions and extra environment; return it and its base URL.

    The token is ACTION_TOKEN unless `env` sets ACTION_SERVER_TOKEN. `log` keeps the
    server's stdout and stderr; `command` replaces `python -m rasa_sdk --actions actions`
    (e.g. with `rasa run actions`); `--port` is added. The URL uses ACTION_SERVER_HOST
    when `env` sets it to one address (not 0.0.0.0).
    """
    port = port or free_port()
    output: int | IO[bytes] = subprocess.DEVNULL
    if log is not None:
        output = open(log, "ab")
    command = command or [sys.executable, "-m", "rasa_sdk", "--actions", "actions"]
    try:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "RASA_TELEMETRY_ENABLED": "false",
                "ACTION_SERVER_TOKEN": ACTION_TOKEN,
                **env,
            },
            stdout=output,
            stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
        )
    finally:
        if log is not None:
            output.close()  # the child has its own copy
    host = env.get("ACTION_SERVER_HOST") or "127.0.0.1"
    url = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            return process, url
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the action server stopped while starting") from None
            time.sleep(0.25)
    process.kill()
    raise RuntimeError("the action server did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `check` until it is true; connection errors count as "not yet"."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not start in {timeout:.0f} s")


def post_json(
    url: str, body: Any, timeout: float = 30, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """POST JSON; return the status and the decoded answer (None when empty)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
