"""Benchmark the running assistant: answer time per message, and memory per process.

    # in one terminal, with the web chat's rate limits raised for one busy address:
    WEB_MESSAGES_PER_MINUTE=1000000 WEB_MESSAGES_PER_MINUTE_PER_ADDRESS=1000000 scripts/run.sh
    .venv/bin/python -m tools.bench       # in another; --conversations, --url, --out

It plays the same short conversations every time (questions, a cry for help,
the Police hand-off and the report helper) through the web chat channel, one
message at a time as a person would, and prints the median, 95th percentile
and slowest answer time, then the resident memory of the Rasa server, the
action server, the web page server and the referral worker (read from /proc).

Then an attack: a 20,000-character message built to make regular expressions
backtrack (the kind that once froze the server for 23 s), sent at the same
moment as a normal question from someone else. Both answer times are
reported: the second shows whether one hostile user makes everyone wait.
The figures also go to results/bench.json. They are for comparing changes on
the same machine, not for CI: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import uuid
from pathlib import Path

from tools.chat import send

CONVERSATIONS: list[list[str]] = [
    ["kia ora", "what is people trafficking", "how is it different from smuggling", "thanks"],
    ["my boss keeps my passport and I owe him money", "what are the warning signs", "No thanks"],
    ["help me now, he is here"],
    [
        "I want to report something I saw",
        "no, not right now",
        "yes",
        "Yes, help me write it",
        "workers sleep in a shed",
        "Skip this question",
        "last week",
        "the owner",
        "No, I will do it myself",
    ],
    ["where can I get help", "Yes, find the right service", "Work or pay problems", "Me"],
]
# The attack: "help", 19,995 "!" and one "x" (at 1,504 characters this once took 23 s).
ATTACK = "help" + "!" * 19_995 + "x"
NORMAL = "what is people trafficking"
# In this order: "rasa run actions" (the action server) also contains "rasa run".
ROLES = [
    ("action server", ("rasa_sdk", "rasa run actions")),
    ("rasa server", ("rasa run",)),
    ("web page server", ("bot.web.server",)),
    ("referral worker", ("actions.delivery",)),
]


def percentile(values: list[float], share: float) -> float:
    """The value at `share` (0.95 for the 95th percentile) of the sorted values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def memory_by_role() -> dict[str, float]:
    """Resident memory (MB) of each running process of ours, by role, from /proc."""
    found: dict[str, float] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (proc / "status").read_text()
        except OSError:
            continue
        if "tools.bench" in command:
            continue
        role = next((r for r, markers in ROLES if any(m in command for m in markers)), None)
        if role is not None:
            rss = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            found[role] = found.get(role, 0.0) + rss / 1024
    return found


def _timed(url: str, text: str, start: threading.Barrier, took: list, index: int) -> None:
    """Send `text` as a new conversation once `start` opens.

    Puts (time in ms, the answer's text) in took[index], with -1 for no answer;
    then forgets the conversation.
    """
    sender = uuid.uuid4().hex
    start.wait()
    before = time.perf_counter()
    answer = send(url, sender, text)
    elapsed = (time.perf_counter() - before) * 1000 if answer else -1.0
    took[index] = (elapsed, " ".join(m.get("text") or "" for m in answer))
    send(url, sender, "forget me")


def under_attack(url: str, rounds: int = 3) -> tuple[float, float, str]:
    """The attack sent with a normal message from someone else, `rounds` times.

    Returns:
        The slowest answer times (ms) of the attack and of the normal message,
        and the text of the last answer to the normal message.
    """
    worst = [0.0, 0.0]
    normal_answer = ""
    for _ in range(rounds):
        start = threading.Barrier(2)
        took: list = [(0.0, ""), (0.0, "")]
        threads = [
            threading.Thread(target=_timed, args=(url, text, start, took, index))
            for index, text in enumerate([ATTACK, NORMAL])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if min(took[0][0], took[1][0]) < 0:
            raise SystemExit("no answer to the attack or to the normal message sent with it")
        worst = [max(worst[0], took[0][0]), max(worst[1], took[1][0])]
        normal_answer = took[1][1]
    return round(worst[0], 1), round(worst[1], 1), normal_answer


def main(argv=None) -> int:
    """Command line: time the conversations and the attack; write results/bench.json."""
    parser = argparse.ArgumentParser(description="Benchmark the running assistant.")
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument(
        "--conversations",
        type=int,
        default=20,
        help="how many times to play the set of conversations",
    )
    parser.add_argument("--out", default="results/bench.json")
    args = parser.parse_args(argv)

    send(args.url, uuid.uuid4().hex, "kia ora")  # warm up
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(args.conversations):
        for conversation in CONVERSATIONS:
            sender = uuid.uuid4().hex
            for text in conversation:
                before = time.perf_counter()
                answer = send(args.url, sender, text)
                times.append((time.perf_counter() - before) * 1000)
                if not answer:
                    raise SystemExit(f"no answer to a message in conversation {conversation[0]!r}")
            send(args.url, sender, "forget me")
    elapsed = time.perf_counter() - started
    attack_ms, concurrent_ms, _ = under_attack(args.url)
    result = {
        "messages": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "messages_per_second": round(len(times) / elapsed, 1),
        "memory_mb": {role: round(mb) for role, mb in sorted(memory_by_role().items())},
        "attack": {
            "attack_chars": len(ATTACK),
            "attack_ms": attack_ms,
            "concurrent_normal_ms": concurrent_ms,
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{result['messages']} messages, one at a time: median {result['median_ms']} ms, "
        f"95th percentile {result['p95_ms']} ms, slowest {result['max_ms']} ms "
        f"({result['messages_per_second']} messages a second)"
    )
    for role, mb in result["memory_mb"].items():
        print(f"  {role}: {mb} MB resident")
    print(
        f"attack of {len(ATTACK):,} characters answered in {attack_ms} ms (slowest of 3); "
        f"a normal message sent at the same moment in {concurrent_ms} ms"
    )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
