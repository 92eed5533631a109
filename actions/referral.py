"""The consent-based referral (warm hand-off).

Only when the person has said yes twice (to the offer, then to the exact text
shown back to them), the summary and a safe way and time to contact them are
written to the durable outbox, and only then is the person told it will be
sent. One delivery attempt is made at once; the worker (`python -m
actions.delivery`) retries the rest with backoff. See actions/delivery.py for
the receiver's contract.

Floods: at most one referral per conversation in REFERRAL_PER_CONVERSATION_MINUTES
and REFERRAL_MAX_PER_HOUR in all (actions/config.py), counted in the outbox
database by a keyed hash of the conversation id (`conversation_key`). A
referral over a limit is not stored or sent, and the person is pointed to the
numbers instead (status `LIMITED`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import sqlite3
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import read_answer
from actions.config import ReferralSettings, active_referral_settings
from actions.delivery import deliver_one
from actions.forms import SafeFormValidationAction
from actions.outbox import LimitReached, Limits, Outbox
from actions.report import SKIPPED, clean_answer, forget_events, load_report

logger = logging.getLogger(__name__)

SCHEMA = "nz-trafficking-help/referral/1"
MAX_CONTACT_CHARS = 200
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE_DIGITS = 7
# A flood limit stopped the referral: the domain's answer says so kindly and
# points to the form and the phone number.
LIMITED = "limited"


def usable_contact(text: str | None) -> str | None:
    """The answer, if it holds a phone number (7+ digits) or an email address."""
    text = clean_answer(text, MAX_CONTACT_CHARS)
    if not text or text == SKIPPED:
        return None
    if EMAIL.search(text) or sum(ch.isdigit() for ch in text) >= PHONE_DIGITS:
        return text
    return None


def referral_body(tracker: Tracker, now: datetime | None = None) -> bytes:
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


def conversation_key(settings: ReferralSettings, sender_id: str | None) -> str:
    """What the flood limits count a conversation by.

    It is an HMAC of the conversation id keyed with the referral secret, so the
    outbox never holds the id or anything that leads back to it.
    """
    message = f"referral-limit:{sender_id or ''}".encode("utf-8", "surrogatepass")
    return hmac.new((settings.secret or "").encode(), message, hashlib.sha256).hexdigest()


def limits_of(settings: ReferralSettings) -> Limits:
    """The outbox's flood limits from the referral settings (minutes become seconds)."""
    return Limits(
        per_conversation_seconds=settings.per_conversation_minutes * 60,
        max_per_hour=settings.max_per_hour,
    )


class ValidateReferralForm(SafeFormValidationAction):
    """Ask again until there is a usable contact and a clear yes or no.

    A negated statement such as "not correct" is a no (actions/answers.py).
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_referral_form"

    def forget_events(self) -> list[dict[str, Any]]:
        """If the form has to stop, what the person wrote goes with it."""
        from actions.report import forget_events

        return forget_events()

    def validate_referral_contact_way(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """Keep the contact only if it holds a phone number or an email (else ask again)."""
        return {"referral_contact_way": usable_contact(slot_value)}

    def validate_referral_contact_time(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """Keep the safe time to contact, cleaned; a skip or an empty answer asks again."""
        value = clean_answer(slot_value, MAX_CONTACT_CHARS)
        return {"referral_contact_time": None if value in (None, SKIPPED) else value}

    def validate_referral_consent(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """Keep a clear "yes" or "no"; anything else asks again."""
        answer = read_answer(slot_value)
        return {"referral_consent": answer if answer in ("yes", "no") else None}


async def send(tracker: Tracker) -> str:
    """Store the referral, try it once, and return the referral_status to tell the person."""
    settings = active_referral_settings()
    if settings is None:
        return "off"
    body = referral_body(tracker)
    try:
        outbox = await asyncio.to_thread(Outbox, settings.outbox)
        key = await asyncio.to_thread(
            outbox.add,
            body,
            conversation=conversation_key(settings, tracker.sender_id),
            limits=limits_of(settings),
        )
    except LimitReached as limit:
        if limit.which == "hour":
            logger.error(
                "Referral not sent: %d referrals in the last hour is the limit "
                "(REFERRAL_MAX_PER_HOUR). Is someone flooding the partner?",
                settings.max_per_hour,
            )
        else:
            logger.warning(
                "Referral not sent: this conversation sent one in the last %g minutes "
                "(REFERRAL_PER_CONVERSATION_MINUTES).",
                settings.per_conversation_minutes,
            )
        return LIMITED
    except (sqlite3.Error, OSError) as error:
        logger.error("Could not write the referral outbox: %s.", type(error).__name__)
        return "error"
    try:
        outcome = await asyncio.to_thread(deliver_one, outbox, settings, key)
    except Exception as error:  # the outbox has it: the worker will send it
        logger.error(
            "First delivery attempt of referral %s failed (%s).", key[:8], type(error).__name__
        )
        return "queued"
    return "sent" if outcome is not None and outcome.delivered else "queued"


class ActionSendReferral(Action):
    """Send the approved referral (or not), tell the person, and forget it here."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_send_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Send the referral if the person said yes; set referral_status; forget the answers.

        The domain's answers tell the person what happened from referral_status
        (sent, queued, cancelled, off, limited or error).
        """
        try:
            status = (
                await send(tracker)
                if tracker.get_slot("referral_consent") == "yes"
                else "cancelled"
            )
        except Exception as error:  # say so, and still forget what the person wrote
            logger.error("Could not send the referral: %s.", type(error).__name__)
            status = "error"
        return [SlotSet("referral_status", status), *forget_events()]
