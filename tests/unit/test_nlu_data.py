"""Checks on the NLU training data and the held-out test set."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from nlu_files import read_examples

ROOT = Path(__file__).resolve().parents[2]
TRAIN_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml"))
TEST_FILE = ROOT / "tests" / "nlu" / "test_nlu.yml"
# A second held-out set, written later by another author (see its header).
FRESH_TEST_FILE = ROOT / "tests" / "nlu" / "test_nlu_fresh.yml"
# People telling their own story, and asking for a helpline: held out from the
# start, by an author who never saw the training data (its header says how).
SITUATIONS_FILE = ROOT / "tests" / "nlu" / "test_situations.yml"
HELD_OUT = [TEST_FILE, FRESH_TEST_FILE, SITUATIONS_FILE]
DOMAIN_FILES = sorted((ROOT / "domain").glob("*.yml"))

MIN_TRAIN_PER_INTENT = 25
MIN_TEST_PER_INTENT = 8
# Intents only the safety net sets, from a whole message (bot/nlu/safety.py):
# the classifier never predicts them, so they have no examples.
SET_BY_THE_SAFETY_NET = {"choose_language"}


def normalise(text: str) -> str:
    """Lower-case, drop punctuation and squeeze spaces, for duplicate checks."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def merged(paths: list[Path]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for path in paths:
        for intent, texts in read_examples(path).items():
            result.setdefault(intent, []).extend(texts)
    return result


@pytest.fixture(scope="module")
def train() -> dict[str, list[str]]:
    return merged(TRAIN_FILES)


@pytest.fixture(scope="module")
def test_set() -> dict[str, list[str]]:
    """The first held-out set, with the stories set for the intents it brought."""
    return merged([TEST_FILE, SITUATIONS_FILE])


@pytest.fixture(scope="module")
def domain_intents() -> list[str]:
    intents: list[str] = []
    for path in DOMAIN_FILES:
        intents.extend(yaml.safe_load(path.read_text(encoding="utf-8")).get("intents", []))
    return intents


def test_every_domain_intent_has_enough_training_examples(train, domain_intents):
    for intent in set(domain_intents) - SET_BY_THE_SAFETY_NET:
        assert len(train.get(intent, [])) >= MIN_TRAIN_PER_INTENT, intent


def test_training_data_names_only_domain_intents(train, domain_intents):
    assert set(train) <= set(domain_intents)


def test_every_domain_intent_has_enough_held_out_examples(test_set, domain_intents):
    for intent in set(domain_intents) - SET_BY_THE_SAFETY_NET:
        assert len(test_set.get(intent, [])) >= MIN_TEST_PER_INTENT, intent
    assert set(test_set) <= set(domain_intents)


def test_training_examples_are_unique_across_intents(train):
    counts = Counter(normalise(t) for texts in train.values() for t in texts)
    assert [t for t, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("path", HELD_OUT, ids=["first", "fresh", "situations"])
def test_held_out_sets_are_never_trained_on(train, domain_intents, path):
    seen = {normalise(t) for texts in train.values() for t in texts}
    held_out = read_examples(path)
    leaked = [t for texts in held_out.values() for t in texts if normalise(t) in seen]
    assert leaked == []
    assert set(held_out) <= set(domain_intents)


def test_the_held_out_sets_do_not_overlap():
    seen: set = set()
    for path in HELD_OUT:
        texts = {normalise(t) for texts in read_examples(path).values() for t in texts}
        assert not texts & seen, path.name
        seen |= texts


def test_held_out_sets_live_outside_the_training_folder():
    assert all(ROOT / "data" not in path.parents for path in HELD_OUT)


def free_text_questions() -> set:
    """Questions whose answers fill a slot as typed (from_text), not by intent."""
    slots = {}
    for path in DOMAIN_FILES:
        slots.update(yaml.safe_load(path.read_text()).get("slots") or {})
    return {
        f"utter_ask_{name}"
        for name, slot in slots.items()
        if any(m.get("type") == "from_text" for m in slot.get("mappings", []))
    }


def test_every_button_payload_is_a_training_example(train):
    """Buttons send plain text through NLU, so each must be understood exactly.

    Answers to free-text questions are read by the form, not the classifier;
    they only must not look like danger or an exit word to the safety net.
    """
    from bot.nlu.safety import classify_text

    seen = {normalise(t) for texts in train.values() for t in texts}
    free_text = free_text_questions()
    payloads, answers = set(), set()
    for path in DOMAIN_FILES:
        for name, variants in (yaml.safe_load(path.read_text()).get("responses") or {}).items():
            for variant in variants:
                found = {b["payload"] for b in variant.get("buttons", [])}
                (answers if name in free_text else payloads).update(found)
    assert payloads and answers, "expected topic buttons and form answer buttons"
    for payload in payloads | answers:
        assert not payload.startswith("/"), payload
    for payload in payloads:
        assert normalise(payload) in seen, payload
    for answer in answers:
        assert classify_text(answer) is None, answer
