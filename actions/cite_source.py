"""Look up the source and review date of the FAQ answer just given."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content import ContentError, format_date, load_content
from actions.fallback import answer_without_content

logger = logging.getLogger(__name__)

FAQ_INTENT_PREFIX = "faq_"


def answered_topic(tracker: Tracker) -> str | None:
    """The topic key (e.g. 'consent') of the FAQ intent just answered, if any."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""
    if intent.startswith(FAQ_INTENT_PREFIX):
        return intent[len(FAQ_INTENT_PREFIX) :]
    return None


class ActionCiteSource(Action):
    """Fill `source_citation` and `source_reviewed` for `utter_source`.

    The rule that answers an FAQ runs `utter_faq_<topic>`, this action, then
    `utter_source`. If the action server is down the answer itself still
    arrives: only the source line is missing. If sources.yml cannot load, the
    answer has been given already: nothing more is said, and the turn ends
    before `utter_source` (which would read "Source: None").
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_cite_source"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Set source_citation and source_reviewed for the FAQ topic just answered.

        Both are None for a topic without source data (logged) or when
        sources.yml cannot load (then the turn ends before utter_source).
        """
        try:
            content = load_content()
        except ContentError as error:
            return [
                SlotSet("source_citation", None),
                SlotSet("source_reviewed", None),
                *answer_without_content(self.name(), error, dispatcher, domain, say=False),
            ]
        topic_key = answered_topic(tracker)
        topic = content.topics.get(topic_key or "")
        if topic is None:
            # Logged without message text: only the (non-personal) topic key.
            logger.error("No source data for FAQ topic %r", topic_key)
            return [SlotSet("source_citation", None), SlotSet("source_reviewed", None)]
        return [
            SlotSet("source_citation", "; ".join(s.citation() for s in topic.sources)),
            SlotSet("source_reviewed", format_date(topic.reviewed)),
        ]
