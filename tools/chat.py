"""Talk to the running assistant from a terminal, through the web chat channel.

    python -m tools.chat [--url http://localhost:5005]

A new random conversation id is used every time; nothing is written to disk.
Buttons are shown as numbered options: type the number to choose one.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
import uuid
from typing import Any


def send(url: str, sender: str, text: str, timeout: float = 30) -> list[dict[str, Any]]:
    """POST one message to the web chat webhook and return the bot's messages."""
    request = urllib.request.Request(
        f"{url.rstrip('/')}/webhooks/webchat/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8") or "[]")


def render(messages: list[dict[str, Any]]) -> list[str]:
    """Print the bot's messages; return the payloads of any buttons, in order."""
    payloads: list[str] = []
    for message in messages:
        if message.get("text"):
            print(f"bot: {message['text']}")
        for button in message.get("buttons") or []:
            payloads.append(button["payload"])
            print(f"  {len(payloads)}. {button['title']}")
    return payloads


def main(argv: list[str] | None = None) -> int:
    """Command line: chat in the terminal; a number typed picks that option."""
    parser = argparse.ArgumentParser(description="Chat with the assistant (web chat channel).")
    parser.add_argument("--url", default="http://localhost:5005")
    args = parser.parse_args(argv)
    sender = uuid.uuid4().hex
    payloads: list[str] = []
    print("Type a message (Ctrl-D to quit).")
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and 0 < int(text) <= len(payloads):
            text = payloads[int(text) - 1]
        payloads = render(send(args.url, sender, text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
