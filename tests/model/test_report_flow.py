"""The anonymous report helper and the consent-based referral, end to end:
the trained model, the real action server and a real referral receiver."""

from __future__ import annotations

import json

import pytest

from actions.outbox import Outbox
from actions.report import SENSITIVE_SLOTS
from form_steps import REPORT_ANSWERS, REPORT_ENTRY, first_text

CONTACT = "021 555 0199"


def texts(reply) -> str:
    return "\n".join(m.get("text", "") for m in reply)


async def write_report(conversation, answers=REPORT_ANSWERS):
    for text in REPORT_ENTRY:
        reply = await conversation.say(text)
    for answer in answers:
        reply = await conversation.say(answer)
    return reply


async def assert_forgotten(conversation) -> None:
    """No slot and no stored event holds what the person wrote."""
    tracker = await conversation.tracker()
    assert all(tracker.get_slot(slot) is None for slot in SENSITIVE_SLOTS)
    stored = conversation.stored()
    for words in [*REPORT_ANSWERS, CONTACT]:
        assert words not in stored


async def test_police_numbers_come_with_an_offer_to_help_write_the_report(conversation):
    replies = []
    for text in REPORT_ENTRY[:3]:
        replies = await conversation.say(text)
    assert "0800 555 111" in first_text(replies)
    assert "write down what you saw" in replies[-1]["text"]


async def test_summary_to_copy_then_referral_sent_once_with_consent(
    conversation, referral_receiver
):
    before = set(referral_receiver.accepted)
    reply = await write_report(conversation)
    summary = texts(reply)
    assert "What I saw: workers sleep in a shed" in summary
    assert "Where: an orchard near Hastings" in summary and "Who was involved: the owner" in summary
    assert "crimestoppers-nz.org" in summary  # where to paste it
    assert "send this to Test Support Service" in reply[-1]["text"]

    await conversation.say("Yes, send it on")
    await conversation.say(CONTACT)
    reply = await conversation.say("Evening")
    assert "workers sleep in a shed" in first_text(reply) and CONTACT in first_text(reply)
    assert set(referral_receiver.accepted) == before  # nothing sent before the final yes

    reply = await conversation.say("Yes, send it")
    assert "has been sent to Test Support Service" in first_text(reply)
    (new,) = set(referral_receiver.accepted) - before
    body = referral_receiver.accepted[new]
    assert body["report"]["what"] == "workers sleep in a shed"
    assert body["contact"] == {"way": CONTACT, "safe_time": "Evening"}
    await assert_forgotten(conversation)


async def test_no_at_the_final_check_sends_nothing(conversation, referral_receiver):
    before = set(referral_receiver.accepted)
    await write_report(conversation)
    for text in ["Yes, send it on", CONTACT, "Any time"]:
        await conversation.say(text)
    reply = await conversation.say("No, do not send")
    assert "have not sent it" in first_text(reply)
    assert set(referral_receiver.accepted) == before
    await assert_forgotten(conversation)


async def test_declining_the_referral_forgets_the_report(conversation, referral_receiver):
    before = set(referral_receiver.accepted)
    await write_report(conversation)
    reply = await conversation.say("No, I will do it myself")
    assert "forgotten" in first_text(reply)
    assert set(referral_receiver.accepted) == before
    await assert_forgotten(conversation)


async def test_receiver_failing_means_saved_and_sent_later(
    conversation, referral_receiver, referral_outbox
):
    await write_report(conversation)
    for text in ["Yes, send it on", CONTACT, "Evening"]:
        await conversation.say(text)
    pending = Outbox(referral_outbox).counts()["pending"]
    referral_receiver.fail_next = 1
    reply = await conversation.say("Yes, send it")
    assert "saved and will be sent" in first_text(reply)
    assert Outbox(referral_outbox).counts()["pending"] == pending + 1
    await assert_forgotten(conversation)


async def test_a_contact_without_a_number_or_email_is_asked_again(conversation):
    await write_report(conversation)
    await conversation.say("Yes, send it on")
    await conversation.say("message me on facebook")
    tracker = await conversation.tracker()
    assert tracker.active_loop_name == "referral_form"
    assert tracker.get_slot("requested_slot") == "referral_contact_way"


async def test_every_question_can_be_skipped(conversation):
    reply = await write_report(conversation, ["Skip this question"] * 4)
    assert "What I saw: (not given)" in texts(reply) and "Who was involved: (not given)" in texts(
        reply
    )


@pytest.mark.parametrize("word", ["stop", "cancel"])
async def test_exit_mid_report_forgets_what_was_written(conversation, word):
    for text in REPORT_ENTRY:
        await conversation.say(text)
    await conversation.say(REPORT_ANSWERS[0])
    await conversation.say(word)
    await assert_forgotten(conversation)


async def test_with_referral_off_the_summary_is_shown_and_then_forgotten(
    conversation_without_referral,
):
    reply = await write_report(conversation_without_referral)
    text = texts(reply)
    assert "What I saw: workers sleep in a shed" in text
    assert "switched off" in text and "111" in text
    assert not any(m.get("buttons") for m in reply)
    await assert_forgotten(conversation_without_referral)
    stored = json.loads(conversation_without_referral.stored())
    assert all(e.get("text") is None for e in stored["events"] if e["event"] in ("user", "bot"))
