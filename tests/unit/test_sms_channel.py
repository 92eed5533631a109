"""The Twilio channel's SMS pages: the first page now, MORE for the next, SOURCE
on request, and what WhatsApp gets instead (bot/channels/twilio.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels import twilio
from bot.channels.sms import HINTS, PAGE_SEPTETS, is_gsm7, measure

SMS_PERSON, WHATSAPP_PERSON, OURS = "+64211234567", "whatsapp:+64211234567", "+6498765432"
LONG = "\n".join(
    f"• Service {i} – call 0800 000 00{i}, free, any time. Ask for an interpreter."
    for i in range(10)
)


class Recorded:
    """A channel whose texts are recorded instead of sent, and an assistant that
    records what reaches it."""

    def __init__(self) -> None:
        self.channel = twilio.TwilioInput(
            {
                "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
                "TWILIO_AUTH_TOKEN": "token",
                "TWILIO_WEBHOOK_URL": "https://example.org/webhooks/twilio/webhook",
            },
            "a-channel-id-secret-of-some-length",
        )
        self.sent: list[str] = []
        self.reached: list[str] = []

    def output(self, person: str) -> twilio.TwilioOutput:
        output = twilio.TwilioOutput(self.channel, person, OURS, silent=False)

        async def record(pieces):
            self.sent.extend(pieces)

        output.send_texts = record  # type: ignore[method-assign]
        return output

    async def message(self, person: str, body: str, answers: list[dict] = ()) -> None:
        """A message from `person`; the assistant answers with `answers`."""

        async def assistant(message):
            self.reached.append(message.text)
            for answer in answers:
                await message.output_channel.send_response(message.sender_id, answer)

        sms = twilio.Message("SM" + str(len(self.sent)), person, OURS, body, False)
        await self.channel.reply_or_handle(assistant, sms, self.output(person))


async def test_a_long_sms_answer_comes_a_page_at_a_time_with_more():
    chat = Recorded()
    await chat.message(SMS_PERSON, "where can i get help", [{"text": LONG}])
    assert len(chat.sent) == 1 and chat.sent[0].endswith(HINTS["more"])
    while chat.sent[-1].endswith(HINTS["more"]):
        await chat.message(SMS_PERSON, "MORE")
    assert chat.reached == ["where can i get help"]  # MORE never reached the assistant
    assert all(is_gsm7(page) and measure(page) <= PAGE_SEPTETS for page in chat.sent)
    words = " ".join(p.replace(HINTS["more"], "") for p in chat.sent).split()
    assert words == twilio.to_gsm7(LONG).split()  # every word, in order, once
    await chat.message(SMS_PERSON, "more")  # nothing left: the assistant answers it
    assert chat.reached[-1] == "more"


async def test_a_new_question_drops_the_pages_left_of_the_last_answer():
    chat = Recorded()
    await chat.message(SMS_PERSON, "where can i get help", [{"text": LONG}])
    await chat.message(SMS_PERSON, "thanks", [{"text": "You're welcome."}])
    await chat.message(SMS_PERSON, "MORE")
    assert chat.reached[-1] == "MORE"


@pytest.mark.parametrize("person", [SMS_PERSON, WHATSAPP_PERSON])
async def test_the_source_is_offered_and_sent_on_request(person):
    chat = Recorded()
    source = "Source: Immigration New Zealand, People trafficking (immigration.govt.nz, n.d.)."
    offer = {"text": "Reply SOURCE to see where this comes from.", "custom": {"sms_source": source}}
    await chat.message(person, "what is trafficking", [{"text": "An answer."}, offer])
    assert chat.sent == ["An answer.", "Reply SOURCE to see where this comes from."]
    await chat.message(person, "source")
    assert chat.sent[-1] == source and chat.reached == ["what is trafficking"]


async def test_source_before_any_answer_goes_to_the_assistant():
    chat = Recorded()
    await chat.message(SMS_PERSON, "SOURCE")
    assert chat.reached == ["SOURCE"]


async def test_whatsapp_gets_the_whole_answer_at_once_in_its_own_characters():
    chat = Recorded()
    await chat.message(WHATSAPP_PERSON, "help", [{"text": LONG}])
    assert chat.sent == [LONG]  # no pages, and "•" and "–" stay


async def test_sms_options_are_numbered_on_the_last_page_and_a_number_still_works():
    chat = Recorded()
    answer = {"text": LONG, "buttons": [{"title": "Yes", "payload": "Yes, find the right service"}]}
    await chat.message(SMS_PERSON, "help", [answer])
    while chat.sent[-1].endswith(HINTS["more"]):
        await chat.message(SMS_PERSON, "MORE")
    assert chat.sent[-1].endswith("1. Yes\nReply with a number.")
    await chat.message(SMS_PERSON, "1")
    assert chat.reached[-1] == "Yes, find the right service"


def test_each_output_channel_is_named_for_its_platform_so_channel_variations_apply():
    """Rasa picks a response's `channel:` variation by the output channel's name."""
    import yaml

    from bot.channels import messenger, telegram

    pairs = [
        (twilio.TwilioInput, twilio.TwilioOutput),
        (telegram.TelegramInput, telegram.TelegramOutput),
        (messenger.MessengerInput, messenger.MessengerOutput),
    ]
    assert all(output.name() == channel.name() for channel, output in pairs)
    used = {
        variation["channel"]
        for path in (Path(__file__).resolve().parents[2] / "domain").glob("*.yml")
        for variations in (yaml.safe_load(path.read_text()).get("responses") or {}).values()
        for variation in variations
        if variation.get("channel")
    }
    assert used <= {output.name() for _, output in pairs}, used


async def test_an_sms_answer_in_another_language_keeps_its_tone_marks():
    chat = Recorded()
    answer = {"text": "• Đang gặp nguy hiểm? Gọi 111.", "custom": {"language": "vi"}}
    english = {"text": "• In danger? Call 111 – it is free.", "custom": {"language": "en"}}
    await chat.message(SMS_PERSON, "giúp tôi", [answer, english])
    assert chat.sent == ["- Đang gặp nguy hiểm? Gọi 111.", "- In danger? Call 111 - it is free."]
