"""Hand-offs: choose the right contact from the directory and fill its slots."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contacts import Contact, load_contacts
from actions.fallback import answers_safely


def police_contact_key(wants_anonymous: bool) -> str:
    """Crimestoppers for someone who wants to stay anonymous, else Police 105.

    Danger now never reaches here: it is answered with 111 by a rule, before
    the hand-off form starts.
    """
    return "crimestoppers" if wants_anonymous else "police_105"


def contact_slots(contact: Contact) -> list[dict[str, Any]]:
    """Slot events that the hand-off responses read."""
    return [
        SlotSet("handoff_phone", contact.phone),
        SlotSet("handoff_tel", contact.tel_uri()),
        SlotSet("handoff_web", contact.web),
    ]


class ActionHandoffPolice(Action):
    """Pick Police 105 or Crimestoppers and fill the slots of utter_handoff_police."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_handoff_police"

    @answers_safely
    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Set police_contact and the contact's phone, tel: link and web address."""
        key = police_contact_key(bool(tracker.get_slot("wants_anonymous")))
        contact = load_contacts()[key]
        return [SlotSet("police_contact", key), *contact_slots(contact)]
