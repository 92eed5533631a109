"""The anonymous report helper: what, where, when and who, then a summary to copy.

Every answer is optional. The summary lives in the conversation's slots only
until the person has seen it and decided whether to send it on;
`action_forget_report` then clears every report and referral slot.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.config import active_referral_settings
from actions.content import CONTENT_DIR
from actions.forms import add_slot_validators
from actions.self_check import read_answer

REPORT_FILE = CONTENT_DIR / "report.yml"
SKIPPED = "skipped"
# Every slot that can hold what the person wrote (bot/stores.py keeps no past values of these).
SENSITIVE_SLOTS = (
    "report_what",
    "report_where",
    "report_when",
    "report_who",
    "report_summary",
    "referral_contact_way",
    "referral_contact_time",
    "referral_consent",
)


@lru_cache(maxsize=None)
def load_report(path: Path = REPORT_FILE) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def clean_answer(text: Optional[str], max_chars: int) -> Optional[str]:
    """One line of at most `max_chars`, 'skipped' for a skip word, None when empty."""
    if not text:
        return None
    text = " ".join(text.split())
    if not text:
        return None
    if read_answer(text) == SKIPPED:
        return SKIPPED
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def summary_of(answers: Dict[str, Optional[str]]) -> str:
    """The summary to copy, one labelled line per question, in question order."""
    report = load_report()
    lines = []
    for slot, label in report["fields"].items():
        value = answers.get(slot)
        lines.append(f"{label}: {value if value and value != SKIPPED else report['not_given']}")
    return "\n".join(lines)


def referral_partner() -> Optional[str]:
    """Who receives referrals, or None when referral is off (or its settings are unusable)."""
    settings = active_referral_settings()
    return settings.partner if settings else None


def forget_events() -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slot in SENSITIVE_SLOTS]


class ValidateReportForm(FormValidationAction):
    """Tidy each answer; a skip word is kept as 'skipped' so the form moves on.

    One `validate_<slot>` method per field in report.yml is added below.
    """

    def name(self) -> Text:
        return "validate_report_form"


add_slot_validators(
    ValidateReportForm,
    load_report()["fields"],
    lambda answer: clean_answer(answer, load_report()["max_answer_chars"]),
)


class ActionReportSummary(Action):
    """Fill the summary, and say whether a referral can be offered and to whom."""

    def name(self) -> Text:
        return "action_report_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        answers = {slot: tracker.get_slot(slot) for slot in load_report()["fields"]}
        partner = referral_partner()
        return [
            SlotSet("report_summary", summary_of(answers)),
            SlotSet("referral_enabled", partner is not None),
            SlotSet("referral_partner", partner),
        ]


class ActionForgetReport(Action):
    """Clear everything the person wrote for the report and the referral."""

    def name(self) -> Text:
        return "action_forget_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return forget_events()
