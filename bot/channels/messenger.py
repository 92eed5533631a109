"""Facebook Messenger, with every delivery's X-Hub-Signature-256 checked.

Environment (all needed, else the channel is off):
    MESSENGER_APP_SECRET    the app secret: signs every delivery (HMAC-SHA256)
    MESSENGER_PAGE_TOKEN    the page access token, to answer
    MESSENGER_VERIFY_TOKEN  the token you type into Meta's webhook settings
    CHANNEL_ID_SECRET       key for conversation ids (shared by all messaging channels)
Optional: MESSENGER_API_BASE (https://graph.facebook.com/v19.0; the tests point it at a fake).

Rasa's own connector checks only the old SHA-1 signature, not in constant time,
and answers 200 to a bad one; this one checks SHA-256 with hmac.compare_digest
on the raw body and answers 403 before reading anything.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, Iterator, Text

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messaging import (
    MessagingInput,
    secrets_match,
    RenderingOutput,
    link_lines,
    send_with_retry,
    split_text,
)

logger = logging.getLogger(__name__)

LIMIT = 2000
QUICK_REPLY_TITLE = 20
MAX_QUICK_REPLIES = 13


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return secrets_match(header, expected)


def short_title(title: str) -> str:
    return title if len(title) <= QUICK_REPLY_TITLE else title[: QUICK_REPLY_TITLE - 1] + "…"


class MessengerOutput(RenderingOutput, OutputChannel):
    def __init__(self, channel: "MessengerInput", psid: str) -> None:
        self.channel, self.psid = channel, psid

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        text = "\n".join(
            p for p in [message.get("text") or "", *link_lines(message.get("custom"))] if p
        )
        buttons = (message.get("buttons") or [])[:MAX_QUICK_REPLIES]
        pieces = split_text(text, LIMIT) or (["…"] if buttons else [])
        if buttons:
            self.channel.options.remember(
                recipient_id, [str(b.get("payload", "")) for b in buttons]
            )
        url = f"{self.channel.api_base}/me/messages"
        for index, piece in enumerate(pieces):
            body: Dict[str, Any] = {"text": piece}
            if buttons and index == len(pieces) - 1:
                body["quick_replies"] = [
                    {
                        "content_type": "text",
                        "title": short_title(str(b.get("title", ""))),
                        "payload": str(b.get("payload", ""))[:1000],
                    }
                    for b in buttons
                ]
            await send_with_retry(
                self.channel.session(),
                "POST",
                url,
                "messenger",
                params={"access_token": self.channel.settings["MESSENGER_PAGE_TOKEN"]},
                json={
                    "recipient": {"id": self.psid},
                    "messaging_type": "RESPONSE",
                    "message": body,
                },
            )


def read_events(payload: Any) -> Iterator[Dict[str, Any]]:
    """The messages and button presses in a delivery: (psid, id, text, timestamp)."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        raise ValueError("not a page delivery")
    for entry in payload.get("entry") or []:
        for event in entry.get("messaging") or []:
            sender = (event.get("sender") or {}).get("id")
            message, postback = event.get("message"), event.get("postback")
            if not isinstance(sender, str):
                raise ValueError("event without a sender")
            if isinstance(message, dict) and not message.get("is_echo"):
                text = (
                    (message.get("quick_reply") or {}).get("payload") or message.get("text") or ""
                )
                yield {
                    "psid": sender,
                    "id": message.get("mid") or "",
                    "text": str(text),
                    "timestamp": event.get("timestamp"),
                }
            elif isinstance(postback, dict):
                yield {
                    "psid": sender,
                    "id": postback.get("mid") or f"{sender}:{event.get('timestamp')}",
                    "text": str(postback.get("payload") or ""),
                    "timestamp": event.get("timestamp"),
                }


class MessengerInput(MessagingInput, InputChannel):
    PLATFORM = "messenger"
    ENV = ("MESSENGER_APP_SECRET", "MESSENGER_PAGE_TOKEN", "MESSENGER_VERIFY_TOKEN")
    API_BASE_ENV, API_BASE = "MESSENGER_API_BASE", "https://graph.facebook.com/v19.0"

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        messenger = self.new_blueprint()

        if not self.enabled:
            return messenger

        @messenger.route("/webhook", methods=["GET"])
        async def subscribe(request: Request) -> HTTPResponse:
            """Meta's one-time check that we own the webhook (it changes nothing here)."""
            token = request.args.get("hub.verify_token", "")
            if request.args.get("hub.mode") == "subscribe" and secrets_match(
                token, self.settings["MESSENGER_VERIFY_TOKEN"]
            ):
                return response.text(request.args.get("hub.challenge", ""))
            return response.text("Forbidden", status=403)

        @messenger.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            header = request.headers.get("X-Hub-Signature-256", "")
            if not signature_ok(self.settings["MESSENGER_APP_SECRET"], request.body or b"", header):
                return response.text("Forbidden", status=403)
            try:
                events = list(read_events(request.json))
            except Exception:  # not JSON, or not a page delivery
                return response.text("Bad request", status=400)
            for event in events:
                if not event["id"] or not self.first_time(event["id"]):
                    continue
                timestamp = event["timestamp"]
                if isinstance(timestamp, (int, float)) and self.too_old(timestamp / 1000):
                    continue
                output = MessengerOutput(self, event["psid"])
                self.background.run(
                    self.handle(on_new_message, event["psid"], event["text"], output)
                )
            return response.text("EVENT_RECEIVED")

        return messenger
