"""Add the source and review date after a retrieval (FAQ) answer."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content import format_date, load_content

logger = logging.getLogger(__name__)

RETRIEVAL_INTENT = "faq"


def answered_topic(tracker: Tracker) -> Optional[str]:
    """The topic key (e.g. 'consent') of the FAQ answer just given, if any."""
    selector = (tracker.latest_message or {}).get("response_selector") or {}
    response = (selector.get(RETRIEVAL_INTENT) or {}).get("response") or {}
    full_key = response.get("intent_response_key") or ""
    prefix = f"{RETRIEVAL_INTENT}/"
    return full_key[len(prefix) :] if full_key.startswith(prefix) else None


class ActionCiteSource(Action):
    """Send `utter_source` with the answered topic's sources and review date."""

    def name(self) -> Text:
        return "action_cite_source"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        topic_key = answered_topic(tracker)
        topic = load_content().topics.get(topic_key or "")
        if topic is None:
            # Logged without message text: only the (non-personal) topic key.
            logger.warning("No source data for FAQ topic %r", topic_key)
            return []
        dispatcher.utter_message(
            response="utter_source",
            sources="; ".join(s.citation() for s in topic.sources),
            reviewed=format_date(topic.reviewed),
        )
        return []
