"""The anonymous report helper: what, where, when and who, then a summary to copy.

Every answer is optional. The summary lives in the conversation's slots only
until the person has seen it and decided whether to send it on;
`action_forget_report` then clears every report and referral slot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import read_answer
from actions.config import active_referral_settings
from actions.content import ContentError, content_loader, content_path, mapping, read_content
from actions.fallback import answer_without_content
from actions.forms import ContentSlotsForm

REPORT_FILE = "report.yml"
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


def parse_report(raw: Any) -> dict[str, Any]:
    """Check the parsed YAML of report.yml and return it with its fields checked.

    report.yml holds fields (slot -> label), max_answer_chars and not_given.

    Raises:
        ContentError: no fields, or max_answer_chars is not a whole number above 1
            (a missing key raises KeyError, which `read_content` reports).
    """
    raw = mapping(raw)
    fields = mapping(raw["fields"], "fields")
    if not fields:
        raise ContentError("fields lists no questions")
    limit = raw["max_answer_chars"]
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 2:
        raise ContentError("max_answer_chars must be a whole number above 1")
    return {**raw, "fields": fields, "not_given": str(raw["not_given"])}


@content_loader
def load_report(path: Path | None = None) -> dict[str, Any]:
    """How the summary is laid out, from report.yml."""
    return read_content(content_path(path, REPORT_FILE), parse_report)


def clean_answer(text: str | None, max_chars: int) -> str | None:
    """One line of at most `max_chars`, 'skipped' for a skip word, None when empty."""
    if not text:
        return None
    text = " ".join(text.split())
    if not text:
        return None
    if read_answer(text) == SKIPPED:
        return SKIPPED
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def summary_of(answers: dict[str, str | None]) -> str:
    """The summary to copy, one labelled line per question, in question order."""
    report = load_report()
    lines = []
    for slot, label in report["fields"].items():
        value = answers.get(slot)
        lines.append(f"{label}: {value if value and value != SKIPPED else report['not_given']}")
    return "\n".join(lines)


def referral_partner() -> str | None:
    """Who receives referrals, or None when referral is off (or its settings are unusable)."""
    settings = active_referral_settings()
    return settings.partner if settings else None


def forget_events() -> list[dict[str, Any]]:
    """Events that clear every slot that can hold what the person wrote."""
    return [SlotSet(slot, None) for slot in SENSITIVE_SLOTS]


class ValidateReportForm(ContentSlotsForm):
    """Tidy each answer; a skip word is kept as 'skipped' so the form moves on.

    There is a `validate_<slot>` method per field in report.yml. If the content
    cannot load, the form stops and forgets what the person wrote.
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_report_form"

    def slots(self) -> list[str]:
        """The report's question slots, in report.yml's order."""
        return list(load_report()["fields"])

    def read(self, answer: Any) -> str | None:
        """The answer as one tidy line (see `clean_answer`); None asks again."""
        return clean_answer(answer, load_report()["max_answer_chars"])

    def forget_events(self) -> list[dict[str, Any]]:
        """If the form has to stop, what the person wrote goes with it."""
        return forget_events()


class ActionReportSummary(Action):
    """Fill the summary, and say whether a referral can be offered and to whom."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_report_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Set report_summary, referral_enabled and referral_partner.

        Without its content there is no summary: the answers are forgotten and
        the person gets the safe answer.
        """
        try:
            answers = {slot: tracker.get_slot(slot) for slot in load_report()["fields"]}
            summary = summary_of(answers)
        except ContentError as error:  # no summary to show: forget what was written
            return [
                *forget_events(),
                *answer_without_content(self.name(), error, dispatcher, domain),
            ]
        partner = referral_partner()
        return [
            SlotSet("report_summary", summary),
            SlotSet("referral_enabled", partner is not None),
            SlotSet("referral_partner", partner),
        ]


class ActionForgetReport(Action):
    """Clear everything the person wrote for the report and the referral."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_forget_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Clear the report's and the referral's slots (see `forget_events`)."""
        return forget_events()
