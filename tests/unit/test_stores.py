"""The private tracker store: no message text, no past free-text slot values,
no idle conversations."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.stores import PrivateTrackerStore, free_text_slots, redact_events

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def conversation(domain: Domain, sender: str = "s1") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in [
        ActionExecuted("action_listen"),
        UserUttered(
            "my boss took my passport",
            {"name": "report_something", "confidence": 1.0},
            parse_data={
                "text": "my boss took my passport",
                "intent": {"name": "report_something", "confidence": 1.0},
                "entities": [],
            },
        ),
        SlotSet("report_what", "my boss took my passport"),
        BotUttered("Here is what you told me: my boss took my passport"),
        SlotSet("report_where", "Hastings"),
        SlotSet("report_what", None),  # forgotten by action_forget_report
        SlotSet("referral_enabled", True),
        SlotSet("referral_enabled", False),
    ]:
        tracker.update(event)
    return tracker


def test_endpoints_use_the_private_store(domain):
    store = TrackerStore.create(
        read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store"), domain
    )
    assert isinstance(store, PrivateTrackerStore)
    assert store.max_idle == 60 * 60


def test_only_free_text_slots_lose_their_history(domain):
    private = free_text_slots(domain)
    assert {"report_what", "referral_contact_way", "support_need", "sc_passport"} <= private
    assert "referral_enabled" not in private  # steers the conversation
    assert "requested_slot" not in private  # Rasa's own


async def test_saved_conversation_holds_no_words_and_no_past_values(domain):
    store = PrivateTrackerStore(domain)
    await store.save(conversation(domain))
    raw = store.store["s1"]
    assert "passport" not in raw
    tracker = await store.retrieve("s1")
    assert tracker.get_slot("report_what") is None
    assert tracker.get_slot("report_where") == "Hastings"  # current values stay
    assert tracker.get_slot("referral_enabled") is False
    assert tracker.latest_message.intent["name"] == "report_something"  # the policies' view stays
    enabled = [
        e.value for e in tracker.events if isinstance(e, SlotSet) and e.key == "referral_enabled"
    ]
    assert enabled == [True, False]  # slots that steer the conversation keep their history


def test_redaction_does_not_change_the_input():
    entity = {"entity": "GPE", "value": "Hastings", "start": 0, "end": 8}
    events = [
        {"event": "user", "text": "hello", "parse_data": {"text": "hello", "entities": [entity]}},
        {"event": "slot", "name": "report_who", "value": "the owner"},
    ]
    redacted = redact_events(events, {"report_who"}, {"report_who": None})
    assert redacted[0]["text"] is None and redacted[0]["parse_data"]["text"] is None
    assert redacted[0]["parse_data"]["entities"] == [{**entity, "value": None}]
    assert redacted[1]["value"] is None
    assert events[0]["text"] == "hello" and events[1]["value"] == "the owner"
    assert entity["value"] == "Hastings"


async def test_idle_conversations_are_deleted(domain):
    clock = Clock()
    store = PrivateTrackerStore(domain, max_idle_minutes=60, clock=clock)
    await store.save(conversation(domain, "old"))
    clock.now += 30 * 60
    await store.save(conversation(domain, "recent"))
    clock.now += 31 * 60
    assert await store.retrieve("old") is None
    assert await store.retrieve("recent") is not None
    assert list(await store.keys()) == ["recent"]


async def test_delete_forgets_a_conversation(domain):
    store = PrivateTrackerStore(domain)
    await store.save(conversation(domain))
    await store.delete("s1")
    assert await store.retrieve("s1") is None


async def test_nothing_before_a_restart_is_kept(domain):
    from rasa.shared.core.events import Restarted

    store = PrivateTrackerStore(domain)
    tracker = conversation(domain)
    for event in [
        ActionExecuted("utter_forgotten_conversation"),
        Restarted(),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)
    await store.save(tracker)
    kept = await store.retrieve_full_tracker("s1")
    assert [e.type_name for e in kept.events][0] == "restart"
    assert kept.get_slot("report_where") is None and kept.get_slot("referral_enabled") is None
    assert "report_something" not in store.store["s1"]


async def test_forget_conversation_unwraps_rasas_fail_safe_store(domain):
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    from bot.stores import forget_conversation

    private = PrivateTrackerStore(domain)
    await private.save(conversation(domain))
    await forget_conversation(FailSafeTrackerStore(private), "s1")
    assert "s1" not in private.store

    plain = InMemoryTrackerStore(domain)
    await plain.save(conversation(domain))
    await forget_conversation(plain, "s1")
    assert "passport" not in plain.store["s1"]


# --- bounds ------------------------------------------------------------------------------


async def test_at_most_max_conversations_are_held_the_one_idle_longest_goes(domain):
    clock = Clock()
    store = PrivateTrackerStore(domain, clock=clock, max_conversations=3)
    for sender in ["a", "b", "c"]:
        await store.save(conversation(domain, sender))
        clock.now += 1
    await store.save(conversation(domain, "a"))  # "a" is active again
    clock.now += 1
    await store.save(conversation(domain, "d"))
    assert sorted(await store.keys()) == ["a", "c", "d"]  # "b" was idle longest


async def test_the_idle_sweep_stops_at_the_first_active_conversation(domain):
    """Conversations are kept oldest first, so the sweep does not read them all."""
    clock = Clock()
    store = PrivateTrackerStore(domain, clock=clock, max_idle_minutes=1)
    for number in range(2000):
        await store.save(conversation(domain, f"s{number}"))
    looked_at = []

    class Watching(type(store.last_active)):
        def items(self):
            for item in super().items():
                looked_at.append(item[0])
                yield item

    store.last_active = Watching(store.last_active)
    await store.retrieve("s5")
    assert len(looked_at) <= 1
    clock.now += 120  # all idle now
    await store.retrieve("s5")
    assert await store.keys() == [] and store.store == {}


async def test_a_long_conversation_keeps_recent_turns_its_slots_and_its_form(domain):
    from rasa.shared.core.events import ActiveLoop

    store = PrivateTrackerStore(domain, max_events=40)
    tracker = DialogueStateTracker("long", domain.slots)
    tracker.update(SlotSet("referral_enabled", True))
    tracker.update(ActiveLoop("report_form"))
    tracker.update(SlotSet("report_where", "Hastings"))
    for turn in range(100):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"turn {turn}", {"name": "affirm", "confidence": 1.0}))
        tracker.update(ActionExecuted("utter_greet"))
    await store.save(tracker)
    kept = await store.retrieve_full_tracker("long")
    assert len(kept.events) <= 40
    assert kept.get_slot("referral_enabled") is True
    assert kept.get_slot("report_where") == "Hastings"
    assert kept.active_loop_name == "report_form"
    assert kept.latest_action_name == "utter_greet"
    assert sum(1 for e in kept.events if isinstance(e, UserUttered)) >= 5


# --- failing closed --------------------------------------------------------------------------


async def test_a_save_that_fails_keeps_nothing_and_rasa_keeps_nothing_either(domain):
    from rasa.core.tracker_store import FailSafeTrackerStore

    from bot.stores import StoreUnavailable, harden

    private = PrivateTrackerStore(domain)
    await private.save(conversation(domain))

    class Agent:
        tracker_store = FailSafeTrackerStore(private)

    harden(Agent)
    broken = conversation(domain)
    broken.update(SlotSet("report_what", object()))  # cannot be written as JSON
    with pytest.raises(StoreUnavailable):
        await Agent.tracker_store.save(broken)  # the channel answers with the 111 line
    assert "s1" not in private.store  # the old copy went too
    assert await Agent.tracker_store.retrieve("s1") is None
    assert list(await Agent.tracker_store.fallback_tracker_store.keys()) == []


def test_the_server_refuses_to_start_without_the_private_store(domain):
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    from bot.stores import harden

    class Agent:
        tracker_store = FailSafeTrackerStore(InMemoryTrackerStore(domain))

    with pytest.raises(RuntimeError, match="not a private store"):
        harden(Agent)
    with pytest.raises(RuntimeError, match="not a private store"):
        harden(None)  # the model did not load at all
