"""Real-format payloads of Twilio (SMS and WhatsApp), Telegram and Messenger, as
the platforms send them (every field, blank ones included), for the unit tests in
tests/integration/test_channel_payloads.py and the running-server tests in tests/e2e/.
This module holds no tests itself."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

TWILIO_ACCOUNT = "AC" + "1" * 32
OUR_NUMBER = "+6498765432"

# Texts a frightened person may write: te reo Māori macrons, Chinese, emoji.
NON_ASCII_TEXTS = [
    "Kia ora, kei te mataku ahau. Kua tangohia taku uruwhenua e tōku kaiwhakahaere 😢",
    "我的老板拿走了我的护照，我不能离开。请帮帮我",
    "Tôi bị giữ hộ chiếu 🆘 please help",
]


def sid(prefix: str = "SM") -> str:
    return prefix + uuid.uuid4().hex


def twilio_sms(
    body: str, sender: str, to: str = OUR_NUMBER, account: str = TWILIO_ACCOUNT
) -> list[tuple[str, str]]:
    """An inbound SMS exactly as Twilio posts it (a New Zealand mobile to our number):
    NZ numbers come with FromCity, FromState and FromZip blank."""
    message = sid("SM")
    return [
        ("ToCountry", "NZ"),
        ("ToState", ""),
        ("SmsMessageSid", message),
        ("NumMedia", "0"),
        ("ToCity", ""),
        ("FromZip", ""),
        ("SmsSid", message),
        ("FromState", ""),
        ("SmsStatus", "received"),
        ("FromCity", ""),
        ("Body", body),
        ("FromCountry", "NZ"),
        ("To", to),
        ("MessagingServiceSid", sid("MG")),
        ("ToZip", ""),
        ("NumSegments", "1"),
        ("ReferralNumMedia", "0"),
        ("MessageSid", message),
        ("AccountSid", account),
        ("From", sender),
        ("ApiVersion", "2010-04-01"),
    ]


def twilio_whatsapp(
    body: str, sender: str, profile: str = "Mere", account: str = TWILIO_ACCOUNT
) -> list[tuple[str, str]]:
    """An inbound WhatsApp text message exactly as Twilio posts it."""
    message = sid("SM")
    number = sender.replace("whatsapp:", "")
    wa_id = number.lstrip("+")
    metadata = {"type": "whatsapp", "data": {"context": {"ProfileName": profile, "WaId": wa_id}}}
    return [
        ("SmsMessageSid", message),
        ("NumMedia", "0"),
        ("ProfileName", profile),
        ("MessageType", "text"),
        ("SmsSid", message),
        ("WaId", wa_id),
        ("SmsStatus", "received"),
        ("Body", body),
        ("To", f"whatsapp:{OUR_NUMBER}"),
        ("MessagingServiceSid", sid("MG")),
        ("NumSegments", "1"),
        ("ReferralNumMedia", "0"),
        ("MessageSid", message),
        ("AccountSid", account),
        ("ChannelMetadata", json.dumps(metadata, separators=(",", ":"))),
        ("From", f"whatsapp:{number}"),
        ("ApiVersion", "2010-04-01"),
    ]


def twilio_media_only(sender: str, whatsapp: bool = False) -> list[tuple[str, str]]:
    """A picture with no words (Body blank), on SMS (MMS) or WhatsApp."""
    fields = twilio_whatsapp("", sender) if whatsapp else twilio_sms("", sender)
    message = dict(fields)["MessageSid"]
    fields = [(k, "1" if k == "NumMedia" else v) for k, v in fields if k != "MessageType"]
    if whatsapp:
        fields.append(("MessageType", "image"))
    media = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_ACCOUNT}/Messages/{message}"
    return fields + [
        ("MediaContentType0", "image/jpeg"),
        ("MediaUrl0", f"{media}/Media/{sid('ME')}"),
    ]


def signature(url: str, fields: list[tuple[str, str]], token: str) -> str:
    """The X-Twilio-Signature, from Twilio's own library, over every field."""
    from multidict import MultiDict
    from twilio.request_validator import RequestValidator

    return RequestValidator(token).compute_signature(url, MultiDict(fields))


# --- Telegram ---------------------------------------------------------------------------


def new_update_id() -> int:
    return uuid.uuid4().int % 2_000_000_000


def telegram_user(chat: int) -> dict[str, Any]:
    return {"id": chat, "is_bot": False, "first_name": "Mere", "language_code": "mi"}


def telegram_private(chat: int) -> dict[str, Any]:
    return {"id": chat, "first_name": "Mere", "type": "private"}


def telegram_message(chat: int, **content: Any) -> dict[str, Any]:
    return {
        "message_id": uuid.uuid4().int % 100_000,
        "from": telegram_user(chat),
        "chat": telegram_private(chat),
        "date": int(time.time()),
        **content,
    }


def telegram_text(chat: int, text: str) -> dict[str, Any]:
    return {"update_id": new_update_id(), "message": telegram_message(chat, text=text)}


def telegram_edited(chat: int, text: str, sent_ago: int = 7200) -> dict[str, Any]:
    """An edit, `sent_ago` seconds after the original (which may be old) was sent."""
    message = telegram_message(chat, text=text)
    message["date"] -= sent_ago
    message["edit_date"] = int(time.time())
    return {"update_id": new_update_id(), "edited_message": message}


def telegram_sticker(chat: int) -> dict[str, Any]:
    sticker = {
        "width": 512,
        "height": 512,
        "emoji": "😢",
        "set_name": "HotCherry",
        "is_animated": False,
        "is_video": False,
        "type": "regular",
        "thumbnail": {
            "file_id": "AAMCAgADGQEAA",
            "file_unique_id": "AQADx",
            "file_size": 5416,
            "width": 128,
            "height": 128,
        },
        "file_id": "CAACAgIAAxkBAAE",
        "file_unique_id": "AgADx",
        "file_size": 22108,
    }
    return {"update_id": new_update_id(), "message": telegram_message(chat, sticker=sticker)}


def telegram_photo(chat: int, caption: str | None = None) -> dict[str, Any]:
    sizes = [
        {"file_id": f"AgAC{n}", "file_unique_id": f"AQAD{n}", "file_size": size}
        | {"width": width, "height": width}
        for n, (size, width) in enumerate([(1437, 90), (20131, 320), (87420, 800)])
    ]
    content: dict[str, Any] = {"photo": sizes}
    if caption is not None:
        content["caption"] = caption
    return {"update_id": new_update_id(), "message": telegram_message(chat, **content)}


def telegram_group(chat: int, kind: str = "group", text: str = "help") -> dict[str, Any]:
    """A message in a group, supergroup or channel the bot was added to."""
    chat_info: dict[str, Any] = {"id": chat, "title": "Orchard workers", "type": kind}
    if kind == "channel":
        return {
            "update_id": new_update_id(),
            "channel_post": {
                "message_id": 3,
                "sender_chat": chat_info,
                "chat": chat_info,
                "date": int(time.time()),
                "text": text,
            },
        }
    message = telegram_message(abs(chat) % 1_000_000, text=text)
    message["chat"] = chat_info
    return {"update_id": new_update_id(), "message": message}


def telegram_press(chat: int, data: str) -> dict[str, Any]:
    return {
        "update_id": new_update_id(),
        "callback_query": {
            "id": str(uuid.uuid4().int)[:19],
            "from": telegram_user(chat),
            "message": {
                "message_id": 8,
                "from": {"id": 123456, "is_bot": True, "first_name": "Help", "username": "h_bot"},
                "chat": telegram_private(chat),
                "date": int(time.time()),
                "text": "Kia ora",
            },
            "chat_instance": "-1234567890",
            "data": data,
        },
    }


# --- Messenger --------------------------------------------------------------------------

PAGE = "104400000000001"


def messenger_event(psid: str, **content: Any) -> dict[str, Any]:
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE},
        "timestamp": int(time.time() * 1000),
        **content,
    }


def messenger_text(psid: str, text: str, quick_reply: str = "") -> dict[str, Any]:
    message: dict[str, Any] = {"mid": "m_" + uuid.uuid4().hex, "text": text}
    if quick_reply:
        message["quick_reply"] = {"payload": quick_reply}
    return messenger_event(psid, message=message)


def messenger_image(psid: str) -> dict[str, Any]:
    return messenger_event(
        psid,
        message={
            "mid": "m_" + uuid.uuid4().hex,
            "attachments": [
                {"type": "image", "payload": {"url": "https://scontent.xx.fbcdn.net/v/t1.jpg"}}
            ],
        },
    )


def messenger_sticker(psid: str) -> dict[str, Any]:
    return messenger_event(
        psid,
        message={
            "mid": "m_" + uuid.uuid4().hex,
            "sticker_id": 369239263222822,
            "attachments": [
                {
                    "type": "image",
                    "payload": {
                        "url": "https://scontent.xx.fbcdn.net/v/t39.1997-6/like.png",
                        "sticker_id": 369239263222822,
                    },
                }
            ],
        },
    )


def messenger_edit(psid: str, mid: str, text: str, number: int = 1) -> dict[str, Any]:
    return messenger_event(psid, message_edit={"mid": mid, "text": text, "num_edit": number})


def messenger_postback(psid: str, payload: str) -> dict[str, Any]:
    return messenger_event(
        psid,
        postback={"title": "Get Started", "payload": payload, "mid": "m_" + uuid.uuid4().hex},
    )


def messenger_echo(psid: str, text: str) -> dict[str, Any]:
    event = messenger_event(PAGE, message={"mid": "m_" + uuid.uuid4().hex, "text": text})
    event["recipient"] = {"id": psid}
    event["message"].update(is_echo=True, app_id=1517776481860111)
    return event


def messenger_receipts(psid: str, mid: str) -> list[dict[str, Any]]:
    """A delivery receipt, a read receipt and a reaction: nothing to answer."""
    return [
        messenger_event(psid, delivery={"mids": [mid], "watermark": int(time.time() * 1000)}),
        messenger_event(psid, read={"watermark": int(time.time() * 1000)}),
        messenger_event(
            psid, reaction={"reaction": "sad", "emoji": "😢", "action": "react", "mid": mid}
        ),
    ]


def messenger_delivery(*entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A delivery with one entry per list of events (Meta batches them like this)."""
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [{"id": PAGE, "time": now, "messaging": events} for events in entries],
    }
