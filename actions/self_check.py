"""The anonymous self-check: read yes, no or skip, then summarise the signs.

The summary lists the signs answered yes, never a verdict. A yes to a question
marked `urgent` in self_check.yml (locked in, threats of violence) gets the
111 answer at once, before the next question. Nothing is stored
beyond the conversation's own slots. Answers are read by the shared reader in
actions/answers.py; the questions are in actions/content/self_check.yml, read
when an action first needs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import SELF_CHECK_FILE, parse_answer_words, read_answer
from actions.content import content_loader, content_path, mapping, read_content
from actions.fallback import answers_safely
from actions.forms import ContentSlotsForm

URGENT_RESPONSE = "utter_self_check_urgent"  # domain/safety.yml


def parse_self_check(raw: Any) -> dict[str, Any]:
    """The source, questions and answer words, from the parsed YAML of self_check.yml."""
    raw = mapping(raw)
    questions = mapping(raw["questions"], "questions")
    for slot, question in questions.items():
        mapping(question, f"question {slot}")["sign"]
    return {
        "source": raw["source"],
        "questions": questions,
        "answers": parse_answer_words(raw),
    }


@content_loader
def load_self_check(path: Path | None = None) -> dict[str, Any]:
    """The questions (slot -> sign) and the answer words, from self_check.yml."""
    return read_content(content_path(path, SELF_CHECK_FILE), parse_self_check)


def signs_present(slots: dict[str, str | None]) -> list[str]:
    """The signs, in question order, that were answered yes."""
    questions = load_self_check()["questions"]
    return [q["sign"] for slot, q in questions.items() if slots.get(slot) == "yes"]


class ValidateSelfCheckForm(ContentSlotsForm):
    """Map each typed or button answer to yes, no or skipped; ask again if unclear.

    There is a `validate_<slot>` method per question in self_check.yml.
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_self_check_form"

    def slots(self) -> list[str]:
        """The question slots, in self_check.yml's order."""
        return list(load_self_check()["questions"])

    def read(self, answer: Any) -> str | None:
        """'yes', 'no' or 'skipped' (see `read_answer`); None asks again."""
        return read_answer(answer)

    def respond(self, slot: str, value: Any, dispatcher: CollectingDispatcher) -> None:
        """111 at once after a yes to a question marked `urgent` (locked in, threats).

        The form then goes on to its next question: the person can carry on or stop.
        """
        if value == "yes" and load_self_check()["questions"][slot].get("urgent"):
            dispatcher.utter_message(response=URGENT_RESPONSE)


class ActionSelfCheckSummary(Action):
    """Fill the slots of utter_self_check_summary with the signs answered yes."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_self_check_summary"

    @answers_safely
    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Set self_check_signs (a bulleted list, or None) and self_check_any_sign."""
        questions = load_self_check()["questions"]
        signs = signs_present({slot: tracker.get_slot(slot) for slot in questions})
        return [
            SlotSet("self_check_signs", "\n".join(f"• {s}" for s in signs) or None),
            SlotSet("self_check_any_sign", bool(signs)),
        ]
