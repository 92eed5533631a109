"""The self-check reads yes, no and skip, and summarises signs without a verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.answers import read_answer
from actions.content import load_content
from actions.self_check import (
    ActionSelfCheckSummary,
    ValidateSelfCheckForm,
    load_self_check,
    signs_present,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain" / "self_check.yml").read_text(encoding="utf-8"))


def test_every_form_question_has_a_sign_and_a_question_response():
    slots = DOMAIN["forms"]["self_check_form"]["required_slots"]
    assert slots == list(load_self_check()["questions"])
    for slot in slots:
        assert f"utter_ask_{slot}" in DOMAIN["responses"], slot
    assert load_self_check()["source"] in load_content().sources


# How typed answers are read is tested in tests/unit/test_answers.py.


@pytest.mark.parametrize("slot", list(load_self_check()["questions"]))
def test_every_answer_button_is_understood(slot):
    answers = {
        read_answer(b["payload"]) for b in DOMAIN["responses"][f"utter_ask_{slot}"][0]["buttons"]
    }
    assert answers == {"yes", "no", "skipped"}


def test_signs_keep_question_order_and_ignore_no_and_skip():
    signs = signs_present(
        {"sc_debt": "yes", "sc_passport": "yes", "sc_pay": "no", "sc_threats": "skipped"}
    )
    assert signs == [
        load_self_check()["questions"]["sc_passport"]["sign"],
        load_self_check()["questions"]["sc_debt"]["sign"],
    ]


async def test_validation_maps_each_answer(dispatcher, make_tracker):
    form = ValidateSelfCheckForm()
    for slot in load_self_check()["questions"]:
        validate = getattr(form, f"validate_{slot}")
        assert validate("yep", dispatcher, make_tracker("affirm"), {}) == {slot: "yes"}
        assert validate("hmm", dispatcher, make_tracker("affirm"), {}) == {slot: None}


@pytest.mark.parametrize(
    "answers, any_sign",
    [({"sc_passport": "yes"}, True), ({"sc_passport": "no"}, False), ({}, False)],
)
async def test_summary_slots(dispatcher, make_tracker, answers, any_sign):
    events = await ActionSelfCheckSummary().run(dispatcher, make_tracker("affirm", **answers), {})
    slots = {e["name"]: e["value"] for e in events}
    assert slots["self_check_any_sign"] is any_sign
    assert (slots["self_check_signs"] is not None) is any_sign
    assert dispatcher.messages == []


def test_summary_never_gives_a_verdict():
    for variant in DOMAIN["responses"]["utter_self_check_summary"]:
        text = variant["text"].lower()
        assert "you are a victim" not in text and "you are trafficked" not in text
        assert "111" in text
