"""The whole NLU pipeline (the trained model) under attack: any 20,000-character
message is understood in under 200 ms, and danger hidden in it still gets 111.

The pipeline runs on the Rasa server's only event loop, so a slow message makes
everyone wait. Times are the best of three runs (a busy shared machine should
not fail the test; a quadratic step is far slower than the budget). Run this
file alone, not beside other tests (scripts/test.sh gives it its own stage):
the budget is for this machine's two cores, not for half of them.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from adversarial import ATTACK_PIECES, DANGER, MAX_CHARS

BUDGET = 0.2  # seconds, the whole NLU pipeline, any message of up to 20,000 characters


@pytest.fixture(scope="module")
def nlu(agent_without_referral):
    """parse(text) -> the parse data of the trained model's NLU pipeline (the model
    the other model tests load: loading it again would add 20 s)."""
    loop = asyncio.new_event_loop()

    def parse(text: str):
        return loop.run_until_complete(agent_without_referral.parse_message(text))

    parse("warm up")
    yield parse
    loop.close()


def best_time(parse, text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        parse(text)
        best = min(best, time.perf_counter() - start)
    return best


@st.composite
def attack_text(draw) -> str:
    runs = draw(
        st.lists(
            st.tuples(st.sampled_from(ATTACK_PIECES), st.integers(1, 5000)),
            min_size=1,
            max_size=6,
        )
    )
    text = "".join(piece * count for piece, count in runs) or "!"
    return (text * (MAX_CHARS // len(text) + 1))[:MAX_CHARS]  # always the full 20,000


@pytest.mark.parametrize(
    "text",
    [
        "help" + "!" * 19_995 + "x",
        "what is people trafficking " * 740,
        ("<script>" * 2500)[:MAX_CHARS],
        "😢" * MAX_CHARS,
        ("ab 中文 \u0301\x00 <i " * 2000)[:MAX_CHARS],
        "\ud800" * MAX_CHARS,
        ("Tauranga Auckland " * 1200)[:MAX_CHARS],
    ],
    ids=lambda text: f"{text[:10]!r}",
)
def test_known_attacks_go_through_the_pipeline_within_budget(nlu, text):
    assert best_time(nlu, text) < BUDGET


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(attack_text())
def test_generated_attacks_go_through_the_pipeline_within_budget(nlu, text):
    assert best_time(nlu, text) < BUDGET


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(attack_text(), st.sampled_from(DANGER), st.integers(0, MAX_CHARS - 100))
def test_danger_anywhere_in_an_attack_gets_the_emergency_intent(nlu, junk, phrase, where):
    text = (junk[:where] + " " + phrase + " " + junk[where:])[:MAX_CHARS]
    assert nlu(text)["intent"]["name"] == "emergency"
