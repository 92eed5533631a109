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

One delivery may hold several entries and events, for several people: each
message is answered once, and each person's in the order they were written.
A picture or sticker without text reaches the assistant as an empty message
(which gets its calm answer); an edited message is answered as a new one.
Echoes, delivery and read receipts and reactions are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messaging import (
    MessagingInput,
    RenderingOutput,
    is_int,
    link_lines,
    secrets_match,
    send_with_retry,
    split_text,
)

logger = logging.getLogger(__name__)

LIMIT = 2000
QUICK_REPLY_TITLE = 20
MAX_QUICK_REPLIES = 13


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    """Whether X-Hub-Signature-256 (`header`) is the app secret's HMAC-SHA256 of `body`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return secrets_match(header, expected)


def short_title(title: str) -> str:
    """A quick reply title within Messenger's 20 characters, cut with an ellipsis."""
    return title if len(title) <= QUICK_REPLY_TITLE else title[: QUICK_REPLY_TITLE - 1] + "…"


class MessengerOutput(RenderingOutput, OutputChannel):
    """Sends the answers to one person (their page-scoped id) through the Send API."""

    PLATFORM = "messenger"

    def __init__(self, channel: MessengerInput, psid: str) -> None:
        self.channel, self.psid = channel, psid

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send one answer: its text and links, with its options as quick replies.

        The quick replies (at most MAX_QUICK_REPLIES) go with the last piece of a
        long text.
        """
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
            body: dict[str, Any] = {"text": piece}
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
                params={"access_token": self.channel.setting("MESSENGER_PAGE_TOKEN")},
                json={
                    "recipient": {"id": self.psid},
                    "messaging_type": "RESPONSE",
                    "message": body,
                },
            )


PSID = re.compile(r"^[0-9A-Za-z_.:-]{1,128}$")


def _str(value: Any, what: str, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ValueError(f"{what} that is not a string")
    return value


def _event(event: Any) -> dict[str, Any] | None:
    """One messaging event as a dict of psid, id, text and timestamp.

    Returns:
        The event's dict (as `read_events` describes), or None when there is nothing
        to answer (echoes, receipts, reactions, opt-ins and the like).

    Raises:
        ValueError: the event is malformed.
    """
    if not isinstance(event, dict):
        raise ValueError("event that is not an object")
    message, edit, postback = event.get("message"), event.get("message_edit"), event.get("postback")
    if message is None and edit is None and postback is None:
        return None  # delivery and read receipts, reactions, referrals and the like
    sender = event.get("sender")
    psid = sender.get("id") if isinstance(sender, dict) else None
    if not isinstance(psid, str) or not PSID.match(psid):
        raise ValueError("event without a sender")
    timestamp = event.get("timestamp")
    if timestamp is not None and not is_int(timestamp, 0, 2**53):
        raise ValueError("timestamp that is not a time")
    if message is not None:
        if not isinstance(message, dict):
            raise ValueError("message that is not an object")
        if message.get("is_echo"):
            return None  # what the page itself sent
        quick_reply = message.get("quick_reply")
        if quick_reply is not None and not isinstance(quick_reply, dict):
            raise ValueError("quick reply that is not an object")
        payload = _str((quick_reply or {}).get("payload"), "quick reply payload")
        text = payload or _str(message.get("text"), "text")  # "" for a picture or sticker
        return {
            "psid": psid,
            "id": _str(message.get("mid"), "message id", required=True),
            "text": text,
            "timestamp": timestamp,
        }
    if edit is not None:
        if not isinstance(edit, dict):
            raise ValueError("edit that is not an object")
        number = edit.get("num_edit", 0)
        if not is_int(number, 0):
            raise ValueError("edit number that is not a number")
        mid = _str(edit.get("mid"), "message id", required=True)
        return {
            "psid": psid,
            "id": f"{mid}:edit:{number}",  # a new id for each edit: answered once each
            "text": _str(edit.get("text"), "text"),
            "timestamp": timestamp,
        }
    if not isinstance(postback, dict):
        raise ValueError("postback that is not an object")
    mid = _str(postback.get("mid"), "postback id")
    return {
        "psid": psid,
        "id": mid or f"{psid}:{timestamp}",
        "text": _str(postback.get("payload"), "postback payload"),
        "timestamp": timestamp,
    }


def read_events(payload: Any) -> Iterator[dict[str, Any]]:
    """The messages, edits and button presses in a delivery, in order.

    Each is a dict of psid, id (for replay protection), text ("" for a picture or
    sticker) and timestamp (milliseconds, or None). A malformed event in a
    well-formed delivery is skipped (and counted in the log), so that the other
    people in it still get their answers.

    Raises:
        ValueError: the delivery itself is malformed.
    """
    if not isinstance(payload, dict) or payload.get("object") != "page":
        raise ValueError("not a page delivery")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise ValueError("delivery without entries")
    skipped = 0
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError("entry that is not an object")
        events = entry.get("messaging", [])
        if not isinstance(events, list):
            raise ValueError("messaging that is not a list")
        for event in events:
            try:
                read = _event(event)
            except ValueError:
                skipped += 1
                continue
            if read is not None:
                yield read
    if skipped:
        logger.warning("messenger: %d malformed events in a delivery were ignored.", skipped)


class MessengerInput(MessagingInput, InputChannel):
    """Messages from Meta's webhook for a Facebook page, verified by their signature."""

    PLATFORM = "messenger"
    ENV = ("MESSENGER_APP_SECRET", "MESSENGER_PAGE_TOKEN", "MESSENGER_VERIFY_TOKEN")
    API_BASE_ENV, API_BASE = "MESSENGER_API_BASE", "https://graph.facebook.com/v19.0"

    async def answer_in_order(
        self, on_new_message, psid: str, events: list[dict[str, Any]]
    ) -> None:
        """Handle one person's messages from one delivery, one after the other.

        A failure with one (logged by type) does not stop the next.
        """
        output = MessengerOutput(self, psid)
        for event in events:
            try:
                await self.handle(on_new_message, psid, event["text"], output)
            except Exception as exc:
                logger.error("A message could not be handled: %s", type(exc).__name__)

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        """The health route, and the webhook (its check and its deliveries) when on.

        A delivery is answered at once; each person's messages in it are handled in
        the background, in order.
        """
        messenger = self.new_blueprint()

        if not self.enabled:
            return messenger

        @messenger.route("/webhook", methods=["GET"])
        async def subscribe(request: Request) -> HTTPResponse:
            """Meta's one-time check that we own the webhook (it changes nothing here)."""
            token = request.args.get("hub.verify_token", "")
            if request.args.get("hub.mode") == "subscribe" and secrets_match(
                token, self.setting("MESSENGER_VERIFY_TOKEN")
            ):
                return response.text(request.args.get("hub.challenge", ""))
            return response.text("Forbidden", status=403)

        @messenger.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                return accept(request)
            except Exception as exc:  # a bug: logged by type only, never the delivery
                logger.error("messenger: the webhook failed (%s).", type(exc).__name__)
                return response.text("Server error", status=500)

        def accept(request: Request) -> HTTPResponse:
            header = request.headers.get("X-Hub-Signature-256", "")
            if not signature_ok(self.setting("MESSENGER_APP_SECRET"), request.body or b"", header):
                return response.text("Forbidden", status=403)
            try:
                events = list(read_events(request.json))
            except Exception:  # not JSON, or not a page delivery
                return response.text("Bad request", status=400)
            people: dict[str, list[dict[str, Any]]] = {}
            for event in events:
                if not self.first_time(event["id"]):
                    continue
                timestamp = event["timestamp"]
                if timestamp is not None and self.too_old(timestamp / 1000):
                    continue
                people.setdefault(event["psid"], []).append(event)
            for psid, theirs in people.items():
                self.background.run(self.answer_in_order(on_new_message, psid, theirs))
            return response.text("EVENT_RECEIVED")

        return messenger
