"""Answers in the person's language (bot/nlg.py and bot/lang/*.yml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.nlg import (
    LANG_DIR,
    MultilingualNLG,
    TranslationError,
    condition_key,
    load_languages,
    read_language,
)

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["mi", "sm", "to", "zh", "hi", "pa", "tl", "es", "ko", "vi", "fj", "hif"]
# What every language must have: the 111 answers for each kind of danger, exit
# and forget me, the greeting, where to get help, how to report, what trafficking is.
REQUIRED = [
    ("utter_emergency", (("danger_kind", "self_harm"),)),
    ("utter_emergency", (("danger_kind", "medical"),)),
    ("utter_emergency", ()),
    ("utter_stopped", ()),
    ("utter_forgotten_conversation", ()),
    ("utter_greet", ()),
    ("utter_faq_where_to_get_help", ()),
    ("utter_faq_how_to_report", ()),
    ("utter_faq_what_is_trafficking", ()),
]
REVIEW = re.compile(r"^(machine-drafted|reviewed: [^,]+, \d{4}-\d{2}-\d{2})$")


def english_responses() -> dict:
    found: dict = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        found.update((yaml.safe_load(path.read_text()) or {}).get("responses") or {})
    return found


ENGLISH = english_responses()


def numbers_and_links(text: str) -> tuple[list, list]:
    numbers = sorted(re.sub(r"\s", "", n) for n in re.findall(r"\d[\d ]*\d|\d", text))
    links = sorted(re.findall(r"[a-z0-9.-]+\.(?:nz|org|com)\S*", text))
    return numbers, links


def english_variation(response: str, condition: tuple, channel) -> dict:
    matches = [
        v
        for v in ENGLISH[response]
        if condition_key(v.get("condition")) == condition and v.get("channel") == channel
    ]
    assert len(matches) == 1, (response, condition, channel)
    return matches[0]


def test_every_language_has_its_file():
    assert sorted(load_languages()) == sorted(LANGUAGES)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_translates_the_key_answers(code):
    have = {(r, c) for r, c, _ in load_languages()[code].translations}
    assert [need for need in REQUIRED if need not in have] == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_every_number_and_link_and_say_their_review_status(code):
    """A translation has exactly the phone numbers and links of its English text."""
    for (response, condition, channel), translation in load_languages()[code].translations.items():
        english = english_variation(response, condition, channel)
        assert numbers_and_links(translation.text) == numbers_and_links(english["text"]), response
        assert len(translation.buttons) in (0, len(english.get("buttons") or [])), response
        assert REVIEW.match(translation.review), (response, translation.review)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_111_answers_keep_the_english_word_to_say(code):
    language = load_languages()[code]
    for kind, word in [((), "Police"), ((("danger_kind", "medical"),), "Ambulance")]:
        translation = language.find("utter_emergency", kind, "twilio")
        assert translation is not None and word in translation.text, (code, word)


# --- the generator --------------------------------------------------------------------


def write_language(folder: Path, code: str, entries: list) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{code}.yml").write_text(
        yaml.safe_dump(
            {"language": code, "english_name": "Test", "own_name": "Test", "translations": entries}
        ),
        encoding="utf-8",
    )


RESPONSES = {
    "utter_emergency": [
        {
            "text": "Call 111. Ask for Police.",
            "buttons": [{"title": "Where to get help", "payload": "Where can I get help?"}],
            "custom": {"links": [{"label": "Call 111", "href": "tel:111"}]},
        },
        {
            "condition": [{"type": "slot", "name": "danger_kind", "value": "medical"}],
            "text": "Call 111. Ask for Ambulance.",
        },
        {"channel": "twilio", "text": "SMS: call 111, Police."},
    ],
    "utter_thank": [{"text": "You're welcome, {name}."}],
}


@pytest.fixture
def nlg(tmp_path, monkeypatch):
    folder = tmp_path / "lang"
    write_language(
        folder,
        "sm",
        [
            {
                "response": "utter_emergency",
                "channel": "twilio",
                "text": "Vili le 111. Fai 'Police'.",
                "buttons": ["O fea e maua ai se fesoasoani"],
                "review": "machine-drafted",
            }
        ],
    )
    monkeypatch.setattr("bot.nlg.LANG_DIR", folder)
    load_languages.cache_clear()
    generator = MultilingualNLG()
    generator.languages = load_languages(folder)
    generator.responses = RESPONSES
    yield generator
    load_languages.cache_clear()


def say(nlg, response: str, slots: dict, channel: str = "collector") -> dict:
    message = nlg.generate_from_slots(response, slots, channel)
    return nlg.translated(response, message, slots)


def test_a_translated_answer_keeps_payloads_and_links_and_names_its_language(nlg):
    message = say(nlg, "utter_emergency", {"language": "sm"})
    assert message["text"] == "Vili le 111. Fai 'Police'."  # the SMS text serves the web too
    assert message["buttons"] == [
        {"title": "O fea e maua ai se fesoasoani", "payload": "Where can I get help?"}
    ]
    assert message["custom"] == {
        "links": [{"label": "Call 111", "href": "tel:111"}],
        "language": "sm",
    }


def test_without_a_translation_the_answer_is_the_english_one(nlg):
    medical = say(nlg, "utter_emergency", {"language": "sm", "danger_kind": "medical"})
    assert (
        medical["text"] == "Call 111. Ask for Ambulance." and medical["custom"]["language"] == "sm"
    )
    assert (
        say(nlg, "utter_thank", {"language": "sm", "name": "Ana"})["text"] == "You're welcome, Ana."
    )


@pytest.mark.parametrize("language", ["en", "xx", None])
def test_english_unknown_or_no_language_gets_english(nlg, language):
    message = say(nlg, "utter_emergency", {"language": language})
    assert message["text"] == "Call 111. Ask for Police."
    marked = (message.get("custom") or {}).get("language")
    assert marked == (language if language == "xx" else None)  # English is not marked


def test_a_broken_translations_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "xx.yml"
    path.write_text("language: xx\ntranslations:\n- response: utter_greet\n")
    with pytest.raises(TranslationError, match="xx.yml"):
        read_language(path)


def test_the_translations_folder_is_the_one_in_the_package():
    assert LANG_DIR == ROOT / "bot" / "lang"


async def test_back_in_english_after_another_language_the_answer_says_so(nlg):
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.slots import CategoricalSlot
    from rasa.shared.core.trackers import DialogueStateTracker

    slot = CategoricalSlot("language", mappings=[], values=["en", "sm"])
    tracker = DialogueStateTracker("someone", [slot])
    tracker.update(SlotSet("language", "en"))
    english_only = await nlg.generate("utter_thank", tracker, "collector", name="Ana")
    assert "custom" not in english_only
    tracker.update(SlotSet("language", "sm"))
    tracker.update(SlotSet("language", "en"))
    back = await nlg.generate("utter_thank", tracker, "collector", name="Ana")
    assert back["custom"] == {"language": "en"} and back["text"] == "You're welcome, Ana."
