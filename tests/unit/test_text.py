"""bot/text.py: text that every channel can encode, store and send."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters() | SURROGATE | st.just("\x00")))
def test_valid_text_is_always_valid_unicode_without_nul(text):
    from bot.text import valid_text

    cleaned = valid_text(text)
    cleaned.encode("utf-8")  # no lone surrogate left: it encodes
    assert "\x00" not in cleaned
    assert valid_text(cleaned) == cleaned
    plain = all(not 0xD800 <= ord(c) <= 0xDFFF for c in text)
    if plain:
        assert cleaned == text.replace("\x00", " ")  # ordinary text is left alone
    else:
        assert len(cleaned) <= len(text)


@given(st.text())
def test_valid_text_leaves_any_valid_text_without_nul_alone(text):
    from bot.text import valid_text

    assert valid_text(text.replace("\x00", "")) == text.replace("\x00", "")
    assert valid_text(text) == text.replace("\x00", " ")


def test_valid_text_examples():
    from bot.text import valid_text

    assert valid_text("help\ud800 me\x00") == "help\ufffd me "
    assert valid_text("help\x00me") == "help me"
    assert valid_text("\udc00\ud800") == "\ufffd\ufffd"
    assert valid_text("\ud83d\ude00") == "\U0001f600"  # a pair written as two escapes
    assert valid_text("Kia ora, kei te pēhea koe? 我需要帮助 🆘") == (
        "Kia ora, kei te pēhea koe? 我需要帮助 🆘"
    )
