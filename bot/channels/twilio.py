"""SMS and WhatsApp through Twilio, with the sender verified.

Environment (all needed, else the channel is off):
    TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
    TWILIO_WEBHOOK_URL   the public URL Twilio calls, exactly as set in Twilio's
                         console (behind a proxy it differs from what this server sees),
                         e.g. https://chat.example.org/webhooks/twilio/webhook
    CHANNEL_ID_SECRET    key for conversation ids (shared by all messaging channels)
Optional: TWILIO_API_BASE (https://api.twilio.com; the tests point it at a fake).

Every request must be form-encoded (else 415), and carry a valid
X-Twilio-Signature for TWILIO_WEBHOOK_URL and come from our account; anything
else gets 403 and is not read further. The signature is checked over the raw
body parsed by us, blank and repeated fields included (Twilio sends `FromCity=`,
`Body=` on a picture-only message and so on; Sanic's `request.form` drops blank
values, so a check over it fails for real messages). A signed request whose
message fields are missing or repeated gets 400. A picture-only message reaches
the assistant as an empty message, which gets its calm answer.
Answers go out through Twilio's Messages API from the number that was written
to. On SMS, Twilio itself answers STOP (and blocks further messages), so the
assistant ends any question flow but sends nothing back.

SMS answers are GSM-7 and at most two SMS parts a message (bot/channels/sms.py):
a longer answer is sent a page at a time, and "MORE" gets the next page;
"SOURCE" gets the source of the last answer, which SMS and WhatsApp answers
only offer. Both are answered here, without a turn of the assistant, when
there is something to send; otherwise the word goes to the assistant as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import aiohttp
from multidict import MultiDict
from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.messaging import (
    MessagingInput,
    RenderingOutput,
    link_lines,
    numbered,
    send_with_retry,
    split_text,
)
from bot.channels.sms import Pager, command, paginate, to_gsm7

logger = logging.getLogger(__name__)

SMS_LIMIT = 1600
WHATSAPP_LIMIT = 4096
# The words Twilio's opt-out handling answers itself on SMS.
TWILIO_OPT_OUT = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BODY = 256 * 1024  # far more than Twilio sends (1,600 characters and 10 media links)
MAX_FIELDS = 1000


def is_form(content_type: str) -> bool:
    """True for application/x-www-form-urlencoded, with or without parameters."""
    return content_type.split(";", 1)[0].strip().lower() == FORM_TYPE


def parse_form(body: bytes) -> MultiDict[str]:
    """The fields of a form-encoded body exactly as sent.

    Blank values are kept, and repeated fields keep all their values in order
    (the signature covers them).

    Raises:
        ValueError: (UnicodeDecodeError is one) the body is not UTF-8, has
            percent-escapes that are not UTF-8, or has more than MAX_FIELDS fields.
    """
    text = body.decode("utf-8")
    return MultiDict(
        parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    )


class Message(NamedTuple):
    """The parts of a verified Twilio message that we use."""

    sid: str
    sender: str
    ours: str
    body: str
    opted_out: bool


def one(fields: MultiDict[str], name: str) -> str | None:
    """The value of a field we read; ValueError when it is repeated (Twilio never does)."""
    values = fields.getall(name, [])
    if len(values) > 1:
        raise ValueError("repeated field")
    return values[0] if values else None


def read_message(fields: MultiDict[str]) -> Message:
    """The message in verified fields.

    A message is opted out when Twilio says so (OptOutType), or when it is an SMS
    whose whole text is one of Twilio's opt-out words (STOP and the like).

    Raises:
        ValueError: a field we need is missing, or a field we read is repeated (the
            signature does not cover the order of repeated values).
    """
    sid, sender, ours = one(fields, "MessageSid"), one(fields, "From"), one(fields, "To")
    body, opt_out = one(fields, "Body") or "", one(fields, "OptOutType")
    if not (sid and sender and ours):
        raise ValueError("message without its sid, sender or recipient")
    opted_out = bool(opt_out) or (
        not sender.startswith("whatsapp:") and body.strip().lower() in TWILIO_OPT_OUT
    )
    return Message(sid, sender, ours, body, opted_out)


def render(message: dict[str, Any], limit: int) -> tuple:
    """(pieces of text, option payloads): links and numbered options as plain text.

    On SMS (`limit` SMS_LIMIT) the text is GSM-7 where it can be, and the pieces
    are its pages (`paginate`): the first is sent now, the rest on MORE.
    """
    parts = [message.get("text") or ""]
    parts += link_lines(message.get("custom"))
    buttons = message.get("buttons") or []
    options = numbered(buttons) + ["Reply with a number."] if buttons else []
    payloads = [str(b.get("payload", "")) for b in buttons]
    if limit == SMS_LIMIT:  # the options stay together, after the text
        body, tail = "\n".join(p for p in parts if p), "\n".join(options)
        # An answer in another language keeps its letters (bot/nlg.py marks it).
        keep = (message.get("custom") or {}).get("language") not in (None, "en")
        return paginate(to_gsm7(body, keep), tail=to_gsm7(tail, keep)), payloads
    body = "\n".join(p for p in parts + options if p)
    return split_text(body, limit), payloads


def sms_source(message: dict[str, Any]) -> str | None:
    """The source an SMS or WhatsApp answer offers on request (utter_source's `custom`)."""
    source = (message.get("custom") or {}).get("sms_source")
    return str(source) if source else None


class TwilioOutput(RenderingOutput, OutputChannel):
    """Sends the answers to one person; their number lives only here, in memory."""

    PLATFORM = "twilio"

    def __init__(self, channel: TwilioInput, to: str, from_: str, silent: bool) -> None:
        self.channel, self.to, self.from_, self.silent = channel, to, from_, silent
        self.limit = WHATSAPP_LIMIT if to.startswith("whatsapp:") else SMS_LIMIT

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send one answer; nothing after an opt-out (STOP).

        On SMS only its first page goes now, and the others wait for MORE; on
        WhatsApp it goes whole, in pieces within WhatsApp's limit. Its options
        (and its source, for SOURCE) are remembered even after an opt-out, so
        that a number typed later works.
        """
        pieces, payloads = render(message, self.limit)
        if payloads:
            self.channel.options.remember(recipient_id, payloads)
        source = sms_source(message)
        if source:
            self.channel.pager.keep_source(recipient_id, source)
        if self.limit == SMS_LIMIT and len(pieces) > 1:
            self.channel.pager.keep_pages(recipient_id, pieces[1:])
            pieces = pieces[:1]
        await self.send_texts(pieces)

    async def send_texts(self, pieces: list[str]) -> None:
        """Send each piece as one text message, in order (none after an opt-out)."""
        if self.silent:
            return
        url = (
            f"{self.channel.api_base}/2010-04-01/Accounts/"
            f"{self.channel.setting('TWILIO_ACCOUNT_SID')}/Messages.json"
        )
        for piece in pieces:
            await send_with_retry(
                self.channel.session(),
                "POST",
                url,
                "twilio",
                data={"From": self.from_, "To": self.to, "Body": piece},
                auth=self.channel.auth(),
            )


class TwilioInput(MessagingInput, InputChannel):
    """SMS and WhatsApp messages from Twilio's webhook, verified by their signature."""

    PLATFORM = "twilio"
    ENV = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WEBHOOK_URL")
    API_BASE_ENV, API_BASE = "TWILIO_API_BASE", "https://api.twilio.com"

    def __init__(self, settings, secret) -> None:
        super().__init__(settings, secret)
        if self.settings is not None:
            self.validator = RequestValidator(self.settings["TWILIO_AUTH_TOKEN"])
        self.pager = Pager()

    async def reply_or_handle(self, on_new_message, message: Message, output: TwilioOutput):
        """Answer MORE or SOURCE from memory when there is something to send.

        Otherwise pass the message to the assistant, and drop the pages kept.
        """
        conversation = self.conversation(message.sender)
        asked = command(message.body)
        if asked == "more":
            page = self.pager.next_page(conversation)
            if page is not None:
                return await output.send_texts([page])
        elif asked == "source":
            source = self.pager.source(conversation)
            if source is not None:
                sms = output.limit == SMS_LIMIT
                pages = paginate(to_gsm7(source)) if sms else [source]
                self.pager.keep_pages(conversation, pages[1:])
                return await output.send_texts(pages[:1])
        self.pager.keep_pages(conversation, [])
        await self.handle(on_new_message, message.sender, message.body, output)

    def auth(self) -> aiohttp.BasicAuth:
        """The account's credentials for Twilio's API."""
        return aiohttp.BasicAuth(
            self.setting("TWILIO_ACCOUNT_SID"), self.setting("TWILIO_AUTH_TOKEN")
        )

    def verified(self, signature: str, fields: MultiDict[str]) -> bool:
        """Whether Twilio signed these exact fields for our public URL, from our account.

        The signature covers every value of every field, blank ones too.
        """
        return (
            bool(signature)
            and self.validator.validate(self.setting("TWILIO_WEBHOOK_URL"), fields, signature)
            and fields.getall("AccountSid", []) == [self.setting("TWILIO_ACCOUNT_SID")]
        )

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        """The health route, and the webhook when the channel is on.

        The webhook answers at once with empty TwiML; the assistant's answers are
        sent through the Messages API in the background.
        """
        twilio = self.new_blueprint()

        if not self.enabled:
            return twilio

        @twilio.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                return accept(request)
            except Exception as exc:  # a bug: logged by type only, never the fields
                logger.error("twilio: the webhook failed (%s).", type(exc).__name__)
                return response.text("Server error", status=500)

        def accept(request: Request) -> HTTPResponse:
            if not is_form(request.headers.get("Content-Type", "")):
                return response.text("Unsupported media type", status=415)
            raw = request.body or b""
            if len(raw) > MAX_BODY:
                return response.text("Payload too large", status=413)
            try:
                fields = parse_form(raw)
            except ValueError:  # not what Twilio sends, so it cannot carry its signature
                return response.text("Forbidden", status=403)
            if not self.verified(request.headers.get("X-Twilio-Signature", ""), fields):
                return response.text("Forbidden", status=403)
            try:
                message = read_message(fields)
            except ValueError:
                return response.text("Bad request", status=400)
            if self.first_time(message.sid):
                output = TwilioOutput(self, message.sender, message.ours, message.opted_out)
                self.background.run(self.reply_or_handle(on_new_message, message, output))
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return twilio
