"""A tracker store that keeps as little as possible of what people write.

`PrivateTrackerStore` is Rasa's in-memory store with these differences:

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
  deleted, and `delete` forgets one conversation at once. Conversations are
  kept in order of last activity, so finding the idle ones costs nothing per
  conversation held: the sweep stops at the first one still active.
* Bounded: at most `max_conversations` are held (the one idle longest goes
  first), and at most `max_events` events per conversation (older turns are
  dropped, with the current slots and form kept).
* Fails closed: if saving fails, the conversation is deleted and the error
  goes on. `harden(agent)` (run at server start by our channels) replaces
  Rasa's fallback for a failing store, a plain in-memory store that would keep
  message text for ever, with `ClosedStore`, which keeps nothing and raises,
  so the channel answers with the 111 line; and it stops the server if the
  store in use is not this one (Rasa falls back to its default store, quietly,
  when the configured one cannot be imported).

Set in endpoints.yml as `tracker_store: type: bot.stores.PrivateTrackerStore`.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.constants import DEFAULT_SLOT_NAMES
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_MAX_IDLE_MINUTES = 60.0
DEFAULT_MAX_CONVERSATIONS = 5000
DEFAULT_MAX_EVENTS = 400  # about 50 turns; a conversation this long keeps its recent turns


def free_text_slots(domain: Domain) -> set[str]:
    """Our slots that do not steer the conversation: their history is never needed.

    Rasa's own slots (requested_slot and the like) keep their history.
    """
    return {
        slot.name
        for slot in domain.slots
        if not slot.influence_conversation and slot.name not in DEFAULT_SLOT_NAMES
    }


def since_last_restart(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events from the last restart on (all of them if there was none)."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "restart":
            return events[index:]
    return events


def redact_events(
    events: list[dict[str, Any]], private_slots: set[str], current: dict[str, Any]
) -> list[dict[str, Any]]:
    """Copies of `events` with no message text and no past values of private slots."""
    last_set: dict[str, int] = {}
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


def bounded_events(events: list[dict[str, Any]], max_events: int) -> list[dict[str, Any]]:
    """At most about `max_events` events: the latest turns, and what they rely on.

    The kept turns come after events that restore the current slot values and
    the active form (which the dropped turns had set). The cut is where a turn
    starts (an action_listen), so no turn is split; a conversation within the
    bound is returned as it is.
    """
    if len(events) <= max_events:
        return events
    start = len(events) - max_events // 2
    while start < len(events) and not (
        events[start].get("event") == "action" and events[start].get("name") == "action_listen"
    ):
        start += 1
    dropped, kept = events[:start], events[start:]
    state: dict[Any, dict[str, Any]] = {}
    for event in dropped:
        if event.get("event") == "slot":
            state[("slot", event.get("name"))] = event
        elif event.get("event") == "active_loop":
            state[("loop",)] = event
    first = [e for e in dropped[:1] if e.get("event") in ("action", "session_started")]
    return first + list(state.values()) + kept


class StoreUnavailable(RuntimeError):
    """The conversation could not be kept safely, so nothing was kept."""


class PrivateTrackerStore(InMemoryTrackerStore):
    """In-memory conversations without message text, slot history or idle leftovers."""

    def __init__(
        self,
        domain: Domain,
        event_broker: EventBroker | None = None,
        max_idle_minutes: float = DEFAULT_MAX_IDLE_MINUTES,
        clock: Callable[[], float] = time.time,
        max_conversations: int = DEFAULT_MAX_CONVERSATIONS,
        max_events: int = DEFAULT_MAX_EVENTS,
        **kwargs: dict[str, Any],
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.max_idle = float(max_idle_minutes) * 60
        self.clock = clock
        self.max_conversations = int(max_conversations)
        self.max_events = int(max_events)
        # Last activity of each conversation, least recent first.
        self.last_active: OrderedDict[str, float] = OrderedDict()

    def _forget_idle(self) -> None:
        """Delete idle conversations; stops at the first active one (oldest first)."""
        cutoff = self.clock() - self.max_idle
        while self.last_active:
            sender_id, when = next(iter(self.last_active.items()))
            if when >= cutoff:
                return
            self._drop(sender_id)

    def _drop(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)
        self.last_active.pop(sender_id, None)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the conversation since its last restart, redacted and bounded.

        Events are streamed to the event broker first. If anything fails, the
        conversation is dropped rather than kept half-redacted, and the error is
        raised. A new conversation beyond `max_conversations` pushes out the one
        idle longest.
        """
        sender_id = tracker.sender_id
        try:
            await self.stream_events(tracker)
            self._forget_idle()
            dialogue = tracker.as_dialogue().as_dict()
            current = {name: slot.value for name, slot in tracker.slots.items()}
            events = bounded_events(since_last_restart(dialogue["events"]), self.max_events)
            dialogue["events"] = redact_events(events, free_text_slots(self.domain), current)
            serialised = json.dumps(dialogue)
        except Exception:
            self._drop(sender_id)  # keep nothing rather than something half-redacted
            raise
        if sender_id not in self.store:
            while len(self.store) >= self.max_conversations and self.last_active:
                self._drop(next(iter(self.last_active)))  # the one idle longest
        self.store[sender_id] = serialised
        self.last_active[sender_id] = self.clock()
        self.last_active.move_to_end(sender_id)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The stored conversation (None if there is none), after idle ones are forgotten."""
        self._forget_idle()
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """The stored conversation with all its sessions, after idle ones are forgotten."""
        self._forget_idle()
        return await super().retrieve_full_tracker(sender_id)

    async def keys(self) -> Iterable[str]:
        """The ids of the stored conversations, after idle ones are forgotten."""
        self._forget_idle()
        return list(self.store.keys())

    async def delete(self, sender_id: str) -> None:
        """Forget one conversation now (the web chat's "clear this conversation")."""
        self._drop(sender_id)


class ClosedStore(TrackerStore):
    """What Rasa falls back to when the private store fails: it keeps nothing.

    Saving raises StoreUnavailable, so the message fails and the channel
    answers with the 111 line, instead of Rasa's default fallback quietly
    keeping the conversation, words and all, in memory.
    """

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Keep nothing.

        Raises:
            StoreUnavailable: always, so that the channel answers with the 111 line.
        """
        raise StoreUnavailable("the conversation store failed; nothing was kept")

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """None: no conversation is stored."""
        return None

    async def keys(self) -> Iterable[str]:
        """No ids: no conversation is stored."""
        return []


PRIVATE_STORES = (PrivateTrackerStore,)


def harden(agent: Any) -> None:
    """Check and secure the running assistant's store; run once at server start.

    Raises RuntimeError (which stops the server) when the store in use is not
    a private one: Rasa uses its default in-memory store, which keeps every
    message, when the configured store cannot be imported or is misspelt.
    Replaces the fail-safe wrapper's fallback with ClosedStore.
    """
    store = getattr(agent, "tracker_store", None)
    inner = store._tracker_store if isinstance(store, FailSafeTrackerStore) else store
    if not isinstance(inner, PRIVATE_STORES):
        raise RuntimeError(
            f"The conversation store is {type(inner).__name__}, not a private store: "
            "check tracker_store in endpoints.yml (bot.stores.PrivateTrackerStore) and "
            "that bot.stores imports. Refusing to start, so that no conversation is kept "
            "with its words."
        )
    if isinstance(store, FailSafeTrackerStore):
        store._fallback_tracker_store = ClosedStore(inner.domain)


def harden_on_start(blueprint: Any) -> None:
    """Run `harden` on the agent once the server has loaded it (Sanic listener)."""

    @blueprint.listener("after_server_start")
    async def _harden(app: Any, loop: Any) -> None:
        try:
            harden(getattr(app.ctx, "agent", None))
        except RuntimeError as error:
            logger.critical("%s", str(error))  # our own words: no conversation in them
            app.stop()
            raise


async def forget_conversation(tracker_store: TrackerStore, sender_id: str) -> None:
    """Delete a conversation from the store, whichever store it is.

    Rasa wraps the configured store (FailSafeTrackerStore); stores without a
    `delete` get an empty conversation saved over the old one.
    """
    store = getattr(tracker_store, "_tracker_store", tracker_store)
    if isinstance(store, PrivateTrackerStore):
        await store.delete(sender_id)
        return
    await tracker_store.save(DialogueStateTracker(sender_id, tracker_store.domain.slots))
