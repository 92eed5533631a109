"""Shared form helpers."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Text

from rasa_sdk import FormValidationAction


def add_slot_validators(form: type, slots: Iterable[str], read: Callable[[Any], Any]) -> None:
    """Give `form` a `validate_<slot>` method per slot that stores `read(answer)`.

    `read` returns None for an answer it cannot use, so the form asks again.
    """
    assert issubclass(form, FormValidationAction)

    def validator(slot: str):
        def validate(self, slot_value, dispatcher, tracker, domain) -> Dict[Text, Any]:
            return {slot: read(slot_value)}

        validate.__name__ = f"validate_{slot}"
        return validate

    for slot in slots:
        setattr(form, f"validate_{slot}", validator(slot))
