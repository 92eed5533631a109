"""Shared pytest fixtures: a fresh dispatcher and tracker for every test."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import pytest
from rasa_sdk import Tracker
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
