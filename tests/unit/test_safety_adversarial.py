"""The safety net under attack: no message can stall it, and danger still gets 111.

A message of 1,504 characters once took 23 s, and everyone else waited: a
pattern with a nested repeat backtracked catastrophically. The emergency
patterns now run under RE2 (linear time whatever the pattern), the tag
stripper is linear by construction, and these tests hold both to a time budget
on generated attack text, with a danger phrase hidden in it or not.

Times are the best of three runs, so that a busy machine does not fail them;
a real regression (a quadratic step) is far slower than the budget at 20,000
characters. The whole NLU pipeline, with the trained model, has the same
kind of test in tests/model/test_adversarial_pipeline.py.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import re2
from hypothesis import HealthCheck, given, settings, strategies as st
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from adversarial import ATTACK_PIECES, DANGER, MAX_CHARS
from bot.nlu.safety import (
    EMERGENCY,
    OWN_PATTERNS,
    STOP,
    TERMS_FILE,
    VERDICT,
    InputGuard,
    SafetyTermsError,
    classify_text,
    clean_text,
    load_terms,
    nlu_view,
    re2_options,
    strip_tags,
)
from bot.text import valid_text

GUARD_BUDGET = 0.1  # seconds for InputGuard on 20,000 characters (measured: 3-30 ms)


@st.composite
def attack_text(draw, min_size: int = 1000) -> str:
    """Runs of hostile pieces, up to 20,000 characters."""
    runs = draw(
        st.lists(
            st.tuples(st.sampled_from(ATTACK_PIECES), st.integers(1, 4000)),
            min_size=1,
            max_size=8,
        )
    )
    text = "".join(piece * count for piece, count in runs)
    while len(text) < min_size:
        text += text or "!"
    return text[:MAX_CHARS]


def best_time(function, *args, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - start)
    return best


def guard(text: str) -> Message:
    message = Message({TEXT: text})
    InputGuard({"max_chars": 1000}).process([message])
    return message


GUARD = InputGuard({"max_chars": 1000})


def guard_once(text: str) -> None:
    GUARD.process([Message({TEXT: text})])


# --- the engine -------------------------------------------------------------------


def test_every_pattern_in_the_terms_file_compiles_under_re2():
    import yaml

    raw = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    patterns = [p for kind in raw["emergency"].values() for p in kind]
    for pattern in patterns:
        re2.compile(pattern, re2_options())  # raises on look-around, back-references
    assert len(load_terms().emergency) == len(patterns)


def test_our_own_patterns_compile_under_re2_too():
    """The few patterns in safety.py run under Python's engine for speed of
    substitution, but use nothing beyond what RE2 (linear time) can run."""
    for pattern in OWN_PATTERNS:
        re2.compile(pattern.pattern, re2_options())


def test_a_pattern_re2_cannot_run_is_refused_with_the_file_named(tmp_path: Path):
    bad = tmp_path / "terms.yml"
    bad.write_text("emergency:\n  - 'help(?!ful)'\nexit: [stop]\nforget: [forget me]\n")
    with pytest.raises(SafetyTermsError, match="terms.yml"):
        load_terms.__wrapped__(bad)


def test_a_broken_terms_file_is_refused_with_the_file_named(tmp_path: Path):
    bad = tmp_path / "broken.yml"
    bad.write_text("emergency: [\n")
    with pytest.raises(SafetyTermsError, match="broken.yml"):
        load_terms.__wrapped__(bad)


# --- the attack from the issue, and its kin ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "help" + "!" * 1500 + "x",  # the reported attack: 23 s before
        "help" + "!" * 19995 + "x",
        "help " * 4000,
        "<script>" * 2500,
        "<b>" * 6666,
        "<" * MAX_CHARS,
        "<a" * 10_000,
        "😢" * MAX_CHARS,
        "\ud800" * MAX_CHARS,
        ("ab 中文 \u0301\x00 <i " * 2000)[:MAX_CHARS],
        "&amp;" * 4000,
        ("lock me up " * 2000)[:MAX_CHARS],
        ("i " + " " * 30 + "x") * 600,
        ("<script>" + "a" * 10 + "</script>") * 1000,
    ],
    ids=lambda text: f"{text[:12]!r}x{len(text)}",
)
def test_known_attacks_are_cleaned_and_judged_within_budget(text):
    assert best_time(guard_once, text) < GUARD_BUDGET


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(attack_text())
def test_generated_attacks_are_judged_within_budget(text):
    assert best_time(guard_once, text) < GUARD_BUDGET


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    attack_text(min_size=0),
    attack_text(min_size=0),
    st.sampled_from(DANGER),
    st.sampled_from(["{}", "<b>{}</b>", "<script>{}</script>", "<{}>", "<<{}>>", "**{}**"]),
)
def test_danger_hidden_in_attack_text_still_gets_111(before, after, phrase, wrapping):
    text = (before[:9000] + " " + wrapping.format(phrase) + " " + after[:9000])[:MAX_CHARS]
    start = time.perf_counter()
    message = guard(text)
    assert message.get(VERDICT) == EMERGENCY
    assert time.perf_counter() - start < GUARD_BUDGET * 3  # one run, so more room


@pytest.mark.parametrize(
    "text",
    [
        "<help me now>",
        "<script>help me now</script>",
        "<b>help</b> me now",
        "help\u200b me now",
        "help\x00me now",
        "HELP ME NOW\ud800",
    ],
)
def test_danger_inside_markup_or_invisible_characters_is_found(text):
    assert guard(text).get(VERDICT) == EMERGENCY


@pytest.mark.parametrize(
    "text", ["&#" + "1" * 5000, "&#x" + "f" * 5000 + ";", "&#0000000065; help me now"]
)
def test_character_references_too_long_to_be_characters_are_dropped(text):
    """Found by hypothesis: html.unescape turned 4,300+ digits into an int and failed."""
    message = guard(text)
    assert "1111" not in message.get(TEXT) and "ffff" not in message.get(TEXT)
    assert message.get(VERDICT) == (EMERGENCY if "help" in text else "nlu_fallback")


def test_exit_words_survive_invisible_characters():
    assert classify_text(clean_text("\u200bstop\x00", 100)) == STOP


# --- cleaning -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("<script>alert(1)</script>hello", " hello"),
        ("<SCRIPT src=x>alert(1)</script >hello", " hello"),
        ("<script>unclosed hello", " unclosed hello"),
        ("<style>p{}</style><b>bold</b>", "  bold "),
        ("a < b and c > d", "a < b and c > d"),
        ("<3 you", "<3 you"),
        ("<<b>>", "< >"),
    ],
)
def test_strip_tags(raw, cleaned):
    assert strip_tags(raw) == cleaned


TOKENS = ["<script>", "</script>", "<style>", "</style>", "<b>", "</b>", "<", ">", "word", "!"]


@given(st.lists(st.sampled_from(TOKENS)).map(" ".join))
def test_strip_tags_leaves_no_tag_and_never_grows_the_text(text):
    stripped = strip_tags(text)
    assert not re.search(r"<[/!?A-Za-z][^<>]{0,200}>", stripped)
    assert len(stripped) <= len(text)


@given(st.text())
def test_strip_tags_never_grows_any_text(text):
    assert len(strip_tags(text)) <= len(text)


@given(st.text())
def test_valid_text_can_always_be_encoded(text):
    valid = valid_text(text)
    valid.encode("utf-8")  # never raises
    assert "\x00" not in valid
    assert len(valid) <= len(text)


@given(st.text(min_size=0, max_size=3000))
def test_clean_text_gives_encodable_text_without_controls(text):
    cleaned = clean_text(text, 1000)
    cleaned.encode("utf-8")
    assert len(cleaned) <= 1000
    assert not cleaned.startswith("/")
    assert all(c == " " or c.isprintable() for c in cleaned)


# --- what the NLU reads ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, seen",
    [
        ("helpppppp!!!!!!", "helppp!!!"),
        ("what is trafficking", "what is trafficking"),
        ("a b c d e", "a b c"),
        ("! ! ! ! !", "! ! !"),
        ("aaaa bbbbbb", "aaa bbb"),
    ],
)
def test_the_nlu_reads_a_bounded_view(text, seen):
    assert nlu_view(text, max_chars=1000, max_tokens=3 if len(text) < 12 else 200) == seen


@given(st.text(max_size=5000))
def test_the_nlu_view_is_always_within_its_limits(text):
    seen = nlu_view(text, max_chars=1000, max_tokens=200)
    assert len(seen) <= 1000
    assert len(re.findall(r"\w+|[^\w\s]", seen)) <= 200


def test_the_guard_gives_the_nlu_a_bounded_view_but_judges_the_whole_message():
    message = guard("what is trafficking " + "! " * 5000 + " help me now")
    assert message.get(VERDICT) == EMERGENCY
    assert len(re.findall(r"\w+|[^\w\s]", message.get(TEXT))) <= 200
