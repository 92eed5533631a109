"""Fixtures for tests that talk to the trained model and the action server.

These run after training (scripts/test.sh, stage "model tests"). They fail,
not skip, when there is no trained model.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from bot.logs import quiet_structlog
from referral_receiver import SECRET, Receiver
from servers import endpoint_config, start_action_server, stop, trained_model

ROOT = Path(__file__).resolve().parents[2]


def load_agent(action_server: str):
    """The trained model with our tracker store, response generator and this action
    server, set as in endpoints.yml (the action endpoint with its token header, at this
    server's address)."""
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain

    quiet_structlog()
    store = TrackerStore.create(endpoint_config("tracker_store"), Domain.load(str(ROOT / "domain")))
    action_endpoint = endpoint_config("action_endpoint", url=f"{action_server}/webhook")
    return Agent.load(
        str(trained_model()),
        tracker_store=store,
        action_endpoint=action_endpoint,
        generator=endpoint_config("nlg"),  # answers in the conversation's language
    )


@pytest.fixture(scope="session")
def referral_receiver():
    """The partner's endpoint for referrals, running for the whole session."""
    receiver = Receiver(SECRET).start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def referral_outbox(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("referral") / "outbox.db"


@pytest.fixture(scope="session")
def agent(referral_receiver, referral_outbox):
    """The assistant with referral on, sending to the session's receiver."""
    process, url = start_action_server(
        {
            "REFERRAL_URL": referral_receiver.url,
            "REFERRAL_SECRET": SECRET,
            "REFERRAL_PARTNER": "Test Support Service",
            "REFERRAL_OUTBOX": str(referral_outbox),
        }
    )
    try:
        yield load_agent(url)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def agent_without_referral():
    """The assistant as it runs with no referral endpoint configured."""
    process, url = start_action_server({"REFERRAL_URL": "", "REFERRAL_SECRET": ""})
    try:
        yield load_agent(url)
    finally:
        stop(process)


class Conversation:
    """One conversation with the assistant, as a person would have it."""

    def __init__(self, agent) -> None:
        self.agent = agent
        self.sender = uuid.uuid4().hex

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.agent.handle_text(text, sender_id=self.sender) or []

    async def tracker(self):
        return await self.agent.tracker_store.retrieve(self.sender)

    def stored(self) -> str:
        """The conversation exactly as the tracker store keeps it."""
        store = self.agent.tracker_store
        store = getattr(store, "_tracker_store", store)  # inside Rasa's FailSafeTrackerStore
        return store.store[self.sender]


@pytest.fixture
def conversation(agent) -> Conversation:
    return Conversation(agent)


@pytest.fixture
def conversation_without_referral(agent_without_referral) -> Conversation:
    return Conversation(agent_without_referral)
