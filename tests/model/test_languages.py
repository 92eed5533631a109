"""In each language we answer in, danger gets 111 in that language, and the
conversation then goes on in it (the trained model, the language identifier
and bot/nlg.py together)."""

from __future__ import annotations

import pytest

from bot.nlg import load_languages

pytestmark = pytest.mark.model

# A cry for help and then a greeting, as people type them in each language.
TURNS = {
    "mi": ("awhina mai", "kia ora"),  # "kia ora" alone is NZ English too: the language stays
    "sm": ("Fesoasoani mai", "talofa lava"),
    "to": ("tokoni mai", "malo e lelei"),
    "zh": ("救救我", "你好"),
    "hi": ("मुझे बचाओ!", "नमस्ते"),
    "pa": ("ਮੈਨੂੰ ਬਚਾਓ", "ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ"),
    "tl": ("Tulong po", "magandang umaga po"),
    "es": ("Ayúdame", "hola"),
    "ko": ("살려주세요", "안녕하세요"),
    "vi": ("cứu tôi", "xin chào"),
    "fj": ("vukei au", "bula vinaka"),
    "hif": ("hamar madat karo", "kaise hai"),
}


def translated(code: str, response: str) -> str:
    found = load_languages()[code].find(response, (), "twilio")
    assert found is not None
    return found.text


def test_every_language_is_tried():
    assert sorted(TURNS) == sorted(load_languages())


@pytest.mark.parametrize("code", sorted(TURNS))
async def test_danger_gets_111_in_that_language_and_the_conversation_stays_in_it(
    conversation, code
):
    danger, greeting = TURNS[code]
    reply = await conversation.say(danger)
    assert reply[0]["text"] == translated(code, "utter_emergency")
    assert "111" in reply[0]["text"]
    assert (await conversation.tracker()).get_slot("language") == code
    reply = await conversation.say(greeting)
    assert reply[0]["text"] == translated(code, "utter_greet")


async def test_english_please_switches_back(conversation):
    await conversation.say("Fesoasoani mai")
    reply = await conversation.say("English please")
    assert (await conversation.tracker()).get_slot("language") == "en"
    assert reply[0]["text"].startswith("Kia ora. I can answer questions")


async def test_a_language_we_cannot_answer_in_gets_english_with_the_interpreter_lines(
    conversation,
):
    reply = await conversation.say("Bonjour, mon patron a pris mon passeport, aidez-moi")
    text = " ".join(m.get("text", "") for m in reply)
    assert "111" in text and "1737" in text and "interpreter" in text
