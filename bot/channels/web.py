"""The web chat channel: what the website widget (bot/web/static/widget.js) talks to.

    POST /webhooks/webchat/webhook   {"sender": id, "message": text} -> [messages]
    POST /webhooks/webchat/forget    {"sender": id}                   -> 204

Unlike Rasa's REST channel it never logs message text (Rasa's logs a timed-out
message at ERROR), refuses malformed requests with 400 before anything reaches
a tracker, and can delete a conversation for the widget's "clear" button.
CORS is limited to the origins given to `rasa run --cors` (scripts/run.sh).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.stores import forget_conversation

logger = logging.getLogger(__name__)

SENDER = re.compile(r"^[A-Za-z0-9-]{16,64}$")
MAX_MESSAGE_CHARS = 20_000  # the NLU reads 1,000; the safety net looks at all of it
UNAVAILABLE = (
    "Sorry, I cannot answer right now. If you or someone else is in danger, call 111 "
    "and ask for Police."
)


def read_request(
    request: Request, need_message: bool
) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """(sender, message, error): the error says why a request is refused."""
    try:
        body = request.json
    except Exception:  # Sanic raises on a body that is not JSON
        return None, None, "the body must be JSON"
    if not isinstance(body, dict):
        return None, None, "the body must be a JSON object"
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER.match(sender):
        return None, None, "sender must be 16 to 64 letters, digits or dashes"
    if not need_message:
        return sender, None, None
    message = body.get("message")
    if not isinstance(message, str):
        return None, None, "message must be text"
    if len(message) > MAX_MESSAGE_CHARS:
        return None, None, f"message must be at most {MAX_MESSAGE_CHARS} characters"
    return sender, message, None


class WebChatInput(InputChannel):
    """The website chat widget's channel."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint("webchat_webhook", __name__)

        @webchat.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webchat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender, message, error = read_request(request, need_message=True)
            if error:
                return response.json({"error": error}, status=400)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(message, collector, sender, input_channel=self.name())
                )
            except Exception:  # never the text: only that it failed
                logger.exception("The web chat could not handle a message.")
                return response.json([{"text": UNAVAILABLE}], status=503)
            return response.json(collector.messages)

        @webchat.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            sender, _, error = read_request(request, need_message=False)
            if error:
                return response.json({"error": error}, status=400)
            await forget_conversation(request.app.ctx.agent.tracker_store, sender)
            return response.empty(status=204)

        return webchat
