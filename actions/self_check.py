"""The anonymous self-check: read yes, no or skip, then summarise the signs.

The summary lists the signs answered yes, never a verdict. Nothing is stored
beyond the conversation's own slots.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content import CONTENT_DIR
from actions.forms import add_slot_validators
from actions.phrases import mentions, words_of

SELF_CHECK_FILE = CONTENT_DIR / "self_check.yml"
ANSWERS = ("yes", "no", "skipped")


@lru_cache(maxsize=None)
def load_self_check(path: Path = SELF_CHECK_FILE) -> Dict[str, Any]:
    """The questions (slot -> sign) and the answer words, from self_check.yml."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        "source": raw["source"],
        "questions": raw["questions"],
        "answers": {key: [a.lower() for a in raw["answers"][key]] for key in ANSWERS},
    }


def read_answer(text: Optional[str]) -> Optional[str]:
    """'yes', 'no' or 'skipped' for an answer, or None when it is unclear.

    Skip wins over yes/no ("not sure"), and an answer with both yes and no
    words is unclear.
    """
    if not text:
        return None
    words = words_of(text)
    answers = load_self_check()["answers"]
    said = {key for key in ANSWERS if mentions(words, answers[key])}
    if "skipped" in said:
        return "skipped"
    return said.pop() if len(said) == 1 else None


def signs_present(slots: Dict[str, Optional[str]]) -> List[str]:
    """The signs, in question order, that were answered yes."""
    questions = load_self_check()["questions"]
    return [q["sign"] for slot, q in questions.items() if slots.get(slot) == "yes"]


class ValidateSelfCheckForm(FormValidationAction):
    """Map each typed or button answer to yes, no or skipped; ask again if unclear.

    One `validate_<slot>` method per question in self_check.yml is added below.
    """

    def name(self) -> Text:
        return "validate_self_check_form"


add_slot_validators(ValidateSelfCheckForm, load_self_check()["questions"], read_answer)


class ActionSelfCheckSummary(Action):
    """Fill the slots of utter_self_check_summary with the signs answered yes."""

    def name(self) -> Text:
        return "action_self_check_summary"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        questions = load_self_check()["questions"]
        signs = signs_present({slot: tracker.get_slot(slot) for slot in questions})
        return [
            SlotSet("self_check_signs", "\n".join(f"• {s}" for s in signs) or None),
            SlotSet("self_check_any_sign", bool(signs)),
        ]
