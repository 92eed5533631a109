"""The benchmark still runs against the real assistant (its figures are not judged here)."""

from __future__ import annotations

import json

from tools.bench import CONVERSATIONS, main, percentile


def test_percentile():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([1.0, 2.0], 0.95) == 2.0


def test_the_benchmark_plays_every_conversation(stack, tmp_path):
    out = tmp_path / "bench.json"
    assert main(["--url", stack["rasa"], "--conversations", "1", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["messages"] == sum(len(c) for c in CONVERSATIONS)
    assert set(result) >= {"median_ms", "p95_ms", "max_ms", "messages_per_second", "memory_mb"}
    assert "rasa server" in result["memory_mb"] and "action server" in result["memory_mb"]
    # The attack case ran: both messages were answered (the figures are not judged here).
    assert result["attack"]["attack_chars"] == 20_000
    assert result["attack"]["attack_ms"] > 0 and result["attack"]["concurrent_normal_ms"] > 0
