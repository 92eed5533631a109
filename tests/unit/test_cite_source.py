"""action_cite_source fills the source slots for the FAQ topic just answered."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.cite_source import ActionCiteSource, answered_topic
from actions.content import format_date, load_content


@pytest.mark.parametrize(
    "intent, topic",
    [
        ("faq_consent", "consent"),
        ("faq_how_to_report", "how_to_report"),
        ("greet", None),
        (None, None),
        ("faq", None),
    ],
)
def test_answered_topic(make_tracker, intent, topic):
    assert answered_topic(make_tracker(intent)) == topic


async def test_cites_every_source_and_the_review_date(dispatcher, make_tracker):
    events = await ActionCiteSource().run(dispatcher, make_tracker("faq_how_to_report"), {})

    topic = load_content().topics["how_to_report"]
    assert dispatcher.messages == []
    citation, reviewed = events
    assert citation["event"] == reviewed["event"] == "slot"
    assert citation["name"] == "source_citation"
    for source in topic.sources:
        assert source.agency in citation["value"]
        assert source.address in citation["value"]
    assert "New Zealand Police" in citation["value"]
    assert reviewed == SlotSet("source_reviewed", format_date(topic.reviewed))


async def test_unknown_topic_clears_the_slots_instead_of_citing_a_wrong_source(
    dispatcher, make_tracker
):
    events = await ActionCiteSource().run(dispatcher, make_tracker("faq_unknown"), {})
    assert events == [SlotSet("source_citation", None), SlotSet("source_reviewed", None)]
    assert dispatcher.messages == []


async def test_logs_never_contain_what_the_person_typed(dispatcher, make_tracker, caplog):
    caplog.set_level("DEBUG")
    tracker = make_tracker("faq_unknown", text="my name is Sione and I live at 12 Queen St")
    await ActionCiteSource().run(dispatcher, tracker, {})
    assert caplog.records, "expected the missing topic to be logged"
    assert all(
        "Sione" not in r.getMessage() and "Queen" not in r.getMessage() for r in caplog.records
    )
