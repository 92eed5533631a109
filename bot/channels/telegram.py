"""Telegram, with the sender verified by the webhook's secret token.

Environment (all needed, else the channel is off):
    TELEGRAM_BOT_TOKEN     from @BotFather
    TELEGRAM_SECRET_TOKEN  a random string (1-256 of A-Z a-z 0-9 _ -) that Telegram
                           sends back in X-Telegram-Bot-Api-Secret-Token
    CHANNEL_ID_SECRET      key for conversation ids (shared by all messaging channels)
Optional: TELEGRAM_API_BASE (https://api.telegram.org; the tests point it at a fake).

Register the webhook once, from the command line (this server has no endpoint
that changes it):
    python -m bot.channels.telegram --set-webhook https://chat.example.org/webhooks/telegram/webhook

Options are sent as an inline keyboard; pressing one sends its number back,
which is turned into the option here. A typed number works too.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messaging import (
    MessagingInput,
    api_base,
    secrets_match,
    RenderingOutput,
    link_lines,
    send_with_retry,
    split_text,
)

logger = logging.getLogger(__name__)

LIMIT = 4096
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class TelegramOutput(RenderingOutput, OutputChannel):
    def __init__(self, channel: "TelegramInput", chat_id: int) -> None:
        self.channel, self.chat_id = channel, chat_id

    async def call(self, method: str, payload: Dict[str, Any]) -> bool:
        url = f"{self.channel.api_base}/bot{self.channel.settings['TELEGRAM_BOT_TOKEN']}/{method}"
        return await send_with_retry(self.channel.session(), "POST", url, "telegram", json=payload)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
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
            payload: Dict[str, Any] = {"chat_id": self.chat_id, "text": piece}
            if keyboard and index == len(pieces) - 1:
                payload["reply_markup"] = keyboard
            await self.call("sendMessage", payload)


def read_update(update: Any) -> Optional[Dict[str, Any]]:
    """(kind, chat id, text, date, callback id) of an update we handle, or None."""
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise ValueError("not a Telegram update")
    if isinstance(update.get("message"), dict):
        message = update["message"]
        chat = message.get("chat") or {}
        if not isinstance(chat.get("id"), int):
            raise ValueError("message without a chat")
        return {
            "chat": chat["id"],
            "text": message.get("text") or "",
            "date": message.get("date"),
            "callback": None,
        }
    if isinstance(update.get("callback_query"), dict):
        query = update["callback_query"]
        chat = (query.get("message") or {}).get("chat") or {}
        if not isinstance(chat.get("id"), int) or not isinstance(query.get("id"), str):
            raise ValueError("callback without a chat")
        return {
            "chat": chat["id"],
            "text": str(query.get("data") or ""),
            "date": None,
            "callback": query["id"],
        }
    return None  # edits, joins and the like: nothing to answer


class TelegramInput(MessagingInput, InputChannel):
    PLATFORM = "telegram"
    ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN")
    API_BASE_ENV, API_BASE = "TELEGRAM_API_BASE", "https://api.telegram.org"

    def __init__(self, settings, secret) -> None:
        super().__init__(settings, secret)
        if self.settings and not SECRET_TOKEN.match(self.settings["TELEGRAM_SECRET_TOKEN"]):
            logger.error("TELEGRAM_SECRET_TOKEN may hold only A-Z a-z 0-9 _ -; Telegram is off.")
            self.settings = None

    def verified(self, request: Request) -> bool:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return secrets_match(given, self.settings["TELEGRAM_SECRET_TOKEN"])

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        telegram = self.new_blueprint()

        if not self.enabled:
            return telegram

        @telegram.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.verified(request):
                return response.text("Forbidden", status=403)
            try:
                update = read_update(request.json)
            except Exception:  # not JSON, or not an update
                return response.text("Bad request", status=400)
            if update is None or not self.first_time(str(request.json["update_id"])):
                return response.text("OK")
            if self.too_old(update["date"]):
                return response.text("OK")
            output = TelegramOutput(self, update["chat"])
            if update["callback"]:
                self.background.run(
                    output.call("answerCallbackQuery", {"callback_query_id": update["callback"]})
                )
            self.background.run(
                self.handle(on_new_message, str(update["chat"]), update["text"], output)
            )
            return response.text("OK")

        return telegram


async def set_webhook(url: str) -> bool:
    """Register `url` with Telegram, with our secret token (run once by an operator)."""
    import aiohttp

    token, secret = os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_SECRET_TOKEN"]
    async with aiohttp.ClientSession() as session:
        return await send_with_retry(
            session,
            "POST",
            f"{api_base(TelegramInput.API_BASE_ENV, TelegramInput.API_BASE)}/bot{token}/setWebhook",
            "telegram",
            json={
                "url": url,
                "secret_token": secret,
                "allowed_updates": ["message", "callback_query"],
                "drop_pending_updates": True,
            },
        )


def main(argv=None) -> int:
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
