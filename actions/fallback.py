"""What an action says when the content it needs cannot load.

A broken or missing content file (actions/content/*.yml) raises `ContentError`
when an action first needs it (actions/content.py). The action then does not
crash: it sends a safe answer that needs no content (where to find a person,
and 111 in danger) and ends the turn with `action_listen`, so that the
responses its rule would send next, which read the slots it could not fill
("Call {handoff_phone}"), are not sent half-empty.

The answer is `utter_content_unavailable` (domain/core.yml): it says so, gives
111 for danger and Victim Support's free number for a person to talk to.

Only the action's name, the file's name and the kind of error are logged:
never a message, a slot or the file's text.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.content import ContentError

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_content_unavailable"

Events = list[dict[str, Any]]
Run = Callable[[Any, CollectingDispatcher, Tracker, dict[str, Any]], Awaitable[Events]]


def unavailable_response(domain: dict[str, Any]) -> str:
    """The response to send when content cannot load."""
    return UNAVAILABLE_RESPONSE


def log_content_error(action: str, error: ContentError) -> None:
    """Log which action could not run and which file is at fault, nothing more."""
    logger.error(
        "Action %s answered without its content: %s is unusable (%s: %s).",
        action,
        error.file or "a content file",
        type(error).__name__,
        error.problem,
    )


def answer_without_content(
    action: str,
    error: ContentError,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    say: bool = True,
) -> Events:
    """Log the error, send the safe answer (unless `say` is False), end the turn."""
    log_content_error(action, error)
    if say:
        dispatcher.utter_message(response=unavailable_response(domain))
    return [FollowupAction("action_listen")]


def answers_safely(run: Run) -> Run:
    """Decorate an action's `run`: a ContentError gets the safe answer, not a crash."""

    @functools.wraps(run)
    async def safe_run(
        self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        try:
            return await run(self, dispatcher, tracker, domain)
        except ContentError as error:
            return answer_without_content(self.name(), error, dispatcher, domain)

    return safe_run
