"""Shared pytest fixtures: a fresh dispatcher and tracker for every test."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Set

import pytest
from rasa_sdk import Tracker

# endpoints.yml sends the action server's token from the environment, and Rasa
# refuses to read any part of the file while the variable is unset: tests that
# read it get a token of their own (scripts/run.sh makes one for each run).
os.environ.setdefault("ACTION_SERVER_TOKEN", "test-" + secrets.token_hex(16))
from rasa_sdk.executor import CollectingDispatcher


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """Build a fresh tracker whose latest message has the given intent."""

    def _make(intent: Optional[str], text: str = "", **slots: Any) -> Tracker:
        latest: Dict[str, Any] = {"text": text, "intent": {}, "entities": []}
        if intent is not None:
            latest["intent"] = {"name": intent, "confidence": 0.99}
        return Tracker.from_dict(
            {
                "sender_id": "test",
                "slots": slots,
                "latest_message": latest,
                "events": [],
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
            }
        )

    return _make


ROOT = Path(__file__).resolve().parents[1]
# The fact sheet the answers are checked against, kept in the repository (a copy
# of the mission's shared/mission/nz-facts.md; tests/test_fact_sheet.py checks
# that the two agree whenever the shared one is beside the project).
FACT_SHEET = ROOT / "docs" / "nz-facts.md"


@pytest.fixture(scope="session")
def fact_sheet_numbers() -> Set[str]:
    """The digits of every number written in the fact sheet (docs/nz-facts.md)."""
    facts = FACT_SHEET.read_text(encoding="utf-8")
    return {re.sub(r"\D", "", m) for m in re.findall(r"\+?\d[\d ]*\d", facts)}


@pytest.fixture
def receiver():
    """A referral receiver that is running."""
    from referral_receiver import SECRET, Receiver

    running = Receiver(SECRET).start()
    yield running
    running.stop()


# --- the running assistant (browser and channel tests) ---------------------------


@pytest.fixture(scope="session")
def neutral_site():
    from stack import NeutralSite

    site = NeutralSite()
    yield site
    site.close()


@pytest.fixture(scope="session")
def platform():
    """A fake of the messaging platforms' send APIs, capturing what is sent."""
    from stack import FakePlatform

    fake = FakePlatform()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, neutral_site, platform):
    """The running assistant: its addresses (rasa, web) and the API token for tests."""
    from stack import run_stack

    yield from run_stack(tmp_path_factory.mktemp("stack"), neutral_site, platform)
