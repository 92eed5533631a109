"""Walking a conversation into any form, step by step, for the model tests.

How a person gets into each form, a valid answer for each form slot, and the
helpers that walk there (tests/model/test_invariants.py and others use them).
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# How a person gets into each form, and a valid answer for each form slot.
# A new form must be added here: test_every_form_is_covered fails otherwise.
REPORT_ENTRY = [
    "I want to report something I saw",
    "no, not right now",
    "yes",
    "Yes, help me write it",
]
REPORT_ANSWERS = [
    "workers sleep in a shed",
    "an orchard near Hastings",
    "every night last week",
    "the owner",
]
FORM_ENTRY: dict[str, list[str]] = {
    "police_handoff_form": ["I want to report something I saw", "no, not right now"],
    "report_form": REPORT_ENTRY,
    "referral_form": [*REPORT_ENTRY, *REPORT_ANSWERS, "Yes, send it on"],
    "support_form": ["Where can I get help?", "Yes, find the right service"],
    "self_check_form": ["What are the warning signs of trafficking?", "Yes, check a situation"],
}
SLOT_ANSWERS: dict[str, str] = {
    "wants_anonymous": "yes",
    "support_need": "Work or pay problems",
    "support_asker": "Me",
    **dict(
        zip(
            ["report_what", "report_where", "report_when", "report_who"],
            REPORT_ANSWERS,
            strict=True,
        )
    ),
    "referral_contact_way": "021 555 0199",
    "referral_contact_time": "Evening",
    "referral_consent": "Yes, send it",
    **{
        f"sc_{q}": "No"
        for q in ("passport", "locked_in", "permission", "time_off", "pay", "debt", "threats")
    },
}


def domain_forms() -> dict[str, list[str]]:
    forms: dict[str, list[str]] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for name, form in ((yaml.safe_load(path.read_text()) or {}).get("forms") or {}).items():
            forms[name] = list(form["required_slots"])
    return forms


def first_text(messages) -> str:
    return next((m["text"] for m in messages if m.get("text")), "")


# (agent, form, step) -> the stored events of a conversation walked there.
_WALKED: dict[tuple[int, str, int], list[dict]] = {}


async def enter_form(conversation, form: str, step: int) -> None:
    """Walk into `form` and answer its slots up to (not including) `step`.

    The first walk to a step is made message by message; later ones start a
    new conversation from the events the tracker store kept of that walk, which
    is all that the next message of a real conversation is answered from (the
    server reads the conversation from the store at every message). So dozens of
    tests can start at the same step without walking there each time.
    """
    key = (id(conversation.agent), form, step)
    if key in _WALKED:
        await restore(conversation, _WALKED[key])
    else:
        for text in FORM_ENTRY[form]:
            await conversation.say(text)
        for slot in domain_forms()[form][:step]:
            await conversation.say(SLOT_ANSWERS[slot])
        _WALKED[key] = [event.as_dict() for event in (await conversation.tracker()).events]
    tracker = await conversation.tracker()
    assert tracker.active_loop_name == form
    assert tracker.get_slot("requested_slot") == domain_forms()[form][step]


async def restore(conversation, events: list[dict]) -> None:
    """Store `events` as this conversation's own (a copy of another's)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    store = conversation.agent.tracker_store
    tracker = DialogueStateTracker.from_dict(conversation.sender, events, store.domain.slots)
    await store.save(tracker)
