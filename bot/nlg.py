"""Answers in the person's language: Rasa's own responses, translated where we can.

`MultilingualNLG` is Rasa's templated response generator (it picks the
domain's variation for the channel and the slots, and fills the slots) with
one step more: when the conversation's `language` slot names a language with
a translation of the chosen variation in `bot/lang/<code>.yml`, the text and
the button titles are that translation. Payloads, links and everything else
stay as the English variation has them, so a pressed button is understood the
same way in every language. Without a translation the answer is the English
one: nothing is ever left unsaid.

Every message in a conversation that is not in English also carries
`custom.language`, so that the web widget can show its own strings in that
language, and the SMS channel keeps the letters of that language; so does an
English one in a conversation that was in another language before (the widget
then turns back to English).

It runs inside the Rasa server (endpoints.yml, `nlg: type: bot.nlg.MultilingualNLG`):
no action server and no network, like the 111 answers it translates. The
translations are read and checked once, when the server starts; a file that
cannot be read stops the server with its name, rather than answering in a
broken language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator, interpolator
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

LANG_DIR = Path(__file__).with_name("lang")
LANGUAGE_SLOT = "language"
ENGLISH = "en"
# The variation to fall back on, after the chosen one's own channel: the short
# SMS text serves every channel when only it was translated.
FALLBACK_CHANNELS = (None, "twilio")


class TranslationError(ValueError):
    """A translations file is missing a field, or is not valid YAML."""


@dataclass(frozen=True)
class Translation:
    """One translated variation of a response."""

    text: str
    buttons: tuple[str, ...]
    review: str


@dataclass(frozen=True)
class Language:
    """A language's translations, by (response, condition, channel)."""

    code: str
    english_name: str
    own_name: str
    translations: dict[tuple[str, tuple, str | None], Translation]

    def find(self, response: str, condition: tuple, channel: str | None) -> Translation | None:
        """The translation of this variation, else of its SMS or plain twin."""
        for wanted in (channel, *FALLBACK_CHANNELS):
            found = self.translations.get((response, condition, wanted))
            if found is not None:
                return found
        return None


def condition_key(condition: Any) -> tuple:
    """A variation's condition as a sorted tuple of (slot, value), from either form.

    The domain writes `[{type: slot, name: n, value: v}]`; the translations
    files write `{n: v}`.
    """
    if not condition:
        return ()
    if isinstance(condition, dict):
        return tuple(sorted((str(k), v) for k, v in condition.items()))
    return tuple(sorted((str(c["name"]), c["value"]) for c in condition))


def read_language(path: Path) -> Language:
    """One translations file, checked.

    Raises:
        TranslationError: naming the file, when it cannot be read or lacks a field.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        translations: dict[tuple[str, tuple, str | None], Translation] = {}
        for entry in raw["translations"]:
            key = (
                str(entry["response"]),
                condition_key(entry.get("condition")),
                entry.get("channel"),
            )
            if key in translations:
                raise TranslationError(f"{path}: {key} is translated twice")
            translations[key] = Translation(
                text=str(entry["text"]),
                buttons=tuple(str(b) for b in entry.get("buttons") or ()),
                review=str(entry["review"]),
            )
        return Language(
            code=str(raw["language"]),
            english_name=str(raw["english_name"]),
            own_name=str(raw["own_name"]),
            translations=translations,
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise TranslationError(f"{path}: {type(exc).__name__}: {exc}") from None


@cache
def load_languages(folder: Path = LANG_DIR) -> dict[str, Language]:
    """Every language in `folder`, by code (read once per process)."""
    languages = {}
    for path in sorted(folder.glob("*.yml")):
        language = read_language(path)
        if language.code != path.stem:
            raise TranslationError(f"{path}: says it is {language.code!r}")
        languages[language.code] = language
    return languages


def left_a_language(tracker: DialogueStateTracker) -> bool:
    """Whether this conversation was in another language than English before."""
    return any(
        getattr(event, "key", None) == LANGUAGE_SLOT
        and getattr(event, "value", None) not in (None, ENGLISH)
        for event in tracker.events
    )


class MultilingualNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's responses, with their text in the conversation's language where translated."""

    def __init__(self, endpoint_config: Any = None, domain: Any = None, **kwargs: Any) -> None:
        super().__init__(domain.responses if domain is not None else {})
        self.languages = load_languages()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """The response Rasa would give, in the conversation's language where we have it."""
        slots = tracker.current_slot_values()
        message = self.generate_from_slots(utter_action, slots, output_channel, **kwargs)
        message = self.translated(utter_action, message, slots, kwargs)
        if message is not None and slots.get(LANGUAGE_SLOT) == ENGLISH and left_a_language(tracker):
            # Back to English from another language: say so, so that the widget follows.
            message["custom"] = {**(message.get("custom") or {}), "language": ENGLISH}
        return message

    def translated(
        self,
        utter_action: str,
        message: dict[str, Any] | None,
        slots: dict[str, Any],
        kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """`message` (Rasa's English response) in the language of `slots`, if translated.

        The message still holds the `condition` and `channel` of the variation
        Rasa chose: they name the translation.
        """
        code = slots.get(LANGUAGE_SLOT)
        if message is None or not code or code == ENGLISH:
            return message
        message["custom"] = {**(message.get("custom") or {}), "language": code}
        language = self.languages.get(code)
        if language is None:
            return message
        translation = language.find(
            utter_action, condition_key(message.get("condition")), message.get("channel")
        )
        if translation is None:
            return message
        values = {**slots, **(kwargs or {})}
        message["text"] = interpolator.interpolate(translation.text, values)
        buttons = message.get("buttons") or []
        if translation.buttons and len(translation.buttons) == len(buttons):
            message["buttons"] = [
                {**button, "title": title}
                for button, title in zip(buttons, translation.buttons, strict=True)
            ]
        return message
