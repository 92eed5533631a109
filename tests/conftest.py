"""Shared pytest fixtures (a fresh dispatcher and tracker for every test, the fact
sheet's numbers, a referral receiver, a fake messaging platform) and the kinds
of test: tests/unit, tests/integration, tests/model and tests/e2e each get
their marker. The running assistant's fixtures are in tests/e2e/conftest.py;
helpers shared by tests are modules in tests/support/ (on the path through
pyproject.toml), never imported from another test module."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

# endpoints.yml sends the action server's token from the environment, and Rasa
# refuses to read any part of the file while the variable is unset: tests that
# read it get a token of their own (scripts/run.sh makes one for each run).
os.environ.setdefault("ACTION_SERVER_TOKEN", "test-" + secrets.token_hex(16))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """Build a fresh tracker whose latest message has the given intent."""

    def _make(intent: str | None, text: str = "", **slots: Any) -> Tracker:
        latest: dict[str, Any] = {"text": text, "intent": {}, "entities": []}
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
# of the mission's shared/mission/nz-facts.md; tests/unit/test_fact_sheet.py checks
# that the two agree whenever the shared one is beside the project).
FACT_SHEET = ROOT / "docs" / "nz-facts.md"


@pytest.fixture(scope="session")
def fact_sheet_numbers() -> set[str]:
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


@pytest.fixture(scope="session")
def platform():
    """A fake of the messaging platforms' send APIs, capturing what is sent."""
    from stack import FakePlatform

    fake = FakePlatform()
    yield fake
    fake.close()


# --- kinds of test, by folder ------------------------------------------------------------

KINDS = {
    "unit": "fast: no model, no servers (a bare `pytest` runs these)",
    "integration": "real servers: action servers, referral receivers, channel webhooks",
    "model": "needs a trained model (scripts/train.sh)",
    "e2e": "the running assistant: the widget in headless Chromium, the messaging webhooks",
}


def pytest_configure(config: pytest.Config) -> None:
    for kind, what in KINDS.items():
        config.addinivalue_line("markers", f"{kind}: {what}")


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its kind, from the folder it is in (tests/<kind>/)."""
    tests = Path(__file__).resolve().parent
    for item in items:
        parts = Path(str(item.fspath)).resolve().relative_to(tests).parts
        if parts and parts[0] in KINDS:
            item.add_marker(getattr(pytest.mark, parts[0]))
