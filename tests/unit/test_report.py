"""The anonymous report helper: tidy answers, a summary to copy, and forgetting."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.report import (
    SENSITIVE_SLOTS,
    ActionForgetReport,
    ActionReportSummary,
    ValidateReportForm,
    clean_answer,
    load_report,
    summary_of,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("  workers   sleep\nin the shed ", "workers sleep in the shed"),
        ("Skip this question", "skipped"),
        ("not sure", "skipped"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_answers_are_tidied_and_skips_recognised(text, expected):
    assert clean_answer(text, 500) == expected


def test_long_answers_are_cut():
    answer = clean_answer("word " * 300, 500)
    assert len(answer) == 500 and answer.endswith("…")


def test_summary_has_every_field_in_order_and_marks_skipped_ones():
    summary = summary_of(
        {
            "report_what": "boss keeps passports",
            "report_where": "skipped",
            "report_when": "last week",
        }
    )
    assert summary.splitlines() == [
        "What I saw: boss keeps passports",
        "Where: (not given)",
        "When: last week",
        "Who was involved: (not given)",
    ]


def test_every_report_field_has_a_validator_and_is_forgotten(dispatcher, make_tracker):
    form = ValidateReportForm()
    for slot in load_report()["fields"]:
        validate = getattr(form, f"validate_{slot}")
        assert validate("  the  owner ", dispatcher, make_tracker(None), {}) == {slot: "the owner"}
        assert validate("skip", dispatcher, make_tracker(None), {}) == {slot: "skipped"}
        assert slot in SENSITIVE_SLOTS


async def test_summary_action_fills_the_summary_and_says_referral_is_off(
    dispatcher, make_tracker, monkeypatch
):
    monkeypatch.delenv("REFERRAL_URL", raising=False)
    tracker = make_tracker(None, report_what="boss keeps passports", report_where="Hastings")
    events = await ActionReportSummary().run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events}
    assert slots["report_summary"].startswith("What I saw: boss keeps passports\nWhere: Hastings")
    assert slots["referral_enabled"] is False and slots["referral_partner"] is None
    assert dispatcher.messages == []


async def test_summary_action_offers_referral_when_configured(
    dispatcher, make_tracker, monkeypatch
):
    monkeypatch.setenv("REFERRAL_URL", "https://partner.example.org/referrals")
    monkeypatch.setenv("REFERRAL_SECRET", "x" * 32)
    monkeypatch.setenv("REFERRAL_PARTNER", "Partner NZ")
    events = await ActionReportSummary().run(dispatcher, make_tracker(None), {})
    slots = {e["name"]: e["value"] for e in events}
    assert slots["referral_enabled"] is True and slots["referral_partner"] == "Partner NZ"


async def test_unusable_referral_settings_mean_referral_is_off(
    dispatcher, make_tracker, monkeypatch
):
    monkeypatch.setenv("REFERRAL_URL", "http://partner.example.org/referrals")  # not https
    monkeypatch.setenv("REFERRAL_SECRET", "x" * 32)
    events = await ActionReportSummary().run(dispatcher, make_tracker(None), {})
    assert {e["name"]: e["value"] for e in events}["referral_enabled"] is False


async def test_forget_clears_every_slot_with_the_persons_words(dispatcher, make_tracker):
    events = await ActionForgetReport().run(dispatcher, make_tracker(None), {})
    assert {e["name"] for e in events} == set(SENSITIVE_SLOTS)
    assert all(e["value"] is None for e in events)


def test_sensitive_slots_exist_in_the_domain_and_do_not_steer_the_conversation():
    from rasa.shared.core.domain import Domain

    slots = {slot.name: slot for slot in Domain.load(str(ROOT / "domain")).slots}
    for name in SENSITIVE_SLOTS:
        assert name in slots and not slots[name].influence_conversation
