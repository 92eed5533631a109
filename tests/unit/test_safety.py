"""The safety net catches danger and exit words without the classifier."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety import (
    DANGER_KIND,
    EMERGENCY,
    FORGET,
    MEDICAL,
    NO_WORDS,
    NON_ENGLISH,
    POLICE,
    SELF_HARM,
    STOP,
    VERDICT,
    InputGuard,
    SafetyNet,
    classify_text,
    clean_text,
    judge,
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
    "text", ["我需要帮助，老板拿走了我的护照", "मुझे मदद चाहिए", "인신매매가 뭐예요", "ช่วยด้วย"]
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


# --- kinds of danger: Police, an ambulance, self-harm ---------------------------------

DANGER_KINDS_FILE = ROOT / "tests" / "support" / "danger_kinds.yml"


def kind_of(text: str):
    return judge(clean_text(text, 10_000))


def danger_phrases(kind: str) -> list[str]:
    import yaml

    return yaml.safe_load(DANGER_KINDS_FILE.read_text(encoding="utf-8"))[kind]


@pytest.mark.parametrize("kind", [POLICE, MEDICAL, SELF_HARM])
def test_held_out_phrases_of_each_kind_get_111_and_their_kind(kind):
    """Phrases written apart from the patterns (tests/support/danger_kinds.yml)."""
    wrong = [(t, kind_of(t)) for t in danger_phrases(kind) if kind_of(t) != (EMERGENCY, kind)]
    assert wrong == []


def test_held_out_phrases_that_are_not_danger_get_no_verdict():
    assert [t for t in danger_phrases("not_danger") if kind_of(t)[0] is not None] == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("i dont want to live anymore", SELF_HARM),  # was read as an exit word
        ("i want to kill myself", SELF_HARM),  # got the Police answer, no 1737
        ("my friend is bleeding a lot and can't breathe", MEDICAL),
        ("the boss hurt a worker, he is unconscious", MEDICAL),
        ("he is hitting me", POLICE),
        # When kinds overlap, the most specific wins: self-harm, then medical.
        ("they beat me every day and i want to die", SELF_HARM),
        ("he beat her and now she is bleeding a lot", MEDICAL),
    ],
)
def test_issue_examples_of_each_kind(text, kind):
    assert kind_of(text) == (EMERGENCY, kind)


@pytest.mark.parametrize(
    "text", ["what is unconscious bias", "he broke my phone", "I took pills for my headache"]
)
def test_words_of_medical_danger_in_ordinary_sentences_are_not_danger(text):
    assert kind_of(text) == (None, None) or kind_of(text)[0] != EMERGENCY


def test_a_terms_file_without_the_three_kinds_is_refused(tmp_path):
    from bot.nlu.safety import SafetyTermsError

    path = tmp_path / "terms.yml"
    path.write_text("emergency: ['help']\nexit: [stop]\nforget: [forget me]\n")
    with pytest.raises(SafetyTermsError, match="kinds"):
        load_terms(path)


def kind_entities(message: Message) -> list:
    return [e["value"] for e in message.get("entities") or [] if e["entity"] == DANGER_KIND]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("i want to kill myself", SELF_HARM), ("he is unconscious", MEDICAL), ("help", POLICE)],
)
def test_the_safety_net_names_the_kind_in_the_entity_that_picks_the_answer(text, kind):
    message = run_pipeline(text, "greet")
    assert message.get(INTENT)["name"] == EMERGENCY
    assert kind_entities(message) == [kind]


def test_danger_found_by_the_classifier_alone_is_police():
    message = run_pipeline("the agency men have come back with big sticks", EMERGENCY)
    assert message.get(VERDICT) is None  # no pattern: the classifier found it
    assert kind_entities(message) == [POLICE]


def test_no_kind_on_a_message_that_is_not_danger():
    assert (
        kind_entities(run_pipeline("what is people trafficking", "faq_what_is_trafficking")) == []
    )
