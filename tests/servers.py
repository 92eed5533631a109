"""Real servers for tests: a free port, and an action server in its own process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_action_server(env: Dict[str, str]) -> Tuple[subprocess.Popen, str]:
    """Start `rasa_sdk` with our actions and extra environment; return it and its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
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
    url: str, body: Any, timeout: float = 30, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Any]:
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
