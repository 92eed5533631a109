"""The web chat channel served for real (a local Sanic server, no model): limits,
web-only conversation ids, forgetting under the conversation's lock, the 111
line when the assistant fails, and the beacon's text/plain body."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.web import (
    MAX_MESSAGE_CHARS,
    SERVER_LIMITS,
    TOO_MANY,
    RateLimit,
    WebChatInput,
    limit_from_env,
    server_id,
)
from bot.stores import PrivateTrackerStore
from bot.text import UNAVAILABLE
from local_sanic import serve_channel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


class Agent:
    """What the channel uses of Rasa's agent: its lock store and tracker store."""

    def __init__(self, domain: Domain) -> None:
        self.lock_store = InMemoryLockStore()
        self.private = PrivateTrackerStore(domain)
        self.tracker_store = FailSafeTrackerStore(self.private)


def client_id() -> str:
    return uuid.uuid4().hex


async def post(url: str, body: Any, content_type: str = "application/json") -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=data, headers={"Content-Type": content_type}) as answer:
            raw = await answer.read()
            try:
                return answer.status, json.loads(raw) if raw else None
            except ValueError:
                return answer.status, raw.decode(errors="replace")


def echo(seen: list[Any]):
    async def on_new_message(message) -> None:
        seen.append(message)
        await message.output_channel.send_text_message(message.sender_id, "an answer")

    return on_new_message


# --- ids, text and failures -----------------------------------------------------------------


async def test_conversation_ids_are_web_only(domain):
    seen: list[Any] = []
    async with serve_channel(WebChatInput(env={}), echo(seen), Agent(domain)) as url:
        for sender in [client_id(), "twilio-" + uuid.uuid4().hex[:40]]:
            status, answer = await post(f"{url}/webhook", {"sender": sender, "message": "hi"})
            assert status == 200 and answer == [
                {"recipient_id": server_id(sender), "text": "an answer"}
            ]
    assert [m.sender_id for m in seen] == [server_id(m.sender_id[4:]) for m in seen]
    assert all(m.sender_id.startswith("web-") for m in seen)
    assert seen[1].sender_id != seen[1].sender_id[4:]  # never the messaging conversation


async def test_forget_cannot_reach_a_messaging_conversation(domain):
    agent = Agent(domain)
    twilio = "twilio-" + uuid.uuid4().hex[:40]
    await agent.private.save(DialogueStateTracker(twilio, domain.slots))
    async with serve_channel(WebChatInput(env={}), echo([]), agent) as url:
        status, _ = await post(f"{url}/forget", {"sender": twilio})
    assert status == 204
    assert twilio in await agent.private.keys()


async def test_invalid_unicode_is_cleaned_before_the_assistant(domain):
    seen: list[Any] = []
    async with serve_channel(WebChatInput(env={}), echo(seen), Agent(domain)) as url:
        body = b'{"sender": "%s", "message": "help \\ud800 me\\u0000now"}' % client_id().encode()
        status, _ = await post(f"{url}/webhook", body)
    assert status == 200
    assert seen[0].text == "help \ufffd me now"
    seen[0].text.encode("utf-8")


@pytest.mark.parametrize(
    "body, error",
    [
        (b"not json", "JSON"),
        (b"\xff\xfe", "JSON"),
        (b"[]", "object"),
        (b'{"sender": "short", "message": "hi"}', "sender"),
        (b'{"sender": "0123456789abcdef", "message": 5}', "message"),
    ],
)
async def test_malformed_requests_are_refused(domain, body, error):
    seen: list[Any] = []
    async with serve_channel(WebChatInput(env={}), echo(seen), Agent(domain)) as url:
        status, answer = await post(f"{url}/webhook", body)
    assert status == 400 and error in answer["error"] and not seen


async def test_a_message_over_the_limit_is_refused(domain):
    seen: list[Any] = []
    async with serve_channel(WebChatInput(env={}), echo(seen), Agent(domain)) as url:
        too_long = {"sender": client_id(), "message": "a" * (MAX_MESSAGE_CHARS + 1)}
        status, answer = await post(f"{url}/webhook", too_long)
    assert status == 400 and "20000" in answer["error"] and not seen


async def test_when_the_assistant_fails_the_person_gets_the_111_line(domain, caplog):
    async def failing(message) -> None:
        raise RuntimeError(f"broken while reading {message.text}")

    async with serve_channel(WebChatInput(env={}), failing, Agent(domain)) as url:
        status, answer = await post(
            f"{url}/webhook", {"sender": client_id(), "message": "my secret words"}
        )
    assert status == 503 and answer == [{"text": UNAVAILABLE}] and "111" in UNAVAILABLE
    assert "RuntimeError" in caplog.text and "my secret words" not in caplog.text


# --- rate limits -------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_counts_per_key_and_window():
    clock = Clock()
    limit = RateLimit(3, window=60, clock=clock)
    assert [limit.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("b")  # another key has its own count
    clock.now += 59
    assert not limit.allow("a")
    clock.now += 2  # a new window
    assert limit.allow("a")


def test_rate_limit_keeps_a_bounded_number_of_keys():
    limit = RateLimit(1, max_keys=100)
    for number in range(1000):
        limit.allow(str(number))
    assert len(limit._counts) == 100


@pytest.mark.parametrize("value, expected", [("", 30), ("7", 7), ("0", 30), ("-3", 30), ("x", 30)])
def test_limits_from_the_environment(value, expected):
    assert (
        limit_from_env("WEB_MESSAGES_PER_MINUTE", 30, {"WEB_MESSAGES_PER_MINUTE": value})
        == expected
    )


async def test_too_many_messages_in_one_conversation_get_429_with_111(domain):
    seen: list[Any] = []
    channel = WebChatInput(env={"WEB_MESSAGES_PER_MINUTE": "3"})
    async with serve_channel(channel, echo(seen), Agent(domain)) as url:
        sender = client_id()
        statuses = []
        for _ in range(5):
            status, answer = await post(f"{url}/webhook", {"sender": sender, "message": "hi"})
            statuses.append(status)
        assert statuses == [200, 200, 200, 429, 429]
        assert answer == [{"text": TOO_MANY}] and "111" in TOO_MANY
        other, _ = await post(f"{url}/webhook", {"sender": client_id(), "message": "hi"})
        assert other == 200  # someone else is not held up
    assert len(seen) == 4


async def test_too_many_requests_from_one_address_get_429_with_111(domain):
    seen: list[Any] = []
    channel = WebChatInput(env={"WEB_MESSAGES_PER_MINUTE_PER_ADDRESS": "4"})
    async with serve_channel(channel, echo(seen), Agent(domain)) as url:
        statuses = []
        for _ in range(6):  # a new conversation each time: the address is what counts
            status, answer = await post(f"{url}/webhook", {"sender": client_id(), "message": "hi"})
            statuses.append(status)
        forget, _ = await post(f"{url}/forget", {"sender": client_id()})
    assert statuses == [200, 200, 200, 200, 429, 429] and forget == 429
    assert answer == [{"text": TOO_MANY}]
    assert len(seen) == 4


async def test_server_limits_are_set_at_start_unless_the_environment_says_otherwise(domain):
    from sanic import Sanic

    async with serve_channel(WebChatInput(env={}), echo([]), Agent(domain), listeners=True):
        app = list(Sanic._app_registry.values())[-1]
        assert app.config.REQUEST_MAX_SIZE == SERVER_LIMITS["REQUEST_MAX_SIZE"]
        assert app.config.REQUEST_TIMEOUT == SERVER_LIMITS["REQUEST_TIMEOUT"]
    env = {"SANIC_REQUEST_TIMEOUT": "30"}
    async with serve_channel(WebChatInput(env=env), echo([]), Agent(domain), listeners=True):
        app = list(Sanic._app_registry.values())[-1]
        assert app.config.REQUEST_TIMEOUT != SERVER_LIMITS["REQUEST_TIMEOUT"]


async def test_a_body_over_the_cap_is_refused_before_it_is_read(domain):
    seen: list[Any] = []
    async with serve_channel(
        WebChatInput(env={}), echo(seen), Agent(domain), listeners=True
    ) as url:
        huge = b'{"sender": "0123456789abcdef", "message": "' + b"a" * 300_000 + b'"}'
        status, _ = await post(f"{url}/webhook", huge)
        assert status == 413 and not seen
        # 20,000 characters fit however they are escaped (12 bytes each for an emoji).
        emoji = json.dumps({"sender": client_id(), "message": "😢" * MAX_MESSAGE_CHARS}).encode()
        assert len(emoji) > 200_000
        status, _ = await post(f"{url}/webhook", emoji)
        assert status == 200 and len(seen) == 1


# --- forget --------------------------------------------------------------------------------------


def said(domain: Domain, sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("my boss took my passport", {"name": "greet", "confidence": 1.0}))
    return tracker


async def test_forget_waits_for_a_slow_answer_and_then_deletes(domain):
    """Without the lock, the slow answer's save would bring the conversation back."""
    agent = Agent(domain)
    started = asyncio.Event()

    async def slow(message) -> None:  # as Rasa's agent: under the lock, save at the end
        async with agent.lock_store.lock(message.sender_id):
            started.set()
            await asyncio.sleep(0.5)
            await agent.tracker_store.save(said(domain, message.sender_id))

    sender = client_id()
    async with serve_channel(WebChatInput(env={}), slow, agent) as url:
        answer = asyncio.ensure_future(
            post(f"{url}/webhook", {"sender": sender, "message": "hello"})
        )
        await started.wait()
        status, _ = await post(f"{url}/forget", {"sender": sender}, "text/plain;charset=UTF-8")
        assert status == 204
        assert (await answer)[0] == 200
    assert server_id(sender) not in await agent.private.keys()


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain;charset=UTF-8", "text/plain;charset=utf-8"]
)
async def test_forget_accepts_the_beacons_text_plain_body(domain, content_type):
    agent = Agent(domain)
    sender = client_id()
    await agent.private.save(said(domain, server_id(sender)))
    async with serve_channel(WebChatInput(env={}), echo([]), agent) as url:
        status, _ = await post(f"{url}/forget", {"sender": sender}, content_type)
    assert status == 204
    assert server_id(sender) not in await agent.private.keys()


def test_server_ids_keep_the_widget_id():
    assert server_id("0123456789abcdef") == "web-0123456789abcdef"


# --- slow clients ----------------------------------------------------------------------------


async def read_until_closed(reader: asyncio.StreamReader, timeout: float) -> bytes:
    return await asyncio.wait_for(reader.read(), timeout)


async def test_a_client_that_never_finishes_its_request_is_cut_off(domain, monkeypatch):
    monkeypatch.setitem(SERVER_LIMITS, "REQUEST_TIMEOUT", 1)
    channel = WebChatInput(env={})
    async with serve_channel(channel, echo([]), Agent(domain), listeners=True) as url:
        host, port = url.split("//")[1].split("/")[0].split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"POST /webhooks/webchat/webhook HTTP/1.1\r\nHost: x\r\nContent-Le")
        await writer.drain()
        started = asyncio.get_running_loop().time()
        answer = await read_until_closed(reader, timeout=10)
        took = asyncio.get_running_loop().time() - started
        writer.close()
    assert b"408" in answer.split(b"\r\n", 1)[0] or answer == b""
    assert took < 5


async def test_an_idle_kept_alive_connection_is_closed(domain, monkeypatch):
    monkeypatch.setitem(SERVER_LIMITS, "KEEP_ALIVE_TIMEOUT", 1)
    channel = WebChatInput(env={})
    async with serve_channel(channel, echo([]), Agent(domain), listeners=True) as url:
        host, port = url.split("//")[1].split("/")[0].split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /webhooks/webchat/ HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        started = asyncio.get_running_loop().time()
        answer = await read_until_closed(reader, timeout=10)  # the answer, then closed
        took = asyncio.get_running_loop().time() - started
        writer.close()
    assert answer.startswith(b"HTTP/1.1 200") and took < 5
