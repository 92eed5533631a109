"""The web chat channel and languages: the page's language goes in, the
conversation's language comes out on every answer (bot/channels/web.py)."""

from __future__ import annotations

import pytest

from bot.channels.web import known_languages, requested_language, with_language


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"sender": "x", "message": "hi", "metadata": {"language": "sm"}}, "sm"),
        ({"sender": "x", "message": "hi", "metadata": {"language": "en"}}, "en"),
        ({"sender": "x", "message": "hi", "metadata": {"language": "fr"}}, None),  # not ours
        ({"sender": "x", "message": "hi", "metadata": {"language": 3}}, None),
        ({"sender": "x", "message": "hi", "metadata": "sm"}, None),
        ({"sender": "x", "message": "hi"}, None),
        (["not", "an", "object"], None),
    ],
)
def test_the_page_language_is_taken_only_when_it_is_one_of_ours(body, expected):
    assert requested_language(body, known_languages()) == expected


def test_every_answer_carries_the_conversation_language_and_no_empty_message_is_left():
    collected = [
        {"recipient_id": "r", "text": "Vili le 111.", "buttons": [{"title": "t", "payload": "p"}]},
        {"recipient_id": "r", "custom": {"language": "sm", "links": [{"href": "tel:111"}]}},
        {"recipient_id": "r", "text": "Source: ..."},
        {"recipient_id": "r", "custom": {"language": "sm"}},  # only the mark: dropped
    ]
    answers = with_language(collected)
    assert [a.get("text") for a in answers] == ["Vili le 111.", None, "Source: ..."]
    assert all(a["language"] == "sm" for a in answers)
    assert answers[1]["custom"] == {"links": [{"href": "tel:111"}]}


def test_answers_in_english_are_left_as_they_are():
    collected = [{"recipient_id": "r", "text": "Call 111."}]
    assert with_language(collected) == collected
