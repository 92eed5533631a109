"""Shared parts of the messaging channels, without a server."""

from __future__ import annotations

import logging

import pytest

from bot.channels.messaging import (
    ExpiringSet,
    OptionMemory,
    conversation_id,
    id_secret,
    link_lines,
    send_with_retry,
    settings_from_env,
    split_text,
)

SECRET = "x" * 32


def test_conversation_ids_are_stable_distinct_and_hide_the_address():
    first = conversation_id(SECRET, "twilio", "+64211234567")
    assert first == conversation_id(SECRET, "twilio", "+64211234567")
    assert first != conversation_id(SECRET, "telegram", "+64211234567")
    assert first != conversation_id("y" * 32, "twilio", "+64211234567")
    assert "64211234567" not in first and first.startswith("twilio-")


def test_the_id_secret_must_be_long_enough(caplog):
    assert id_secret({"CHANNEL_ID_SECRET": "short"}) is None
    assert id_secret({}) is None
    assert id_secret({"CHANNEL_ID_SECRET": SECRET}) == SECRET


def test_a_channel_is_off_unless_every_setting_is_there():
    names = ("A_TOKEN", "B_TOKEN")
    assert settings_from_env(names, {"A_TOKEN": "a"}) is None
    assert settings_from_env(names, {"A_TOKEN": "a", "B_TOKEN": " "}) is None
    assert settings_from_env(names, {"A_TOKEN": "a", "B_TOKEN": "b"}) == {
        "A_TOKEN": "a",
        "B_TOKEN": "b",
    }


def test_unconfigured_channels_have_no_webhook(monkeypatch):
    from bot.channels.messenger import MessengerInput
    from bot.channels.telegram import TelegramInput
    from bot.channels.twilio import TwilioInput

    for name in [
        "TWILIO_ACCOUNT_SID",
        "TELEGRAM_BOT_TOKEN",
        "MESSENGER_APP_SECRET",
        "CHANNEL_ID_SECRET",
    ]:
        monkeypatch.delenv(name, raising=False)
    for channel in (TwilioInput, TelegramInput, MessengerInput):
        connector = channel.from_credentials(None)
        assert not connector.enabled
        blueprint = connector.blueprint(lambda message: None)
        assert [route.uri for route in blueprint._future_routes] == ["/"]


def test_without_the_id_secret_a_configured_channel_stays_off(monkeypatch):
    from bot.channels.telegram import TelegramInput

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "abcdefghijklmnop")
    monkeypatch.delenv("CHANNEL_ID_SECRET", raising=False)
    assert not TelegramInput.from_credentials(None).enabled
    monkeypatch.setenv("CHANNEL_ID_SECRET", SECRET)
    assert TelegramInput.from_credentials(None).enabled
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "not allowed here!")
    assert not TelegramInput.from_credentials(None).enabled
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "abcdefghijklmno")  # 15: too short
    assert not TelegramInput.from_credentials(None).enabled


@pytest.mark.parametrize("limit", [60, 80, 160])  # every sentence fits
def test_long_text_is_split_at_sentence_ends_within_the_limit(limit):
    text = (
        "Call 111 if you are in danger. Crimestoppers takes reports without your name. "
        "You will not be punished for what was done to you! Is someone holding your passport?\n"
        "Help is free."
    )
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert " ".join(" ".join(p.split()) for p in pieces) == " ".join(text.split())
    assert all(p[-1] in ".!?:" for p in pieces[:-1])


def test_split_text_cuts_words_only_when_it_must():
    assert split_text("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]
    assert split_text("one two three four", 9) == ["one two", "three", "four"]
    assert split_text("", 10) == []


def test_option_numbers_map_to_their_payloads():
    memory = OptionMemory()
    memory.remember("c1", ["What is trafficking?", "Warning signs"])
    assert memory.resolve("c1", "2") == "Warning signs"
    assert memory.resolve("c1", " 1. ") == "What is trafficking?"
    assert memory.resolve("c1", "3") == "3" and memory.resolve("c2", "1") == "1"
    assert memory.resolve("c1", "help me now") == "help me now"
    memory.forget("c1")
    assert memory.resolve("c1", "1") == "1"


def test_replays_are_recognised_and_forgotten_after_their_time():
    seen = ExpiringSet(ttl=10)
    assert seen.add("m1", now=100) and not seen.add("m1", now=105)
    assert seen.add("m1", now=200)  # long after: treated as new (the age check also applies)


def test_links_become_lines_with_numbers_phones_can_tap():
    custom = {
        "links": [
            {"label": "Call Crimestoppers 0800 555 111", "href": "tel:+64800555111"},
            {"label": "Crimestoppers online form", "href": "https://crimestoppers-nz.org"},
            {"label": "Bad", "href": "javascript:alert(1)"},
            {"label": "Call 111", "href": "tel:111"},
        ]
    }
    assert link_lines(custom) == [
        "Call Crimestoppers 0800 555 111: +64800555111",
        "Crimestoppers online form: https://crimestoppers-nz.org",
        "Call 111",
    ]


async def test_sending_is_retried_and_logged_without_text(platform, caplog):
    import aiohttp

    platform.fail_status, platform.fail_next = 503, 2
    with caplog.at_level(logging.DEBUG):
        async with aiohttp.ClientSession() as session:
            ok = await send_with_retry(
                session,
                "POST",
                f"{platform.url}/bot1/sendMessage",
                "telegram",
                json={"chat_id": 1, "text": "my boss took my passport"},
            )
    assert ok
    assert [r["status"] for r in platform.requests[-3:]] == [503, 503, 200]
    assert "passport" not in caplog.text and "HTTP 503" in caplog.text


async def test_sending_gives_up_on_a_refusal(platform):
    import aiohttp

    platform.fail_status, platform.fail_next = 400, 1
    async with aiohttp.ClientSession() as session:
        assert not await send_with_retry(
            session, "POST", f"{platform.url}/x", "twilio", data={"a": "b"}
        )
    assert platform.requests[-1]["status"] == 400


def test_secrets_match_in_constant_time_for_any_text():
    from bot.channels.messaging import secrets_match

    assert secrets_match("abc", "abc")
    assert not secrets_match("abd", "abc") and not secrets_match("", "abc")
    assert not secrets_match("ü\udcff", "abc")  # odd header text is refused, not an error


def test_api_base_defaults_to_the_platform_and_can_point_elsewhere():
    from bot.channels.messaging import api_base

    assert api_base("X_API", "https://api.example.org/") == "https://api.example.org"
    assert api_base("X_API", "https://api.example.org", {"X_API": "http://127.0.0.1:9/"}) == (
        "http://127.0.0.1:9"
    )


async def test_handle_passes_only_valid_text_to_the_assistant():
    from bot.channels.telegram import TelegramInput

    channel = TelegramInput(
        {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SECRET_TOKEN": "a" * 16}, SECRET
    )
    got = []

    async def assistant(message):
        got.append(message)

    await channel.handle(assistant, "42", "hi\ud800\x00!", None)
    await channel.handle(assistant, "42", None, None)
    assert [m.text for m in got] == ["hi\ufffd !", ""]  # a NUL becomes a space
    assert got[0].sender_id == conversation_id(SECRET, "telegram", "42")
