"""Fixtures for tests that talk to the trained model and the action server.

These run after training (scripts/test.sh, stage "model tests"). They fail,
not skip, when there is no trained model.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from bot.logs import quiet_structlog

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "nz-trafficking-help.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def action_server_url():
    """A real action server on a free local port, stopped after the tests."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/health", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("the action server stopped while starting")
                time.sleep(0.5)
        else:
            raise RuntimeError("the action server did not start")
        yield f"{url}/webhook"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def agent(action_server_url):
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    assert MODEL.is_file(), "train first: scripts/train.sh"
    quiet_structlog()
    return Agent.load(str(MODEL), action_endpoint=EndpointConfig(action_server_url))


class Conversation:
    """One conversation with the assistant, as a person would have it."""

    def __init__(self, agent) -> None:
        self.agent = agent
        self.sender = uuid.uuid4().hex

    async def say(self, text: str) -> List[Dict[str, Any]]:
        return await self.agent.handle_text(text, sender_id=self.sender) or []

    async def tracker(self):
        return await self.agent.tracker_store.retrieve(self.sender)


@pytest.fixture
def conversation(agent) -> Conversation:
    return Conversation(agent)
