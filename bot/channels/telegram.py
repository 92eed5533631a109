"""Telegram, with the sender verified by the webhook's secret token.

Environment (all needed, else the channel is off):
    TELEGRAM_BOT_TOKEN     from @BotFather
    TELEGRAM_SECRET_TOKEN  a random string (16-256 of A-Z a-z 0-9 _ -) that Telegram
                           sends back in X-Telegram-Bot-Api-Secret-Token; shorter, or
                           with other characters, and the channel stays off
    CHANNEL_ID_SECRET      key for conversation ids (shared by all messaging channels)
Optional: TELEGRAM_API_BASE (https://api.telegram.org; the tests point it at a fake).

Register the webhook once, from the command line (this server has no endpoint
that changes it):
    python -m bot.channels.telegram --set-webhook https://chat.example.org/webhooks/telegram/webhook

Options are sent as an inline keyboard; pressing one sends its number back,
which is turned into the option here. A typed number works too.

An edited message is answered as a new one (the edit may add a cry for help).
A photo's caption is its text; a photo without one, a sticker, a voice note and
the like reach the assistant as an empty message, which gets its calm answer.
Messages in groups, supergroups and channels are not passed to the assistant and
start no conversation: the chat gets one plain note (at most every ten minutes)
asking the person to write privately, and to call 111 if anyone is in danger.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messaging import (
    ExpiringSet,
    MessagingInput,
    RenderingOutput,
    api_base,
    is_int,
    link_lines,
    secrets_match,
    send_with_retry,
    split_text,
)

logger = logging.getLogger(__name__)

LIMIT = 4096
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MIN_SECRET_TOKEN = 16
# The updates we read; set_webhook asks Telegram for these.
MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")
ALLOWED_UPDATES = [*MESSAGE_KINDS, "callback_query"]
CHAT_TYPES = {"private", "group", "supergroup", "channel"}
GROUP_NOTE = (
    "Sorry, I can only talk with one person at a time, in a private chat. "
    "Please send me a message directly. "
    "If anyone is in danger now, call 111 and ask for Police."
)
GROUP_NOTE_EVERY = 600  # seconds: one note per group chat in that time


def secret_token_problem(token: str) -> str | None:
    """Why the secret token cannot be used, or None when it can."""
    if not SECRET_TOKEN.match(token):
        return "may hold only A-Z a-z 0-9 _ - (at most 256)"
    if len(token) < MIN_SECRET_TOKEN:
        return f"must be at least {MIN_SECRET_TOKEN} characters"
    return None


class TelegramOutput(RenderingOutput, OutputChannel):
    """Sends the answers to one chat through the Bot API."""

    PLATFORM = "telegram"

    def __init__(self, channel: TelegramInput, chat_id: int) -> None:
        self.channel, self.chat_id = channel, chat_id

    async def call(self, method: str, payload: dict[str, Any]) -> bool:
        """Call one Bot API method with a JSON payload; False when it failed in the end."""
        url = f"{self.channel.api_base}/bot{self.channel.setting('TELEGRAM_BOT_TOKEN')}/{method}"
        return await send_with_retry(self.channel.session(), "POST", url, "telegram", json=payload)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send one answer: its text and links, with its options as an inline keyboard.

        The keyboard goes with the last piece of a long text; each button sends
        back its number, which `OptionMemory` turns into the option.
        """
        text = "\n".join(
            p for p in [message.get("text") or "", *link_lines(message.get("custom"))] if p
        )
        buttons = message.get("buttons") or []
        pieces = split_text(text, LIMIT) or ([" "] if buttons else [])
        keyboard = None
        if buttons:
            self.channel.options.remember(
                recipient_id, [str(b.get("payload", "")) for b in buttons]
            )
            keyboard = {
                "inline_keyboard": [
                    [{"text": str(b.get("title", ""))[:64], "callback_data": str(i)}]
                    for i, b in enumerate(buttons, start=1)
                ]
            }
        for index, piece in enumerate(pieces):
            payload: dict[str, Any] = {"chat_id": self.chat_id, "text": piece}
            if keyboard and index == len(pieces) - 1:
                payload["reply_markup"] = keyboard
            await self.call("sendMessage", payload)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("text that is not a string")
    return value


def _chat(holder: dict[str, Any]) -> tuple:
    """(chat id, private?) of a message; a missing type counts as private."""
    chat = holder.get("chat")
    if not isinstance(chat, dict) or not is_int(chat.get("id")):
        raise ValueError("message without a chat")
    kind = chat.get("type", "private")
    if not isinstance(kind, str) or kind not in CHAT_TYPES:
        raise ValueError("unknown chat type")
    return chat["id"], kind == "private"


def _date(value: Any) -> int | None:
    if value is None:
        return None
    if not is_int(value, 0, 2**40):
        raise ValueError("date that is not a time")
    return value


def read_update(update: Any) -> dict[str, Any] | None:
    """What an update asks of us, or None for one with nothing to answer.

    Returns:
        A dict with: update_id; chat (the chat's id); private (False in a group,
        supergroup or channel); text (the message's text, else a photo's caption,
        else ""; for a button press, its data); date (when sent or last edited, or
        None for a button press); callback (the id of a button press, else None).
        None for updates with nothing to answer (joins, polls and the like).

    Raises:
        ValueError: the update is not a well-formed Telegram update.
    """
    if not isinstance(update, dict) or not is_int(update.get("update_id"), 0):
        raise ValueError("not a Telegram update")
    for kind in MESSAGE_KINDS:
        message = update.get(kind)
        if message is None:
            continue
        if not isinstance(message, dict):
            raise ValueError("message that is not an object")
        chat, private = _chat(message)
        text, caption = _text(message.get("text")), _text(message.get("caption"))
        date, edited = _date(message.get("date")), _date(message.get("edit_date"))
        return {
            "update_id": update["update_id"],
            "chat": chat,
            "private": private and kind in ("message", "edited_message"),
            "text": text or caption,
            "date": edited if edited is not None else date,
            "callback": None,
        }
    query = update.get("callback_query")
    if query is not None:
        if not isinstance(query, dict) or not isinstance(query.get("id"), str):
            raise ValueError("callback without an id")
        message = query.get("message")
        if not isinstance(message, dict):
            raise ValueError("callback without a chat")
        chat, private = _chat(message)
        data = query.get("data")
        if data is not None and not isinstance(data, str):
            raise ValueError("callback data that is not a string")
        return {
            "update_id": update["update_id"],
            "chat": chat,
            "private": private,
            "text": data or "",
            "date": None,
            "callback": query["id"],
        }
    return None  # joins, polls, member changes and the like: nothing to answer


class TelegramInput(MessagingInput, InputChannel):
    """Updates from Telegram's webhook, verified by the secret token."""

    PLATFORM = "telegram"
    ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN")
    API_BASE_ENV, API_BASE = "TELEGRAM_API_BASE", "https://api.telegram.org"

    def __init__(self, settings, secret) -> None:
        super().__init__(settings, secret)
        self.noted_groups = ExpiringSet(ttl=GROUP_NOTE_EVERY, size=10_000)
        problem = self.settings and secret_token_problem(self.settings["TELEGRAM_SECRET_TOKEN"])
        if problem:
            logger.error("TELEGRAM_SECRET_TOKEN %s; Telegram is off.", problem)
            self.settings = None

    def verified(self, request: Request) -> bool:
        """Whether the request carries our secret token (compared in constant time)."""
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return secrets_match(given, self.setting("TELEGRAM_SECRET_TOKEN"))

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        """The health route, and the webhook when the channel is on.

        The webhook answers at once; private messages are handled in the
        background, and group chats get only the note asking for a private chat.
        """
        telegram = self.new_blueprint()

        if not self.enabled:
            return telegram

        @telegram.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                return accept(request)
            except Exception as exc:  # a bug: logged by type only, never the update
                logger.error("telegram: the webhook failed (%s).", type(exc).__name__)
                return response.text("Server error", status=500)

        def accept(request: Request) -> HTTPResponse:
            if not self.verified(request):
                return response.text("Forbidden", status=403)
            try:
                update = read_update(request.json)
            except Exception:  # not JSON, or not an update
                return response.text("Bad request", status=400)
            if update is None or not self.first_time(str(update["update_id"])):
                return response.text("OK")
            if self.too_old(update["date"]):
                return response.text("OK")
            output = TelegramOutput(self, update["chat"])
            if update["callback"]:
                self.background.run(
                    output.call("answerCallbackQuery", {"callback_query_id": update["callback"]})
                )
            if not update["private"]:
                # Not for the assistant, and no conversation: one plain note to the chat.
                if self.noted_groups.add(str(update["chat"])):
                    self.background.run(
                        output.call("sendMessage", {"chat_id": update["chat"], "text": GROUP_NOTE})
                    )
                return response.text("OK")
            self.background.run(
                self.handle(on_new_message, str(update["chat"]), update["text"], output)
            )
            return response.text("OK")

        return telegram


async def set_webhook(url: str) -> bool:
    """Register `url` with Telegram, with our secret token (run once by an operator)."""
    import aiohttp

    token, secret = os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_SECRET_TOKEN"]
    problem = secret_token_problem(secret)
    if problem:
        logger.error("TELEGRAM_SECRET_TOKEN %s.", problem)
        return False
    async with aiohttp.ClientSession() as session:
        return await send_with_retry(
            session,
            "POST",
            f"{api_base(TelegramInput.API_BASE_ENV, TelegramInput.API_BASE)}/bot{token}/setWebhook",
            "telegram",
            json={
                "url": url,
                "secret_token": secret,
                "allowed_updates": ALLOWED_UPDATES,
                "drop_pending_updates": True,
            },
        )


def main(argv=None) -> int:
    """Command line: register the webhook (`--set-webhook URL`); 0 when Telegram took it."""
    parser = argparse.ArgumentParser(description="Register the Telegram webhook.")
    parser.add_argument(
        "--set-webhook",
        required=True,
        metavar="URL",
        help="the public https URL of /webhooks/telegram/webhook",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    if not args.set_webhook.startswith("https://"):
        parser.error("Telegram needs an https URL")
    ok = asyncio.run(set_webhook(args.set_webhook))
    print("Webhook registered." if ok else "Telegram refused the webhook; see the log above.")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
