"""The web chat channel: what the website widget (bot/web/static/widget.js) talks to.

    POST /webhooks/webchat/webhook   {"sender": id, "message": text} -> [messages]
    POST /webhooks/webchat/forget    {"sender": id}                   -> 204

The forget body may come as text/plain: the widget sends it with
navigator.sendBeacon when the page is left, and a beacon cannot be JSON-typed
without a preflight that would not survive the page.

Unlike Rasa's REST channel it never logs message text (Rasa's logs a timed-out
message at ERROR), refuses malformed requests with 400 before anything reaches
a tracker, and can delete a conversation for the widget's "clear" button.
CORS is limited to the origins given to `rasa run --cors` (scripts/run.sh).

Hardening:
* Conversation ids get a web-only prefix on the server (`web-<id>`), so a web
  request can never read or delete a messaging conversation (`twilio-...`).
* Forgetting takes the conversation's lock, as Rasa does for a message, so a
  quick exit during a slow answer cannot leave the conversation stored.
* Limits (environment, defaults below): the request body is capped before any
  parsing (Sanic's REQUEST_MAX_SIZE), slow clients are cut off (request and
  keep-alive timeouts), and each client address and each conversation may
  send only so many messages a minute; over that, 429 with the 111 line.
* When the assistant fails (its store is down, say), 503 with the 111 line:
  never silence.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.nlg import ENGLISH, load_languages
from bot.stores import forget_conversation, harden_on_start
from bot.text import UNAVAILABLE, valid_text

logger = logging.getLogger(__name__)

SENDER = re.compile(r"^[A-Za-z0-9-]{16,64}$")
PREFIX = "web-"  # every web chat conversation id on the server starts with this
MAX_MESSAGE_CHARS = 20_000  # the NLU reads a bounded part; the safety net looks at all of it
TOO_MANY = (
    "You are sending messages very fast, so I have paused for a moment. Please wait a "
    "minute and try again. If you or someone else is in danger, call 111 and ask for Police."
)

# Sanic's limits, set for the whole Rasa server at start unless SANIC_<NAME> is set.
# 256 KiB holds 20,000 characters however they are escaped in JSON.
SERVER_LIMITS = {"REQUEST_MAX_SIZE": 256 * 1024, "REQUEST_TIMEOUT": 10, "KEEP_ALIVE_TIMEOUT": 5}
# Messages a minute: a person types far fewer; many people may share one address.
DEFAULT_PER_CONVERSATION = 30
DEFAULT_PER_ADDRESS = 120


class RateLimit:
    """At most `limit` events per `window` seconds for each key (a fixed window).

    Memory is bounded: at most `max_keys` keys are tracked, the stalest
    forgotten first. Counters live in this process.
    """

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.max_keys, self.clock = limit, window, max_keys, clock
        self._counts: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False when it is over the limit."""
        now = self.clock()
        start, count = self._counts.pop(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        count += 1
        self._counts[key] = (start, count)
        while len(self._counts) > self.max_keys:
            self._counts.popitem(last=False)
        return count <= self.limit


def limit_from_env(name: str, default: int, env: Mapping[str, str] = os.environ) -> int:
    """A positive whole number from the environment, else `default` (with a log line)."""
    value = env.get(name, "").strip()
    if not value:
        return default
    if value.isdigit() and int(value) > 0:
        return int(value)
    logger.error("%s must be a positive whole number; using %d.", name, default)
    return default


def client_address(request: Request) -> str:
    """The client's address, for the per-address rate limit.

    It comes from trusted proxy headers when Sanic is told to trust them
    (PROXIES_COUNT, REAL_IP_HEADER or FORWARDED_SECRET), else it is the peer's.
    """
    return request.remote_addr or request.ip or "unknown"


def server_id(client_id: str) -> str:
    """The conversation id on the server for the widget's id."""
    return PREFIX + client_id


def read_request(
    request: Request, need_message: bool, known: Iterable[str] = ()
) -> tuple[str | None, str | None, str | None, str | None]:
    """(server-side sender id, message, language, error), the body read once.

    The error says why a request is refused; the language is the page's, when
    it is one of `known` (`requested_language`).
    """
    try:
        body = json.loads(request.body or b"")
    except ValueError:  # also a body that is not UTF-8
        return None, None, None, "the body must be JSON"
    if not isinstance(body, dict):
        return None, None, None, "the body must be a JSON object"
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER.match(sender):
        return None, None, None, "sender must be 16 to 64 letters, digits or dashes"
    sender = server_id(sender)
    if not need_message:
        return sender, None, None, None
    message = body.get("message")
    if not isinstance(message, str):
        return None, None, None, "message must be text"
    if len(message) > MAX_MESSAGE_CHARS:
        return None, None, None, f"message must be at most {MAX_MESSAGE_CHARS} characters"
    return sender, valid_text(message), requested_language(body, known), None


def known_languages() -> set[str]:
    """English and every language with translations (bot/lang/)."""
    return {ENGLISH, *load_languages()}


def requested_language(body: Any, known: Iterable[str]) -> str | None:
    """The language the page asks for (`metadata.language`, the widget's data-lang), if known."""
    metadata = body.get("metadata") if isinstance(body, dict) else None
    language = metadata.get("language") if isinstance(metadata, dict) else None
    return language if isinstance(language, str) and language in known else None


def with_language(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answers, each with the conversation's language as `language`.

    The response generator (bot/nlg.py) marks each answer with
    `custom.language`; Rasa's collector sends a message's `custom` as a message
    of its own, so the mark moves to a `language` field of every message, and a
    message that held nothing else is dropped.
    """
    language, kept = None, []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and "language" in custom:
            language = custom["language"]
            rest = {k: v for k, v in custom.items() if k != "language"}
            message = {k: v for k, v in message.items() if k != "custom"}
            if rest:
                message["custom"] = rest
            if not any(
                message.get(k) for k in ("text", "custom", "buttons", "image", "attachment")
            ):
                continue
        kept.append(message)
    return [{**m, "language": language} for m in kept] if language else kept


class WebChatInput(InputChannel):
    """The website chat widget's channel."""

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        self.per_conversation = RateLimit(
            limit_from_env("WEB_MESSAGES_PER_MINUTE", DEFAULT_PER_CONVERSATION, env)
        )
        self.per_address = RateLimit(
            limit_from_env("WEB_MESSAGES_PER_MINUTE_PER_ADDRESS", DEFAULT_PER_ADDRESS, env)
        )
        self.env = env

    @classmethod
    def name(cls) -> str:
        """The channel's name in Rasa, and in its path: /webhooks/webchat/."""
        return "webchat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The routes: health, webhook (a message in, the answers out) and forget.

        Also sets Sanic's limits when the server starts (unless SANIC_<NAME> is set).
        """
        webchat = Blueprint("webchat_webhook", __name__)
        harden_on_start(webchat)

        @webchat.listener("before_server_start")
        async def set_limits(app: Any, loop: Any) -> None:
            for name, value in SERVER_LIMITS.items():
                if f"SANIC_{name}" not in self.env:
                    setattr(app.config, name, value)

        @webchat.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webchat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.per_address.allow(client_address(request)):
                return response.json([{"text": TOO_MANY}], status=429)
            sender, message, language, error = read_request(
                request, need_message=True, known=known_languages()
            )
            if error:
                return response.json({"error": error}, status=400)
            assert sender is not None  # read_request gives a sender whenever no error
            if not self.per_conversation.allow(sender):
                return response.json([{"text": TOO_MANY}], status=429)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        message,
                        collector,
                        sender,
                        input_channel=self.name(),
                        metadata={"language": language} if language else None,
                    )
                )
            except Exception as exc:  # never the text: only that it failed
                logger.error("The web chat could not handle a message (%s).", type(exc).__name__)
                return response.json([{"text": UNAVAILABLE}], status=503)
            return response.json(with_language(collector.messages))

        @webchat.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            if not self.per_address.allow(client_address(request)):
                return response.json([{"text": TOO_MANY}], status=429)
            sender, _, _, error = read_request(request, need_message=False)
            if error:
                return response.json({"error": error}, status=400)
            assert sender is not None  # read_request gives a sender whenever no error
            agent = request.app.ctx.agent
            # As for a message: wait for any answer being worked out, then delete,
            # so that saving that answer cannot bring the conversation back.
            async with agent.lock_store.lock(sender):
                await forget_conversation(agent.tracker_store, sender)
            return response.empty(status=204)

        return webchat
