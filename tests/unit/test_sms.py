"""GSM-7 text and SMS pages (bot/channels/sms.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from bot.channels.sms import (
    HINTS,
    PAGE_SEPTETS,
    PAGE_UCS2,
    Pager,
    command,
    is_gsm7,
    measure,
    paginate,
    septets,
    to_gsm7,
    ucs2_units,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("• Victim Support – free, any time…", "- Victim Support - free, any time..."),
        ("Māori, Manawatū-Whanganui, Ōtautahi", "Maori, Manawatu-Whanganui, Otautahi"),
        ("“Police” and ‘interpreter’", "\"Police\" and 'interpreter'"),
        ("Sāmoa, Tongaʻs, Fakaʻofa", "Samoa, Tonga's, Faka'ofa"),
        ("NZ$500,000 (s 98D) @ 10%", "NZ$500,000 (s 98D) @ 10%"),
    ],
)
def test_our_punctuation_and_macrons_become_gsm7(text, expected):
    assert to_gsm7(text) == expected
    assert is_gsm7(to_gsm7(text))


def test_an_answer_in_another_language_keeps_its_letters_but_not_our_punctuation():
    assert to_gsm7("• Đang gặp nguy hiểm? – Gọi 111", keep_letters=True) == (
        "- Đang gặp nguy hiểm? - Gọi 111"
    )
    assert to_gsm7("Kia ora, whānau", keep_letters=True) == "Kia ora, whānau"


def test_another_script_keeps_its_words():
    assert to_gsm7("帮助 • 我") == "帮助 - 我"
    assert not is_gsm7(to_gsm7("मदद चाहिए"))


def test_extension_characters_take_two_septets_and_emoji_two_code_units():
    assert septets("a{b}€") == 8
    assert ucs2_units("a😀") == 3


def test_a_short_answer_is_one_page_without_a_hint():
    assert paginate("Call 111.") == ["Call 111."]
    assert paginate("   ") == []


def test_a_long_answer_is_cut_at_line_ends_with_the_hint_on_all_but_the_last():
    lines = [f"{i}. A line about a service, with its number 0800 000 00{i}." for i in range(12)]
    pages = paginate("\n".join(lines))
    assert len(pages) > 1
    assert all(p.endswith(HINTS["more"]) for p in pages[:-1])
    assert not pages[-1].endswith(HINTS["more"])
    body = [line for p in pages for line in p.splitlines() if line != HINTS["more"]]
    assert body == lines  # whole lines, in order, nothing lost


def test_ucs2_pages_are_smaller():
    text = "我需要帮助。" * 60
    pages = paginate(text)
    assert all(ucs2_units(p) <= PAGE_UCS2 for p in pages)
    assert "".join(p.replace("\n" + HINTS["more"], "") for p in pages) == text


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=2000))
def test_every_page_of_any_text_fits_and_keeps_every_character(text):
    pages = paginate(to_gsm7(text))
    for page in pages:
        limit = PAGE_SEPTETS if is_gsm7(to_gsm7(text).strip()) else PAGE_UCS2
        assert measure(page) <= limit
    kept = "".join(p.replace("\n" + HINTS["more"], "") for p in pages)
    assert "".join(kept.split()) == "".join(to_gsm7(text).split())  # in order, nothing lost


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MORE", "more"),
        (" more. ", "more"),
        ("Source", "source"),
        ("SOURCE?", "source"),
        ("tell me more about visas", None),
        ("stop", None),
    ],
)
def test_commands_are_whole_messages(text, expected):
    assert command(text) == expected


def test_the_pager_gives_each_page_once_then_nothing():
    pager = Pager()
    pager.keep_pages("c", ["two", "three"])
    assert pager.next_page("c") == "two"
    assert pager.next_page("c") == "three"
    assert pager.next_page("c") is None
    assert pager.next_page("other") is None


def test_the_pager_forgets_after_its_time_and_beyond_its_size(monkeypatch):
    pager = Pager(ttl=10, size=2)
    pager.keep_source("a", "source a")
    pager.keep_source("b", "source b")
    pager.keep_source("c", "source c")  # "a" is dropped: at most 2
    assert pager.source("a") is None and pager.source("c") == "source c"
    import time

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 11)
    assert pager.source("c") is None


def test_forget_drops_pages_and_source():
    pager = Pager()
    pager.keep_pages("c", ["two"])
    pager.keep_source("c", "src")
    pager.forget("c")
    assert pager.next_page("c") is None and pager.source("c") is None
