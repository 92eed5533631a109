"""Answers that fit the person, against the trained model and action server.

* Someone telling their own story, or a friend's, is answered in order:
  thanks, are you safe now (111 if not), the service that fits, then the
  support chooser (or the self-check, when they are unsure), never with a
  definition.
* A yes in the self-check to being locked in or to threats gets 111 at once,
  and the questions go on.
"""

from __future__ import annotations

import pytest

from form_steps import domain_forms, enter_form

pytestmark = pytest.mark.model


def texts(reply) -> list[str]:
    return [m.get("text", "") for m in reply if m.get("text")]


@pytest.mark.parametrize(
    ("story", "service", "next_offer"),
    [
        (
            "I came on a work visa but the job is not what they promised "
            "and I work 80 hours a week for nothing",
            "0800 200 088",  # Employment New Zealand
            "find the services",
        ),
        (
            "i paid agent 12000 dollar for this job, now boss take my pay every week for it",
            "0800 200 088",
            "find the services",
        ),
        ("I think I am a victim of trafficking", "0800 842 846", "check a situation"),
        (
            "My friend she no can leave house, man he watch her all time",
            "0800 555 111",  # Crimestoppers
            "find the services",
        ),
        (
            "my husband took my passport and he wont let me go out or have money",
            "0800 733 843",  # Women's Refuge
            "find the services",
        ),
        (
            "my boss says he will cancel my visa if i complain about the pay",
            "0800 367 222",  # Citizens Advice Bureau, before any agency
            "find the services",
        ),
    ],
)
async def test_a_story_is_answered_with_safety_first_then_the_service_that_fits(
    conversation, story, service, next_offer
):
    reply = texts(await conversation.say(story))
    answer = reply[0]
    assert answer.startswith("Thank you for telling me"), answer
    assert "111" in answer and service in answer
    assert answer.index("111") < answer.index(service)  # safety first
    assert "does not make trafficking legal" not in " ".join(reply)  # not a definition
    assert any(next_offer in t for t in reply[1:]), reply


async def test_visa_worries_go_to_free_confidential_advice_before_any_agency(conversation):
    answer = texts(await conversation.say("i overstayed my visa, will they deport me if i ask"))
    joined = " ".join(answer)
    assert "0800 367 222" in joined or "communitylaw.org.nz" in joined
    if "0508 558 855" in joined:  # Immigration New Zealand, if named at all, comes later
        first_free = min(joined.find(n) for n in ("0800 367 222", "communitylaw") if n in joined)
        assert first_free < joined.index("0508 558 855")


@pytest.mark.parametrize("question", ["sc_locked_in", "sc_threats"])
async def test_a_yes_that_means_danger_gets_111_at_once_and_the_questions_go_on(
    conversation, question
):
    step = domain_forms()["self_check_form"].index(question)
    await enter_form(conversation, "self_check_form", step)
    reply = texts(await conversation.say("Yes"))
    assert "111" in reply[0] and "EXIT" in reply[0], reply
    tracker = await conversation.tracker()
    assert tracker.get_slot(question) == "yes"
    if question != domain_forms()["self_check_form"][-1]:
        assert tracker.active_loop_name == "self_check_form"
        assert tracker.get_slot("requested_slot") != question  # the next question was asked
        assert reply[-1].rstrip().endswith("?")


async def test_a_yes_to_other_questions_does_not_interrupt(conversation):
    await enter_form(conversation, "self_check_form", 0)  # passport
    reply = texts(await conversation.say("Yes"))
    assert len(reply) == 1 and "111" not in reply[0]
