"""A tracker store that keeps as little as possible of what people write.

`PrivateTrackerStore` is Rasa's in-memory store with three differences:

* No stored event holds words: the text of every user message and every bot
  message, and the values of entities found in it (place names), are removed
  when the tracker is saved (intents, entity names, actions and buttons stay,
  which is all the dialogue policies need on the next turn).
* No past slot values: a slot that does not steer the conversation (free
  text such as the report helper's answers) keeps only its current value;
  when an action clears it, nothing of it is left.
* Nothing from before a restart: the "forget me" command ends in
  action_restart, and everything before it is dropped.
* Conversations idle for longer than the session expiry (60 minutes) are
  deleted, and `delete` forgets one conversation at once.

Set in endpoints.yml as `tracker_store: type: bot.stores.PrivateTrackerStore`.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.constants import DEFAULT_SLOT_NAMES
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_MAX_IDLE_MINUTES = 60.0


def free_text_slots(domain: Domain) -> Set[str]:
    """Our slots that do not steer the conversation: their history is never needed.

    Rasa's own slots (requested_slot and the like) keep their history.
    """
    return {
        slot.name
        for slot in domain.slots
        if not slot.influence_conversation and slot.name not in DEFAULT_SLOT_NAMES
    }


def since_last_restart(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events from the last restart on (all of them if there was none)."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "restart":
            return events[index:]
    return events


def redact_events(
    events: List[Dict[str, Any]], private_slots: Set[str], current: Dict[str, Any]
) -> List[Dict[str, Any]]:
    """Copies of `events` with no message text and no past values of private slots."""
    last_set: Dict[str, int] = {}
    for index, event in enumerate(events):
        if event.get("event") == "slot" and event.get("name") in private_slots:
            last_set[event["name"]] = index
    redacted = []
    for index, event in enumerate(events):
        event = dict(event)
        kind = event.get("event")
        if kind == "user":
            event["text"] = None
            if isinstance(event.get("parse_data"), dict):
                parse = event["parse_data"]
                # Entity names stay (the policies see them); the words do not.
                entities = [{**e, "value": None} for e in parse.get("entities") or []]
                event["parse_data"] = {**parse, "text": None, "entities": entities}
        elif kind == "bot":
            event["text"] = None
        elif kind == "slot" and event.get("name") in private_slots:
            name = event["name"]
            keep = last_set[name] == index and event.get("value") == current.get(name)
            if not keep:
                event["value"] = None
        redacted.append(event)
    return redacted


class PrivateTrackerStore(InMemoryTrackerStore):
    """In-memory conversations without message text, slot history or idle leftovers."""

    def __init__(
        self,
        domain: Domain,
        event_broker: Optional[EventBroker] = None,
        max_idle_minutes: float = DEFAULT_MAX_IDLE_MINUTES,
        clock: Callable[[], float] = time.time,
        **kwargs: Dict[Text, Any],
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.max_idle = float(max_idle_minutes) * 60
        self.clock = clock
        self.last_active: Dict[Text, float] = {}

    def _forget_idle(self) -> None:
        cutoff = self.clock() - self.max_idle
        for sender_id in [s for s, t in self.last_active.items() if t < cutoff]:
            self.store.pop(sender_id, None)
            self.last_active.pop(sender_id, None)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        self._forget_idle()
        dialogue = tracker.as_dialogue().as_dict()
        current = {name: slot.value for name, slot in tracker.slots.items()}
        dialogue["events"] = redact_events(
            since_last_restart(dialogue["events"]), free_text_slots(self.domain), current
        )
        self.store[tracker.sender_id] = json.dumps(dialogue)
        self.last_active[tracker.sender_id] = self.clock()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._forget_idle()
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._forget_idle()
        return await super().retrieve_full_tracker(sender_id)

    async def keys(self) -> Iterable[Text]:
        self._forget_idle()
        return list(self.store.keys())

    async def delete(self, sender_id: Text) -> None:
        """Forget one conversation now (the web chat's "clear this conversation")."""
        self.store.pop(sender_id, None)
        self.last_active.pop(sender_id, None)


async def forget_conversation(tracker_store: TrackerStore, sender_id: Text) -> None:
    """Delete a conversation from the store, whichever store it is.

    Rasa wraps the configured store (FailSafeTrackerStore); stores without a
    `delete` get an empty conversation saved over the old one.
    """
    store = getattr(tracker_store, "_tracker_store", tracker_store)
    if isinstance(store, PrivateTrackerStore):
        await store.delete(sender_id)
        return
    await tracker_store.save(DialogueStateTracker(sender_id, tracker_store.domain.slots))
