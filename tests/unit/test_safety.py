"""The safety net catches danger and exit words without the classifier."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety import (
    EMERGENCY,
    FORGET,
    NO_WORDS,
    NON_ENGLISH,
    STOP,
    VERDICT,
    InputGuard,
    SafetyNet,
    classify_text,
    clean_text,
    load_terms,
)
from nlu_files import read_examples

ROOT = Path(__file__).resolve().parents[2]
NLU_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml")) + [ROOT / "tests/nlu/test_nlu.yml"]


def examples(intent_filter) -> list[str]:
    found = []
    for path in NLU_FILES:
        for intent, texts in read_examples(path).items():
            if intent_filter(intent):
                found += texts
    return found


def verdict(text: str):
    return classify_text(clean_text(text, 10_000))


EMERGENCY_EXAMPLES = examples(lambda i: i == EMERGENCY)
CALM_EXAMPLES = examples(lambda i: i not in {EMERGENCY, STOP, "non_english"})


def test_there_are_enough_examples_to_mean_something():
    assert len(EMERGENCY_EXAMPLES) >= 70
    assert len(CALM_EXAMPLES) >= 1000


@pytest.mark.parametrize("text", EMERGENCY_EXAMPLES)
def test_every_emergency_example_is_caught_without_the_classifier(text):
    assert verdict(text) == EMERGENCY


def test_no_question_or_chat_example_is_mistaken_for_danger():
    mistaken = [t for t in CALM_EXAMPLES if verdict(t) == EMERGENCY]
    assert mistaken == []


@pytest.mark.parametrize(
    "text",
    [
        "help",
        "HELP!!!",
        "help me now",
        "111",
        "I am not safe",
        "he is here",
        "my boss is hitting me",
        "they locked the door and I cant get out",
        "a child is in danger",
        "please send police now",
        "i want to end my life",
        "x" * 5000 + " help me now",  # danger past the NLU's character limit
    ],
)
def test_issue_examples_of_danger(text):
    assert verdict(text) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "will they lock me up if i tell the police",
        "are trafficked people locked in rooms?",
        "is there emergency accommodation for victims",
        "how do bosses use visas as a weapon",
        "what is people trafficking",
        "stop trafficking now",
    ],
)
def test_questions_about_danger_are_not_danger(text):
    assert verdict(text) != EMERGENCY


@pytest.mark.parametrize(
    "text", ["stop", "STOP", "Exit.", "cancel", "quit this", "stop!", " quit "]
)
def test_exit_words(text):
    assert verdict(text) == STOP


@pytest.mark.parametrize(
    "text", ["stop the traffickers", "how do i exit my contract", "cancel my visa?"]
)
def test_exit_words_only_as_the_whole_message(text):
    assert verdict(text) != STOP


def test_every_listed_exit_word_stops():
    assert all(verdict(word) == STOP for word in load_terms().exit)


@pytest.mark.parametrize(
    "text",
    [
        "forget me",
        "Forget me!",
        "delete this conversation",
        "Clear this conversation.",
        "DELETE MY CHAT",
    ],
)
def test_forget_me_command(text):
    assert verdict(text) == FORGET


@pytest.mark.parametrize(
    "text", ["how do i forget what happened", "can you delete my visa", "forget me, he is here"]
)
def test_forget_me_only_as_the_whole_message_and_never_over_danger(text):
    assert verdict(text) != FORGET


def test_every_listed_forget_command_forgets_and_none_is_an_exit_word():
    terms = load_terms()
    assert not terms.forget & terms.exit
    assert all(verdict(words) == FORGET for words in terms.forget)


@pytest.mark.parametrize("text", ["", "   ", "😢😢", "🙏", "...", "123456"])
def test_messages_without_words_fall_back(text):
    assert verdict(text) == NO_WORDS


@pytest.mark.parametrize(
    "text", ["我需要帮助，老板拿走了我的护照", "मुझे मदद चाहिए", "도와주세요", "ช่วยด้วย"]
)
def test_non_latin_scripts_are_not_english(text):
    assert verdict(text) == NON_ENGLISH


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("/faq_penalties", "faq_penalties"),
        ('/ /emergency{"x": 1}', 'emergency{"x": 1}'),
        ("<script>alert(1)</script>what is trafficking", "what is trafficking"),
        ("<b>hi</b> there", "hi there"),
        ("tab\there\x00null", "tab here null"),
        ("ｆｕｌｌ width", "full width"),
        ("&lt;3 thanks", "<3 thanks"),
    ],
)
def test_clean_text(raw, cleaned):
    assert clean_text(raw, 1000) == cleaned


def test_clean_text_cuts_long_messages():
    assert len(clean_text("word " * 3000, 1000)) <= 1000


def run_pipeline(text: str, classified: str) -> Message:
    message = Message({TEXT: text})
    InputGuard({"max_chars": 1000}).process([message])
    message.set(INTENT, {"name": classified, "confidence": 0.93}, add_to_output=True)
    message.set("intent_ranking", [{"name": classified, "confidence": 0.93}], add_to_output=True)
    SafetyNet().process([message])
    return message


def test_safety_net_overrides_a_confident_classifier():
    message = run_pipeline("I'm not safe, he is here", "faq_where_to_get_help")
    assert message.get(INTENT) == {"name": EMERGENCY, "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == EMERGENCY


def test_safety_net_leaves_ordinary_messages_to_the_classifier():
    message = run_pipeline("what is people trafficking", "faq_what_is_trafficking")
    assert message.get(INTENT)["name"] == "faq_what_is_trafficking"
    assert message.get(VERDICT) is None


def test_guard_strips_a_forced_intent_before_the_nlu():
    message = run_pipeline("/faq_penalties", "faq_penalties")
    assert message.get(TEXT) == "faq_penalties"
    assert not message.get(TEXT).startswith("/")


def test_guard_cleans_training_data_the_same_way():
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([Message({TEXT: "<i>hi</i>", INTENT: "greet"})])
    InputGuard({"max_chars": 1000}).process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "hi"
