"""The messaging channels against the running Rasa server: real-format webhook
payloads in, the assistant's answers out through a local fake of each
platform's API. Twilio signatures come from Twilio's own library."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.messaging import conversation_id
from bot.channels.sms import PAGE_SEPTETS, is_gsm7, measure
from channel_payloads import (
    NON_ASCII_TEXTS,
    messenger_delivery as meta_delivery,
    messenger_echo,
    messenger_edit,
    messenger_image,
    messenger_postback,
    messenger_receipts,
    messenger_sticker,
    messenger_text,
    signature as twilio_signature,
    telegram_edited,
    telegram_group,
    telegram_photo,
    telegram_press,
    telegram_sticker,
    telegram_text,
    twilio_media_only,
    twilio_sms,
    twilio_whatsapp,
)
from stack import CHANNEL_ENV, stored_events, stored_raw

SECRET = CHANNEL_ENV["CHANNEL_ID_SECRET"]
PHONE = "+64211234567"
OUR_NUMBER = "+6498765432"


# --- posting like each platform -------------------------------------------------


def post(url: str, data: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def twilio_params(body: str, sender: str = PHONE, sid: str = "") -> dict[str, str]:
    to = f"whatsapp:{OUR_NUMBER}" if sender.startswith("whatsapp:") else OUR_NUMBER
    return {
        "MessageSid": sid or "SM" + uuid.uuid4().hex,
        "AccountSid": CHANNEL_ENV["TWILIO_ACCOUNT_SID"],
        "From": sender,
        "To": to,
        "Body": body,
        "NumMedia": "0",
    }


def post_twilio(stack, params: dict[str, str], signature: str = None) -> int:
    if signature is None:
        signature = RequestValidator(CHANNEL_ENV["TWILIO_AUTH_TOKEN"]).compute_signature(
            stack["twilio_url"], params
        )
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature:
        headers["X-Twilio-Signature"] = signature
    return post(
        f"{stack['rasa']}/webhooks/twilio/webhook", urllib.parse.urlencode(params).encode(), headers
    )


def telegram_update(text: str, chat: int, update_id: int = None) -> dict[str, Any]:
    return {
        "update_id": update_id or int(time.time() * 1000) % 2_000_000_000,
        "message": {
            "message_id": 7,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "Test"},
            "text": text,
        },
    }


def post_telegram(stack, update: Any, token: str = CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"]) -> int:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = token
    return post(f"{stack['rasa']}/webhooks/telegram/webhook", json.dumps(update).encode(), headers)


def messenger_delivery(psid: str, text: str = "", quick_reply: str = "", mid: str = "") -> bytes:
    now = int(time.time() * 1000)
    message: dict[str, Any] = {"mid": mid or "m_" + uuid.uuid4().hex, "text": text}
    if quick_reply:
        message["quick_reply"] = {"payload": quick_reply}
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": "PAGE",
                    "time": now,
                    "messaging": [
                        {
                            "sender": {"id": psid},
                            "recipient": {"id": "PAGE"},
                            "timestamp": now,
                            "message": message,
                        }
                    ],
                }
            ],
        }
    ).encode()


def meta_signature(body: bytes, secret: str = CHANNEL_ENV["MESSENGER_APP_SECRET"]) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_messenger(stack, body: bytes, signature: str = None) -> int:
    headers = {"Content-Type": "application/json"}
    signature = meta_signature(body) if signature is None else signature
    if signature:
        headers["X-Hub-Signature-256"] = signature
    return post(f"{stack['rasa']}/webhooks/messenger/webhook", body, headers)


# --- reading what was sent ----------------------------------------------------------


def wait_for(condition, timeout: float = 30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("nothing arrived in time")


def twilio_sent(platform, to: str) -> list[str]:
    return [r["body"]["Body"] for r in platform.sent("/Messages.json") if r["body"].get("To") == to]


def telegram_sent(platform, chat: int) -> list[dict[str, Any]]:
    return [r["body"] for r in platform.sent("/sendMessage") if r["body"].get("chat_id") == chat]


def messenger_sent(platform, psid: str) -> list[dict[str, Any]]:
    return [
        r["body"]["message"]
        for r in platform.sent("/me/messages")
        if r["body"]["recipient"]["id"] == psid
    ]


def settled(read, quiet: float = 1.0):
    """What `read()` returns once it has stopped changing for `quiet` seconds."""
    last, since = read(), time.time()
    while time.time() - since < quiet:
        time.sleep(0.2)
        now = read()
        if now != last:
            last, since = now, time.time()
    return last


def user_events(stack, sender: str) -> int:
    return sum(1 for e in stored_events(stack, sender) if e["event"] == "user")


def new_phone() -> str:
    return "+6421" + str(uuid.uuid4().int)[:7]


# --- Twilio: SMS and WhatsApp -----------------------------------------------------------


def test_twilio_signed_sms_is_answered_with_numbered_options(stack, platform):
    phone = new_phone()
    assert post_twilio(stack, twilio_params("kia ora", phone)) == 200
    (text,) = wait_for(lambda: twilio_sent(platform, phone))
    assert text.startswith("Kia ora") and "1. What is trafficking?" in text
    assert text.rstrip().endswith("Reply with a number.")
    assert post_twilio(stack, twilio_params("2", phone)) == 200  # 2 = Warning signs
    answers = settled(lambda: twilio_sent(platform, phone))
    assert any("passport" in a for a in answers[1:])
    assert all(len(a) <= 1600 for a in answers)
    # The answer, longer than one SMS would allow if joined, is split at sentence ends.
    request = next(r for r in platform.sent("/Messages.json") if r["body"]["To"] == phone)
    assert (
        request["path"] == f"/2010-04-01/Accounts/{CHANNEL_ENV['TWILIO_ACCOUNT_SID']}/Messages.json"
    )
    assert request["body"]["From"] == OUR_NUMBER and request["headers"]["Authorization"].startswith(
        "Basic "
    )


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "wrong"])
def test_twilio_bad_or_missing_signature_is_refused_and_reaches_no_conversation(
    stack, platform, signature
):
    phone = new_phone()
    assert post_twilio(stack, twilio_params("hello", phone), signature=signature) == 403
    # A refused request schedules nothing: there is nothing to wait for.
    assert twilio_sent(platform, phone) == []
    assert user_events(stack, conversation_id(SECRET, "twilio", phone)) == 0


def test_twilio_signature_for_another_url_or_tampered_body_is_refused(stack, platform):
    phone = new_phone()
    params = twilio_params("hello", phone)
    elsewhere = RequestValidator(CHANNEL_ENV["TWILIO_AUTH_TOKEN"]).compute_signature(
        "https://attacker.example/webhooks/twilio/webhook", params
    )
    assert post_twilio(stack, params, signature=elsewhere) == 403
    good = RequestValidator(CHANNEL_ENV["TWILIO_AUTH_TOKEN"]).compute_signature(
        stack["twilio_url"], params
    )
    assert post_twilio(stack, {**params, "Body": "something else"}, signature=good) == 403
    other_account = {**params, "AccountSid": "AC" + "2" * 32}
    assert post_twilio(stack, other_account) == 403  # signed, but not our account


def assert_handled_once(stack, send, read, sender: str) -> None:
    """Send the same delivery twice: one answer, one user event."""
    assert send() == 200
    wait_for(read)
    first = settled(read)
    assert send() == 200
    assert settled(read) == first
    assert user_events(stack, sender) == 1


def test_twilio_replay_is_acknowledged_but_not_handled_again(stack, platform):
    phone = new_phone()
    params = twilio_params("what is people smuggling", phone)
    assert_handled_once(
        stack,
        lambda: post_twilio(stack, params),
        lambda: twilio_sent(platform, phone),
        conversation_id(SECRET, "twilio", phone),
    )


def test_twilio_malformed_request_is_refused(stack):
    params = twilio_params("hi")
    del params["From"]
    assert post_twilio(stack, params) == 400


def test_twilio_stop_on_sms_is_left_to_twilio_but_whatsapp_gets_an_answer(stack, platform):
    phone = new_phone()
    post_twilio(stack, twilio_params("I want to report something I saw", phone))
    wait_for(lambda: twilio_sent(platform, phone))
    before = settled(lambda: twilio_sent(platform, phone))
    assert post_twilio(stack, twilio_params("STOP", phone)) == 200
    assert settled(lambda: twilio_sent(platform, phone)) == before  # Twilio answers STOP itself

    def last_intent() -> str:
        events = stored_events(stack, conversation_id(SECRET, "twilio", phone))
        return [e["parse_data"]["intent"]["name"] for e in events if e["event"] == "user"][-1]

    wait_for(lambda: last_intent() == "stop")  # understood, though nothing is sent

    whatsapp = "whatsapp:" + new_phone()
    assert post_twilio(stack, twilio_params("STOP", whatsapp)) == 200
    (text,) = wait_for(lambda: twilio_sent(platform, whatsapp))
    assert "I have stopped" in text


def test_twilio_emergency_uses_the_sms_wording(stack, platform):
    phone = new_phone()
    post_twilio(stack, twilio_params("help me now", phone))
    (text,) = wait_for(lambda: twilio_sent(platform, phone))
    assert text.startswith("If you or someone else is in danger right now, call 111")
    assert "press 55" in text


def test_sms_answers_are_gsm7_two_parts_at_most_and_the_source_comes_on_request(stack, platform):
    phone = new_phone()
    assert post_twilio(stack, twilio_params("what is people trafficking", phone)) == 200
    wait_for(lambda: any("SOURCE" in a for a in twilio_sent(platform, phone)))
    answers = twilio_sent(platform, phone)
    assert all(is_gsm7(a) and measure(a) <= PAGE_SEPTETS for a in answers), answers
    assert not any("Source:" in a for a in answers)  # offered, not sent
    assert post_twilio(stack, twilio_params("SOURCE", phone)) == 200
    source = wait_for(lambda: twilio_sent(platform, phone)[len(answers) :])
    assert source[0].startswith("Source:") and is_gsm7(source[0])


def test_thoughts_of_suicide_on_sms_get_111_and_1737_never_the_exit_answer(stack, platform):
    phone = new_phone()
    post_twilio(stack, twilio_params("i dont want to live anymore", phone))
    (text,) = wait_for(lambda: twilio_sent(platform, phone))
    assert "1737" in text and "111" in text and "stopped" not in text


def test_twilio_sending_is_retried_when_rate_limited(stack, platform):
    phone = new_phone()
    platform.fail_status, platform.fail_next = 429, 2
    assert post_twilio(stack, twilio_params("are you a bot", phone)) == 200
    wait_for(lambda: twilio_sent(platform, phone))
    attempts = [
        r
        for r in platform.requests
        if r["path"].endswith("/Messages.json") and r["body"].get("To") == phone
    ]
    assert [r["status"] for r in attempts][:3] == [429, 429, 200]


# --- Telegram -----------------------------------------------------------------------------


def test_telegram_message_gets_an_inline_keyboard_and_a_press_is_understood(stack, platform):
    chat = 100_000 + uuid.uuid4().int % 800_000
    assert post_telegram(stack, telegram_update("kia ora", chat)) == 200
    (first,) = wait_for(lambda: telegram_sent(platform, chat))
    keyboard = first["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard][:2] == ["What is trafficking?", "Warning signs"]
    press = {
        "update_id": int(time.time() * 1000) % 2_000_000_000 + 1,
        "callback_query": {
            "id": "cb-" + uuid.uuid4().hex,
            "data": keyboard[1][0]["callback_data"],
            "from": {"id": chat},
            "message": {"message_id": 8, "chat": {"id": chat}},
        },
    }
    assert post_telegram(stack, press) == 200
    answers = settled(lambda: telegram_sent(platform, chat))
    assert any("passport" in a["text"] for a in answers[1:])
    assert wait_for(
        lambda: [
            r
            for r in platform.sent("/answerCallbackQuery")
            if r["body"]["callback_query_id"] == press["callback_query"]["id"]
        ]
    )
    path = platform.sent("/sendMessage")[0]["path"]
    assert path == f"/bot{CHANNEL_ENV['TELEGRAM_BOT_TOKEN']}/sendMessage"


@pytest.mark.parametrize("token", ["", "wrong-token", CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"] + "x"])
def test_telegram_without_the_secret_token_is_refused(stack, platform, token):
    chat = 100_000 + uuid.uuid4().int % 800_000
    assert post_telegram(stack, telegram_update("hello", chat), token=token) == 403
    # A refused request schedules nothing: there is nothing to wait for.
    assert telegram_sent(platform, chat) == []
    assert user_events(stack, conversation_id(SECRET, "telegram", str(chat))) == 0


@pytest.mark.parametrize(
    "update", [{"no": "update"}, {"update_id": 5, "message": {"text": "hi"}}, [1, 2]]
)
def test_telegram_malformed_update_is_refused(stack, update):
    assert post_telegram(stack, update) == 400


def test_telegram_replayed_or_stale_update_is_not_handled(stack, platform):
    chat = 100_000 + uuid.uuid4().int % 800_000
    update = telegram_update("what is debt bondage", chat)
    assert post_telegram(stack, update) == 200
    wait_for(lambda: telegram_sent(platform, chat))
    first = settled(lambda: telegram_sent(platform, chat))
    assert post_telegram(stack, update) == 200
    stale = telegram_update("what is debt bondage", chat, update_id=update["update_id"] + 7)
    stale["message"]["date"] -= 2 * 3600
    assert post_telegram(stack, stale) == 200
    assert settled(lambda: telegram_sent(platform, chat)) == first
    assert user_events(stack, conversation_id(SECRET, "telegram", str(chat))) == 1


def test_telegram_links_become_lines_of_text(stack, platform):
    chat = 100_000 + uuid.uuid4().int % 800_000
    post_telegram(stack, telegram_update("help me now", chat))
    texts = [m["text"] for m in settled(lambda: telegram_sent(platform, chat))]
    assert any(t.splitlines()[-1] == "Call 111" for t in texts)  # the link, as a line of text


# --- Messenger -------------------------------------------------------------------------------


def test_messenger_signed_message_gets_quick_replies_and_a_reply_is_understood(stack, platform):
    psid = str(uuid.uuid4().int)[:16]
    assert post_messenger(stack, messenger_delivery(psid, "kia ora")) == 200
    (first,) = wait_for(lambda: messenger_sent(platform, psid))
    replies = first["quick_replies"]
    assert all(len(r["title"]) <= 20 for r in replies)
    assert (
        post_messenger(
            stack, messenger_delivery(psid, replies[1]["title"], quick_reply=replies[1]["payload"])
        )
        == 200
    )
    answers = settled(lambda: messenger_sent(platform, psid))
    assert any("passport" in a["text"] for a in answers[1:])
    assert all(len(a["text"]) <= 2000 for a in answers)
    request = platform.sent("/me/messages")[0]
    assert request["query"]["access_token"] == [CHANNEL_ENV["MESSENGER_PAGE_TOKEN"]]


@pytest.mark.parametrize("signature", ["", "sha256=00", "sha1=abc"])
def test_messenger_bad_or_missing_signature_is_refused(stack, platform, signature):
    psid = str(uuid.uuid4().int)[:16]
    assert post_messenger(stack, messenger_delivery(psid, "hello"), signature=signature) == 403
    body = messenger_delivery(psid, "hello")
    assert post_messenger(stack, body, signature=meta_signature(body, "another-secret")) == 403
    # A refused request schedules nothing: there is nothing to wait for.
    assert messenger_sent(platform, psid) == []
    assert user_events(stack, conversation_id(SECRET, "messenger", psid)) == 0


def test_messenger_malformed_or_replayed_delivery(stack, platform):
    assert post_messenger(stack, b"not json") == 400
    assert post_messenger(stack, json.dumps({"object": "user"}).encode()) == 400
    psid = str(uuid.uuid4().int)[:16]
    body = messenger_delivery(psid, "what is trafficking")
    assert_handled_once(
        stack,
        lambda: post_messenger(stack, body),
        lambda: messenger_sent(platform, psid),
        conversation_id(SECRET, "messenger", psid),
    )


def test_messenger_webhook_subscription_check(stack):
    def check(token: str) -> int:
        query = urllib.parse.urlencode(
            {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
        )
        try:
            with urllib.request.urlopen(
                f"{stack['rasa']}/webhooks/messenger/webhook?{query}", timeout=10
            ) as response:
                return response.status if response.read() == b"1158201444" else 500
        except urllib.error.HTTPError as error:
            return error.code

    assert check(CHANNEL_ENV["MESSENGER_VERIFY_TOKEN"]) == 200
    assert check("wrong") == 403


def test_messenger_police_hand_off_has_tappable_numbers(stack, platform):
    psid = str(uuid.uuid4().int)[:16]
    for text in ["I want to report something I saw", "no, not right now", "yes"]:
        before = len(messenger_sent(platform, psid))
        post_messenger(stack, messenger_delivery(psid, text))
        wait_for(lambda n=before: len(messenger_sent(platform, psid)) > n)  # answered
    texts = " ".join(m["text"] for m in settled(lambda: messenger_sent(platform, psid)))
    assert "Call Crimestoppers 0800 555 111: +64800555111" in texts


# --- on every channel ---------------------------------------------------------------------


def every_channel():
    return ["twilio", "whatsapp", "telegram", "messenger"]


def say_on(stack, channel: str, address: str, text: str) -> None:
    if channel in ("twilio", "whatsapp"):
        assert post_twilio(stack, twilio_params(text, address)) == 200
    elif channel == "telegram":
        assert post_telegram(stack, telegram_update(text, int(address))) == 200
    else:
        assert post_messenger(stack, messenger_delivery(address, text)) == 200


def sent_on(platform, channel: str, address: str) -> list[str]:
    if channel in ("twilio", "whatsapp"):
        return twilio_sent(platform, address)
    if channel == "telegram":
        return [m["text"] for m in telegram_sent(platform, int(address))]
    return [m["text"] for m in messenger_sent(platform, address)]


def new_address(channel: str) -> tuple:
    """(the address on the platform, the conversation id the assistant uses)."""
    if channel == "twilio":
        address, platform_name = new_phone(), "twilio"
    elif channel == "whatsapp":
        address, platform_name = "whatsapp:" + new_phone(), "twilio"
    elif channel == "telegram":
        address, platform_name = str(100_000 + uuid.uuid4().int % 800_000), "telegram"
    else:
        address, platform_name = str(uuid.uuid4().int)[:16], "messenger"
    return address, conversation_id(SECRET, platform_name, address)


@pytest.mark.parametrize("channel", every_channel())
def test_stored_conversation_never_holds_the_address(stack, platform, channel):
    address, sender = new_address(channel)
    say_on(stack, channel, address, "my boss Mr Qwxzy took my passport")
    wait_for(lambda: sent_on(platform, channel, address))
    # The answer is sent before the turn is saved: wait for the stored turn, then
    # read what is stored (reading first could check a conversation not yet saved).
    wait_for(lambda: user_events(stack, sender) == 1)  # stored under this id
    raw = stored_raw(stack, sender)
    assert '"event": "user"' in raw  # the turn is really there
    digits = address.replace("whatsapp:", "").lstrip("+")
    assert digits not in sender and digits not in raw and address not in raw
    assert "Qwxzy" not in raw  # and no message text either (bot/stores.py)


@pytest.mark.parametrize("channel", every_channel())
def test_forget_me_works_on_every_channel(stack, platform, channel):
    address, sender = new_address(channel)
    say_on(stack, channel, address, "what is people trafficking")
    wait_for(lambda: sent_on(platform, channel, address))
    say_on(stack, channel, address, "forget me")
    wait_for(
        lambda: any("deleted this conversation" in t for t in sent_on(platform, channel, address))
    )
    wait_for(lambda: user_events(stack, sender) == 0)  # saved just after the answer is sent


@pytest.mark.parametrize("channel", ["whatsapp", "telegram", "messenger"])
def test_exit_words_end_a_form_on_every_channel(stack, platform, channel):
    address, sender = new_address(channel)
    say_on(stack, channel, address, "I want to report something I saw")
    wait_for(lambda: sent_on(platform, channel, address))
    say_on(stack, channel, address, "no, not right now")
    wait_for(lambda: len(sent_on(platform, channel, address)) >= 2)
    say_on(stack, channel, address, "exit")
    wait_for(lambda: any("I have stopped" in t for t in sent_on(platform, channel, address)))


# --- real payload shapes, through the running server (Hardening, section 2) -------------------


def post_twilio_fields(stack, fields, content_type="application/x-www-form-urlencoded") -> int:
    """Every field exactly as Twilio posts it (blank and all), signed with Twilio's library."""
    headers = {
        "Content-Type": content_type,
        "X-Twilio-Signature": twilio_signature(
            stack["twilio_url"], fields, CHANNEL_ENV["TWILIO_AUTH_TOKEN"]
        ),
    }
    body = urllib.parse.urlencode(fields).encode()
    return post(f"{stack['rasa']}/webhooks/twilio/webhook", body, headers)


def post_meta(stack, delivery: Any) -> int:
    return post_messenger(stack, json.dumps(delivery).encode())


TWILIO_REAL = {
    "sms": lambda phone: twilio_sms("kia ora", phone),
    "whatsapp": lambda phone: twilio_whatsapp("kia ora", "whatsapp:" + phone, "Mere 🌸"),
    **{
        f"non-ascii-{n}": (lambda phone, text=text: twilio_sms(text, phone))
        for n, text in enumerate(NON_ASCII_TEXTS)
    },
}


@pytest.mark.parametrize("kind", list(TWILIO_REAL))
def test_twilio_real_format_messages_with_blank_fields_are_answered(stack, platform, kind):
    phone = new_phone()
    fields = TWILIO_REAL[kind](phone)
    sender = dict(fields)["From"]
    assert post_twilio_fields(stack, fields) == 200
    assert wait_for(lambda: twilio_sent(platform, sender))
    assert user_events(stack, conversation_id(SECRET, "twilio", sender)) <= 1


@pytest.mark.parametrize("whatsapp", [False, True], ids=["mms", "whatsapp"])
def test_twilio_picture_only_message_gets_the_calm_answer_with_111(stack, platform, whatsapp):
    phone = new_phone()
    fields = twilio_media_only("whatsapp:" + phone if whatsapp else phone, whatsapp=whatsapp)
    sender = dict(fields)["From"]
    assert dict(fields)["Body"] == "" and dict(fields)["NumMedia"] == "1"
    assert post_twilio_fields(stack, fields) == 200
    wait_for(lambda: twilio_sent(platform, sender))
    assert "111" in " ".join(settled(lambda: twilio_sent(platform, sender)))


def test_twilio_body_that_is_not_a_form_or_repeats_a_field_is_refused(stack, platform):
    phone = new_phone()
    fields = twilio_sms("hello", phone)
    assert post_twilio_fields(stack, fields, content_type="application/json") == 415
    assert post_twilio_fields(stack, fields + [("Body", "something else")]) == 400
    # A refused request schedules nothing: there is nothing to wait for.
    assert twilio_sent(platform, phone) == []
    assert user_events(stack, conversation_id(SECRET, "twilio", phone)) == 0


def new_chat() -> int:
    return 100_000 + uuid.uuid4().int % 800_000


def test_telegram_edited_message_is_answered_as_a_new_one(stack, platform):
    chat = new_chat()
    assert post_telegram(stack, telegram_text(chat, "what is debt bondage")) == 200
    wait_for(lambda: telegram_sent(platform, chat))
    before = len(settled(lambda: telegram_sent(platform, chat)))
    # An edit of a message sent two hours ago, adding a cry for help: answered now.
    assert post_telegram(stack, telegram_edited(chat, "help me now", sent_ago=7200)) == 200
    wait_for(lambda: len(telegram_sent(platform, chat)) > before)
    texts = [m["text"] for m in settled(lambda: telegram_sent(platform, chat))[before:]]
    assert any("111" in t for t in texts)


@pytest.mark.parametrize("kind", ["sticker", "photo"])
def test_telegram_sticker_or_photo_without_words_gets_the_calm_answer_with_111(
    stack, platform, kind
):
    chat = new_chat()
    update = telegram_sticker(chat) if kind == "sticker" else telegram_photo(chat)
    assert post_telegram(stack, update) == 200
    wait_for(lambda: telegram_sent(platform, chat))
    assert "111" in " ".join(m["text"] for m in settled(lambda: telegram_sent(platform, chat)))


def test_telegram_photo_caption_is_read_and_a_press_still_works(stack, platform):
    chat = new_chat()
    assert post_telegram(stack, telegram_photo(chat, caption="kia ora")) == 200
    (first,) = wait_for(lambda: telegram_sent(platform, chat))
    keyboard = first["reply_markup"]["inline_keyboard"]
    assert post_telegram(stack, telegram_press(chat, keyboard[1][0]["callback_data"])) == 200
    answers = settled(lambda: telegram_sent(platform, chat))
    assert any("passport" in a["text"] for a in answers[1:])


@pytest.mark.parametrize("kind", ["group", "supergroup", "channel"])
def test_telegram_group_or_channel_gets_a_plain_note_and_no_conversation(stack, platform, kind):
    chat = -1_000_000_000_000 - uuid.uuid4().int % 1_000_000
    assert post_telegram(stack, telegram_group(chat, kind, "help me now")) == 200
    (note,) = wait_for(lambda: telegram_sent(platform, chat))
    text = note["text"]
    assert "one person at a time" in text and "private chat" in text
    assert "directly" in text and "call 111 and ask for Police" in text
    assert "reply_markup" not in note
    # The webhook decides at once, before answering Telegram, never to pass a
    # group's message on: nothing from the assistant can follow the note.
    assert len(telegram_sent(platform, chat)) == 1
    assert user_events(stack, conversation_id(SECRET, "telegram", str(chat))) == 0


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": "1", "message": {"chat": {"id": 1, "type": "private"}, "text": "hi"}},
        {"update_id": 2**70, "message": {"chat": {"id": 1}, "text": "hi"}},
        {"update_id": 5, "message": {"chat": {"id": "1", "type": "private"}, "text": "hi"}},
        {"update_id": 5, "message": {"chat": {"id": 1, "type": ["private"]}, "text": "hi"}},
        {"update_id": 5, "message": {"chat": {"id": 1, "type": "private"}, "text": {"a": []}}},
        {"update_id": 5, "message": {"chat": {"id": 1, "type": "private"}, "date": "today"}},
        {"update_id": 5, "message": [[[[[[[[{}]]]]]]]]},
        {"update_id": 5, "callback_query": {"id": 7, "message": {"chat": {"id": 1}}}},
        {"update_id": 5, "callback_query": {"id": "7", "data": 1, "message": {"chat": {"id": 1}}}},
        {"update_id": True, "message": {"chat": {"id": 1}, "text": "hi"}},
    ],
)
def test_telegram_hostile_shapes_get_400_never_500(stack, update):
    assert post_telegram(stack, update) == 400


def test_messenger_batched_delivery_answers_each_message_once_and_ignores_the_rest(stack, platform):
    first, second = str(uuid.uuid4().int)[:16], str(uuid.uuid4().int)[:16]
    opening = messenger_text(first, "what is trafficking")
    delivery = meta_delivery(
        [opening, messenger_echo(first, "Kia ora!"), *messenger_receipts(first, "m_x")],
        [messenger_text(second, "kia ora"), messenger_image(first)],
        [messenger_edit(first, opening["message"]["mid"], "help me now", 1)],
        [messenger_sticker(second), messenger_postback(second, "What is trafficking?")],
    )
    assert post_meta(stack, delivery) == 200
    assert post_meta(stack, delivery) == 200  # the same delivery again: nothing new
    wait_for(lambda: user_events(stack, conversation_id(SECRET, "messenger", first)) == 3)
    wait_for(lambda: user_events(stack, conversation_id(SECRET, "messenger", second)) == 3)
    answers = " ".join(m["text"] for m in settled(lambda: messenger_sent(platform, first)))
    assert "111" in answers  # the picture and the edited cry for help both get 111
    assert settled(lambda: messenger_sent(platform, second))  # quiet for 1 s: all done
    assert user_events(stack, conversation_id(SECRET, "messenger", first)) == 3


@pytest.mark.parametrize("kind", ["image", "sticker"])
def test_messenger_attachment_without_words_gets_the_calm_answer_with_111(stack, platform, kind):
    psid = str(uuid.uuid4().int)[:16]
    event = messenger_image(psid) if kind == "image" else messenger_sticker(psid)
    assert post_meta(stack, meta_delivery([event])) == 200
    wait_for(lambda: messenger_sent(platform, psid))
    assert "111" in " ".join(m["text"] for m in settled(lambda: messenger_sent(platform, psid)))


@pytest.mark.parametrize(
    "delivery, status",
    [
        ({"object": "page", "entry": "x"}, 400),
        ({"object": "page", "entry": [[]]}, 400),
        ({"object": "page", "entry": [{"messaging": 5}]}, 400),
        ({"object": ["page"]}, 400),
        ({"object": "page", "entry": [{"messaging": [{"sender": {"id": 5}, "message": {}}]}]}, 200),
        ({"object": "page", "entry": [{"messaging": [{"sender": {}, "message": "hi"}]}]}, 200),
        ({"object": "page", "entry": [{"messaging": [[[[[[{}]]]]]]}]}, 200),
        (
            {
                "object": "page",
                "entry": [
                    {"messaging": [{"sender": {"id": "1"}, "timestamp": 10**40, "message": {}}]}
                ],
            },
            200,
        ),
    ],
)
def test_messenger_hostile_shapes_get_400_or_are_ignored_never_500(stack, delivery, status):
    assert post_meta(stack, delivery) == status
