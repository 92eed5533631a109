"""The consent-based referral (warm hand-off).

Only when the person has said yes twice (to the offer, then to the exact text
shown back to them), the summary and a safe way and time to contact them are
written to the durable outbox, and only then is the person told it will be
sent. One delivery attempt is made at once; the worker (`python -m
actions.delivery`) retries the rest with backoff. See actions/delivery.py for
the receiver's contract.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.config import active_referral_settings
from actions.delivery import deliver_one
from actions.outbox import Outbox
from actions.report import SKIPPED, clean_answer, forget_events, load_report
from actions.self_check import read_answer

logger = logging.getLogger(__name__)

SCHEMA = "nz-trafficking-help/referral/1"
MAX_CONTACT_CHARS = 200
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE_DIGITS = 7


def usable_contact(text: Optional[str]) -> Optional[str]:
    """The answer, if it holds a phone number (7+ digits) or an email address."""
    text = clean_answer(text, MAX_CONTACT_CHARS)
    if not text or text == SKIPPED:
        return None
    if EMAIL.search(text) or sum(ch.isdigit() for ch in text) >= PHONE_DIGITS:
        return text
    return None


def referral_body(tracker: Tracker, now: Optional[datetime] = None) -> bytes:
    """The JSON the receiver gets: only what the person was shown and approved."""
    now = now or datetime.now(timezone.utc)
    report = {}
    for slot in load_report()["fields"]:
        value = tracker.get_slot(slot)
        if value and value != SKIPPED:
            report[slot.removeprefix("report_")] = value
    body = {
        "schema": SCHEMA,
        "created": now.isoformat(timespec="seconds"),
        "report": report,
        "summary": tracker.get_slot("report_summary"),
        "contact": {
            "way": tracker.get_slot("referral_contact_way"),
            "safe_time": tracker.get_slot("referral_contact_time"),
        },
        "consent": "The person read this summary and contact details and chose to send them.",
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


class ValidateReferralForm(FormValidationAction):
    """Ask again until there is a usable contact and a clear yes or no."""

    def name(self) -> Text:
        return "validate_referral_form"

    def validate_referral_contact_way(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        return {"referral_contact_way": usable_contact(slot_value)}

    def validate_referral_contact_time(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        value = clean_answer(slot_value, MAX_CONTACT_CHARS)
        return {"referral_contact_time": None if value in (None, SKIPPED) else value}

    def validate_referral_consent(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        answer = read_answer(slot_value)
        return {"referral_consent": answer if answer in ("yes", "no") else None}


async def send(tracker: Tracker) -> str:
    """Store the referral, try it once, and return the referral_status to tell the person."""
    settings = active_referral_settings()
    if settings is None:
        return "off"
    try:
        outbox = await asyncio.to_thread(Outbox, settings.outbox)
        key = await asyncio.to_thread(outbox.add, referral_body(tracker))
    except (sqlite3.Error, OSError):
        logger.exception("Could not write the referral outbox.")
        return "error"
    try:
        outcome = await asyncio.to_thread(deliver_one, outbox, settings, key)
    except Exception:  # the outbox has it: the worker will send it
        logger.exception("First delivery attempt of referral %s failed.", key[:8])
        return "queued"
    return "sent" if outcome is not None and outcome.delivered else "queued"


class ActionSendReferral(Action):
    """Send the approved referral (or not), tell the person, and forget it here."""

    def name(self) -> Text:
        return "action_send_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        status = (
            await send(tracker) if tracker.get_slot("referral_consent") == "yes" else "cancelled"
        )
        return [SlotSet("referral_status", status), *forget_events()]
