"""SMS and WhatsApp through Twilio, with the sender verified.

Environment (all needed, else the channel is off):
    TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
    TWILIO_WEBHOOK_URL   the public URL Twilio calls, exactly as set in Twilio's
                         console (behind a proxy it differs from what this server sees),
                         e.g. https://chat.example.org/webhooks/twilio/webhook
    CHANNEL_ID_SECRET    key for conversation ids (shared by all messaging channels)
Optional: TWILIO_API_BASE (https://api.twilio.com; the tests point it at a fake).

Every request must carry a valid X-Twilio-Signature for TWILIO_WEBHOOK_URL and
come from our account; anything else gets 403 and is not read further.
Answers go out through Twilio's Messages API from the number that was written
to. On SMS, Twilio itself answers STOP (and blocks further messages), so the
assistant ends any question flow but sends nothing back.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.messaging import (
    RenderingOutput,
    MessagingInput,
    link_lines,
    numbered,
    send_with_retry,
    split_text,
)

logger = logging.getLogger(__name__)

SMS_LIMIT = 1600
WHATSAPP_LIMIT = 4096
# The words Twilio's opt-out handling answers itself on SMS.
TWILIO_OPT_OUT = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def render(message: Dict[str, Any], limit: int) -> tuple:
    """(pieces of text, option payloads): links and numbered options as plain text."""
    parts = [message.get("text") or ""]
    parts += link_lines(message.get("custom"))
    buttons = message.get("buttons") or []
    if buttons:
        parts += numbered(buttons) + ["Reply with a number."]
    body = "\n".join(p for p in parts if p)
    return split_text(body, limit), [str(b.get("payload", "")) for b in buttons]


class TwilioOutput(RenderingOutput, OutputChannel):
    """Sends the answers to one person; their number lives only here, in memory."""

    def __init__(self, channel: "TwilioInput", to: str, from_: str, silent: bool) -> None:
        self.channel, self.to, self.from_, self.silent = channel, to, from_, silent
        self.limit = WHATSAPP_LIMIT if to.startswith("whatsapp:") else SMS_LIMIT

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        pieces, payloads = render(message, self.limit)
        if payloads:
            self.channel.options.remember(recipient_id, payloads)
        if self.silent:
            return
        settings = self.channel.settings
        url = (
            f"{self.channel.api_base}/2010-04-01/Accounts/"
            f"{settings['TWILIO_ACCOUNT_SID']}/Messages.json"
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
    PLATFORM = "twilio"
    ENV = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WEBHOOK_URL")
    API_BASE_ENV, API_BASE = "TWILIO_API_BASE", "https://api.twilio.com"

    def __init__(self, settings, secret) -> None:
        super().__init__(settings, secret)
        if self.settings is not None:
            self.validator = RequestValidator(self.settings["TWILIO_AUTH_TOKEN"])

    def auth(self) -> aiohttp.BasicAuth:
        return aiohttp.BasicAuth(
            self.settings["TWILIO_ACCOUNT_SID"], self.settings["TWILIO_AUTH_TOKEN"]
        )

    def verified(self, signature: str, form: Dict[str, str]) -> bool:
        """Signed by Twilio for our public URL and these exact fields, from our account."""
        return (
            bool(signature)
            and self.validator.validate(self.settings["TWILIO_WEBHOOK_URL"], form, signature)
            and form.get("AccountSid") == self.settings["TWILIO_ACCOUNT_SID"]
        )

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        twilio = self.new_blueprint()

        if not self.enabled:
            return twilio

        @twilio.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            form = {key: values[0] for key, values in (request.form or {}).items()}
            if not self.verified(request.headers.get("X-Twilio-Signature", ""), form):
                return response.text("Forbidden", status=403)
            sid, sender, ours = form.get("MessageSid"), form.get("From"), form.get("To")
            if not (sid and sender and ours):
                return response.text("Bad request", status=400)
            if self.first_time(sid):
                body = form.get("Body", "")
                opted_out = bool(form.get("OptOutType")) or (
                    not sender.startswith("whatsapp:") and body.strip().lower() in TWILIO_OPT_OUT
                )
                output = TwilioOutput(self, sender, ours, silent=opted_out)
                self.background.run(self.handle(on_new_message, sender, body, output))
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return twilio
