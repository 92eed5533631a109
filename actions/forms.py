"""Shared form helpers: forms whose questions are content, and that fail safely."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content import ContentError
from actions.fallback import answer_without_content

REQUESTED_SLOT = "requested_slot"
Events = list[dict[str, Any]]


class SafeFormValidationAction(FormValidationAction):
    """A form validation action that stops its form safely when content cannot load.

    Without its content the form could only ask the same question forever, so
    the person gets the safe answer (actions/fallback.py) and the form ends
    (`requested_slot` None), with `forget_events()` added to the events.
    """

    @abstractmethod
    def name(self) -> str:
        """validate_<form>; abstract, so that rasa-sdk registers only the real forms."""

    def forget_events(self) -> Events:
        """Events that clear what the person wrote, when the form stops (none by default)."""
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        """Validate as rasa-sdk does; if content cannot load, end the form safely."""
        try:
            return await super().run(dispatcher, tracker, domain)
        except ContentError as error:
            return [
                *self.forget_events(),
                SlotSet(REQUESTED_SLOT, None),
                *answer_without_content(self.name(), error, dispatcher, domain),
            ]


class ContentSlotsForm(SafeFormValidationAction):
    """A form with one question per entry of a content file, all read the same way.

    `slots()` lists the slots (read from content when a slot is validated, never
    at import) and `read(answer)` turns an answer into the slot's value, or None
    for an answer it cannot use, so the form asks again. `validate_<slot>` is
    there for each slot listed, as rasa-sdk expects.
    """

    @abstractmethod
    def slots(self) -> Iterable[str]:
        """The form's slots, from its content file (each subclass says which)."""

    @abstractmethod
    def read(self, answer: Any) -> Any:
        """The slot's value for an answer, or None to ask again (each subclass says how)."""

    def respond(self, slot: str, value: Any, dispatcher: CollectingDispatcher) -> None:
        """Say something at once about an answer, before the next question (nothing by default)."""

    def __getattr__(self, attribute: str) -> Callable[..., dict[str, Any]]:
        # Only called for attributes the class does not have: validate_<slot>.
        slot = attribute[len("validate_") :] if attribute.startswith("validate_") else None
        if not slot or slot not in self.slots():
            raise AttributeError(f"{type(self).__name__} has no attribute {attribute!r}")

        def validate(slot_value, dispatcher, tracker, domain) -> dict[str, Any]:
            value = self.read(slot_value)
            self.respond(slot, value, dispatcher)
            return {slot: value}

        validate.__name__ = attribute
        return validate
