"""What the messaging channels (Twilio SMS and WhatsApp, Telegram, Messenger) share.

* The conversation id is a keyed hash of the platform and the person's address
  (`CHANNEL_ID_SECRET`), never the phone number or platform id itself; the real
  address lives only in memory, in the output channel of one incoming message.
* Quick replies become numbered options (or keyboards); the number typed back
  is turned into the option's text here, before the NLU sees it.
* Long answers are split at sentence ends, within each platform's limit.
* Replayed deliveries (the same message id again) are dropped.
* Sending is retried with backoff on rate limits, server errors and network
  errors, and logged without the message text.
* Whatever a channel passes to the assistant is valid Unicode (`valid_text`).
* Nothing here logs message text, numbers, platform ids or payloads above DEBUG;
  exceptions are logged by type only.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import aiohttp
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response

from bot.stores import harden_on_start
from bot.text import UNAVAILABLE, valid_text

logger = logging.getLogger(__name__)

ID_SECRET_ENV = "CHANNEL_ID_SECRET"
MIN_SECRET_LENGTH = 16
RETRY_STATUSES = {408, 425, 429}
SEND_ATTEMPTS = 4
SEND_BACKOFF = 0.5  # seconds; doubles each attempt
SEND_TIMEOUT = 10


def id_secret(env: Mapping[str, str] = os.environ) -> str | None:
    """The key for conversation ids, or None (and a log line) when unusable."""
    secret = env.get(ID_SECRET_ENV, "").strip()
    if len(secret) < MIN_SECRET_LENGTH:
        logger.error(
            "%s must be set (at least %d characters) for messaging channels; they stay off.",
            ID_SECRET_ENV,
            MIN_SECRET_LENGTH,
        )
        return None
    return secret


def conversation_id(secret: str, platform: str, address: str) -> str:
    """A stable id for the conversation that does not reveal the address."""
    digest = hmac.new(secret.encode(), f"{platform}:{address}".encode(), hashlib.sha256)
    return f"{platform}-{digest.hexdigest()[:40]}"


def is_int(value: Any, low: int = -(2**63), high: int = 2**63) -> bool:
    """A JSON integer (not a bool, not a float) with low <= value < high."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value < high


def secrets_match(given: str, expected: str) -> bool:
    """Compare a secret from a request with ours in constant time (any text is safe)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def api_base(name: str, default: str, env: Mapping[str, str] = os.environ) -> str:
    """A platform's API address: `default`, unless the variable `name` says otherwise."""
    return (env.get(name, "").strip() or default).rstrip("/")


def settings_from_env(
    names: Sequence[str], env: Mapping[str, str] = os.environ
) -> dict[str, str] | None:
    """The channel's settings when every one of `names` is set, else None (channel off)."""
    values = {name: env.get(name, "").strip() for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        if len(missing) < len(names):
            logger.warning("Channel off: %s not set.", ", ".join(missing))
        return None
    return values


class ExpiringSet:
    """Ids seen recently (replay protection), kept for `ttl` seconds, at most `size`."""

    def __init__(self, ttl: float = 24 * 3600, size: int = 100_000) -> None:
        self.ttl, self.size = ttl, size
        self._seen: OrderedDict[str, float] = OrderedDict()

    def add(self, key: str, now: float | None = None) -> bool:
        """Remember `key`; False when it was already seen (a replay)."""
        now = time.time() if now is None else now
        while self._seen and (
            next(iter(self._seen.values())) < now - self.ttl or len(self._seen) >= self.size
        ):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


class RecentValues:
    """One value per conversation, in memory: numbered options, SMS pages.

    Each is kept for at most `ttl` seconds, and for at most `size`
    conversations (the oldest goes first).
    """

    def __init__(self, ttl: float = 3600, size: int = 50_000) -> None:
        self.ttl, self.size = ttl, size
        self._values: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def put(self, conversation: str, value: Any) -> None:
        """Keep `value` for this conversation, in place of any earlier one."""
        self._values.pop(conversation, None)
        if len(self._values) >= self.size:
            self._values.popitem(last=False)
        self._values[conversation] = (time.time(), value)

    def get(self, conversation: str) -> Any:
        """The value kept for this conversation, or None (also once it is too old)."""
        entry = self._values.get(conversation)
        if entry is None:
            return None
        when, value = entry
        if time.time() - when > self.ttl:
            self._values.pop(conversation, None)
            return None
        return value

    def pop(self, conversation: str) -> None:
        """Drop the value kept for this conversation."""
        self._values.pop(conversation, None)


class OptionMemory:
    """The last options offered to each conversation, so that "2" means option 2."""

    def __init__(self, ttl: float = 3600, size: int = 50_000) -> None:
        self._options = RecentValues(ttl, size)

    def remember(self, conversation: str, payloads: list[str]) -> None:
        """Keep the payloads of the options just offered, in order, for this conversation."""
        self._options.put(conversation, payloads)

    def resolve(self, conversation: str, text: str) -> str:
        """The payload of option `text` if it is the number of one, else the text."""
        number = text.strip().rstrip(".)")
        if not number.isdigit():
            return text
        payloads = self._options.get(conversation)
        if payloads is None:
            return text
        index = int(number) - 1
        return payloads[index] if 0 <= index < len(payloads) else text

    def forget(self, conversation: str) -> None:
        """Drop the options remembered for this conversation."""
        self._options.pop(conversation)


_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters.

    Each cut is at a sentence end or line break where possible, else at a space,
    else anywhere. Pieces are stripped; an empty text gives no pieces.
    """
    text = text.strip()
    pieces: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cuts = [m.start() for m in _SENTENCE_END.finditer(window) if 0 < m.start() <= limit]
        cut = cuts[-1] if cuts else window.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].strip()
    if text:
        pieces.append(text)
    return pieces


def tel_number(href: str) -> str:
    """'tel:+64800555111' -> '+64800555111': a number phones make tappable in text."""
    return href[4:] if href.lower().startswith("tel:") else href


def link_lines(custom: dict[str, Any] | None) -> list[str]:
    """Custom links (web and tel:) as plain lines: 'Call Crimestoppers: +64800555111'."""
    lines = []
    for link in (custom or {}).get("links") or []:
        href, label = str(link.get("href", "")), str(link.get("label", ""))
        if href.lower().startswith(("tel:", "https:", "http:")):
            target = tel_number(href)
            lines.append(f"{label}: {target}" if label and target not in label else label or target)
    return lines


def numbered(buttons: Iterable[dict[str, Any]]) -> list[str]:
    """Buttons as numbered lines of their titles: '1. Yes', '2. No'."""
    return [f"{i}. {b.get('title', '')}" for i, b in enumerate(buttons, start=1)]


async def send_with_retry(
    session: aiohttp.ClientSession, method: str, url: str, what: str, **kwargs: Any
) -> bool:
    """Send one request to a platform, retrying rate limits, server and network errors."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            async with session.request(
                method, url, timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT), **kwargs
            ) as response:
                if response.status < 300:
                    return True
                retry = response.status in RETRY_STATUSES or response.status >= 500
                error = f"HTTP {response.status}"
                delay = float(response.headers.get("Retry-After", "0") or 0)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            retry, error, delay = True, type(exc).__name__, 0.0
        if not retry or attempt == SEND_ATTEMPTS:
            logger.error("%s: sending failed (%s) after %d attempts.", what, error, attempt)
            return False
        delay = max(delay, SEND_BACKOFF * 2 ** (attempt - 1))
        logger.warning("%s: sending failed (%s); trying again in %.1f s.", what, error, delay)
        await asyncio.sleep(min(delay, 30))
    return False


class Background:
    """Handle messages after the webhook has answered, keeping the tasks alive."""

    def __init__(self) -> None:
        self._tasks: set = set()

    def run(self, coroutine) -> None:
        """Start `coroutine` as a task, kept referenced until it is done."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("A message could not be handled: %s", type(task.exception()).__name__)


MAX_AGE_SECONDS = 3600  # older deliveries are treated as replays


class MessagingInput:
    """Mixin for our messaging input channels.

    It holds what they share: settings from the environment, conversation ids,
    option numbers, replays and background handling.

    A subclass sets PLATFORM, ENV (the variables it needs) and adds its routes
    in `add_routes`; with any variable missing the channel is off: only its
    health route exists, and nothing can reach a conversation through it.
    """

    PLATFORM = ""
    ENV: Sequence[str] = ()
    API_BASE_ENV = ""  # the variable that may point the channel at another API address
    API_BASE = ""  # the platform's own API address

    def __init__(self, settings: dict[str, str] | None, secret: str | None) -> None:
        self.settings = settings if secret else None
        self.secret = secret
        self.api_base = api_base(self.API_BASE_ENV, self.API_BASE)
        self.options = OptionMemory()
        self.seen = ExpiringSet()
        self.background = Background()
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None):
        """Make the channel from the environment; credentials.yml's values are ignored."""
        settings = settings_from_env(cls.ENV)
        return cls(settings, id_secret() if settings else None)

    @classmethod
    def name(cls) -> str:
        """The channel's name in Rasa (and in its webhook's path): the platform."""
        return cls.PLATFORM

    @property
    def enabled(self) -> bool:
        """Whether the channel is on: every variable it needs is set and usable."""
        return self.settings is not None

    def setting(self, name: str) -> str:
        """The value of one of the channel's variables (`ENV`).

        Only the routes and outputs of a channel that is on ask for one: a channel
        that is off has no webhook route.
        """
        assert self.settings is not None, f"{self.PLATFORM} is off"
        return self.settings[name]

    def new_blueprint(self):
        """The channel's blueprint with its health route (which says "off" when it is)."""
        blueprint = Blueprint(f"{self.PLATFORM}_webhook", self.__class__.__module__)
        harden_on_start(blueprint)  # also when the web chat is not configured

        @blueprint.route("/", methods=["GET"])
        async def health(request):
            return response.json({"status": "ok" if self.enabled else "off"})

        return blueprint

    def session(self) -> aiohttp.ClientSession:
        """The HTTP session for calls to the platform, opened again once closed."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    def conversation(self, address: str) -> str:
        """The conversation id for a person's address on this platform."""
        return conversation_id(self.secret or "", self.PLATFORM, address)

    def first_time(self, delivery_id: str) -> bool:
        """False for a delivery seen before (a replay): it is acknowledged, not handled."""
        fresh = self.seen.add(f"{self.PLATFORM}:{delivery_id}")
        if not fresh:
            logger.info("%s: a repeated delivery was ignored.", self.PLATFORM)
        return fresh

    @staticmethod
    def too_old(sent_at: float | None, now: float | None = None) -> bool:
        """Whether a delivery sent at `sent_at` (in seconds) is older than MAX_AGE_SECONDS.

        Old deliveries are treated as replays; one without a time (None) never is.
        """
        now = time.time() if now is None else now
        return sent_at is not None and now - sent_at > MAX_AGE_SECONDS

    async def handle(self, on_new_message, address: str, text: str | None, output) -> None:
        """Pass one message to the assistant; a typed option number becomes its option."""
        sender = self.conversation(address)
        text = self.options.resolve(sender, valid_text(text or ""))
        try:
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name()))
        except Exception as exc:  # never silence: the 111 line, and the type in the log
            logger.error(
                "%s: a message could not be handled (%s).", self.PLATFORM, type(exc).__name__
            )
            await output.send_text_message(sender, UNAVAILABLE)


class _SendsResponses(Protocol):
    """What RenderingOutput needs of the class it is mixed into."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None: ...


class RenderingOutput:
    """Mixin for our output channels: everything goes through `send_response`.

    Each channel's `send_response` renders the whole message (text, links,
    options) for its platform. `PLATFORM` is also the output channel's name,
    which is how Rasa picks a response's `channel:` variation (`channel:
    twilio` for SMS and WhatsApp): without it, Rasa would name the channel
    after the class, and no channel variation would ever be used.
    """

    PLATFORM = ""

    @classmethod
    def name(cls) -> str:
        """The name Rasa's response variations use for this channel: the platform."""
        return cls.PLATFORM

    async def send_text_message(
        self: _SendsResponses, recipient_id: str, text: str, **kwargs: Any
    ) -> None:
        """Send plain text as a whole message, through `send_response`."""
        await self.send_response(recipient_id, {"text": text})
