"""Hand-off to support: choose services by need, by who is asking and by place."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import mentions, words_of
from actions.contacts import Contact, choose
from actions.content import content_loader, content_path, mapping, read_content
from actions.fallback import answers_safely
from actions.forms import SafeFormValidationAction

OPTIONS_FILE = "support_options.yml"
PLACES_FILE = "places.yml"
MAX_CONTACTS = 4


def parse_options(raw: Any) -> dict[str, dict[str, list[str]]]:
    """Check the parsed YAML of support_options.yml."""
    raw = mapping(raw)
    return {
        group: {
            key: [a.lower() for a in mapping(entry, f"{group}: {key}")["answers"]]
            for key, entry in mapping(raw[group], group).items()
        }
        for group in ("needs", "askers")
    }


@content_loader
def load_options(path: Path | None = None) -> dict[str, dict[str, list[str]]]:
    """{'needs': {key: answers}, 'askers': {key: answers}}, in priority order."""
    return read_content(content_path(path, OPTIONS_FILE), parse_options)


def parse_places(raw: Any) -> dict[str, str]:
    """Check the parsed YAML of places.yml."""
    return {str(place): str(region) for place, region in mapping(mapping(raw)["places"]).items()}


@content_loader
def load_places(path: Path | None = None) -> dict[str, str]:
    """Lower-case place name -> New Zealand region."""
    return read_content(content_path(path, PLACES_FILE), parse_places)


def match_option(text: str | None, options: dict[str, list[str]]) -> str | None:
    """The first option (in priority order) one of whose answers the text contains."""
    if not text:
        return None
    words = words_of(text)
    for key, answers in options.items():
        if mentions(words, answers):
            return key
    return None


def find_region(texts: Iterable[str | None]) -> str | None:
    """The region of the first known place named in any of the texts."""
    places = load_places()
    for text in texts:
        if not text:
            continue
        words = words_of(text)
        for place in sorted(places, key=len, reverse=True):
            if mentions(words, [place]):
                return places[place]
    return None


def contact_line(contact: Contact) -> str:
    """One line per contact: name, how to reach it, hours (all from the data)."""
    ways = []
    if contact.phone:
        ways.append(
            f"{contact.phone} ({contact.phone_words})" if contact.phone_words else contact.phone
        )
    if contact.text:
        ways.append(f"text {contact.text}")
    if contact.web:
        ways.append(contact.web)
    reach = ", ".join(ways)
    return (
        f"• {contact.name}: {reach}. {contact.hours}"
        if reach
        else f"• {contact.name}: {contact.hours}"
    )


class ValidateSupportForm(SafeFormValidationAction):
    """Turn typed or button answers into a need and an asker; ask again if unclear."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_support_form"

    def validate_support_need(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """The need the answer names (support_options.yml); None asks again."""
        return {"support_need": match_option(slot_value, load_options()["needs"])}

    def validate_support_asker(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """Who is asking, as the answer says (support_options.yml); None asks again."""
        return {"support_asker": match_option(slot_value, load_options()["askers"])}


class ActionHandoffSupport(Action):
    """Fill the slots of utter_handoff_support from the contacts directory."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_handoff_support"

    @answers_safely
    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Set support_contacts (at most MAX_CONTACTS lines), support_region, support_place_named.

        The contacts fit the need (someone to talk to if none was given) and the
        asker; the region comes from the place the person named, if any.
        """
        need = tracker.get_slot("support_need") or "someone_to_talk_to"
        asker = tracker.get_slot("support_asker")
        contacts = choose(need, asker)[:MAX_CONTACTS]
        # The place was taken from the message that named it, when it arrived
        # (entities place, GPE, LOC): stored conversations keep no old text to search.
        region = find_region([tracker.get_slot("support_place")])
        return [
            SlotSet("support_contacts", "\n".join(contact_line(c) for c in contacts)),
            SlotSet("support_region", region),
            SlotSet("support_place_named", region is not None),
        ]
