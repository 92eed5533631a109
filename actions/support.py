"""Hand-off to support: choose services by need, by who is asking and by place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text

import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contacts import Contact, choose
from actions.content import CONTENT_DIR
from actions.phrases import mentions, words_of

OPTIONS_FILE = CONTENT_DIR / "support_options.yml"
PLACES_FILE = CONTENT_DIR / "places.yml"
MAX_CONTACTS = 4


@lru_cache(maxsize=None)
def load_options(path: Path = OPTIONS_FILE) -> Dict[str, Dict[str, List[str]]]:
    """{'needs': {key: answers}, 'askers': {key: answers}}, in priority order."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        group: {key: [a.lower() for a in entry["answers"]] for key, entry in raw[group].items()}
        for group in ("needs", "askers")
    }


@lru_cache(maxsize=None)
def load_places(path: Path = PLACES_FILE) -> Dict[str, str]:
    """Lower-case place name -> New Zealand region."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["places"]


def match_option(text: Optional[str], options: Dict[str, List[str]]) -> Optional[str]:
    """The first option (in priority order) one of whose answers the text contains."""
    if not text:
        return None
    words = words_of(text)
    for key, answers in options.items():
        if mentions(words, answers):
            return key
    return None


def find_region(texts: Iterable[Optional[str]]) -> Optional[str]:
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


class ValidateSupportForm(FormValidationAction):
    """Turn typed or button answers into a need and an asker; ask again if unclear."""

    def name(self) -> Text:
        return "validate_support_form"

    def validate_support_need(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        return {"support_need": match_option(slot_value, load_options()["needs"])}

    def validate_support_asker(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        return {"support_asker": match_option(slot_value, load_options()["askers"])}


class ActionHandoffSupport(Action):
    """Fill the slots of utter_handoff_support from the contacts directory."""

    def name(self) -> Text:
        return "action_handoff_support"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
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
