"""The safety net: clean what people type, and never miss danger or an exit word.

Two pipeline components share one verdict:

* `InputGuard` runs first. It removes what could trick or overload the NLU
  (a leading `/`, which Rasa would read as a forced intent; HTML and script
  tags; control characters; text beyond `max_chars`) and records the verdict
  of `classify_text` on the full, cleaned text.
* `SafetyNet` runs last, after the classifier and the FallbackClassifier. When
  the verdict is `emergency` or `stop`, it overrides the intent with confidence
  1.0, so the 111 answer and the exit never depend on a model's confidence
  alone. Messages with no words (empty, emoji only) become `nlu_fallback`, and
  messages mostly in a non-Latin script become `non_english`.

Both run inside the Rasa server: no action server, no network. The terms live
in `safety_terms.yml` beside this file.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import groupby, islice
from pathlib import Path
from typing import Any

import re2
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text import valid_text

TERMS_FILE = Path(__file__).with_name("safety_terms.yml")
VERDICT = "safety_verdict"  # message property shared by the two components
KIND = "safety_danger_kind"  # the kind of danger, when the verdict is EMERGENCY
DANGER_KIND = "danger_kind"  # the entity (and slot) that picks the 111 answer's variation

EMERGENCY = "emergency"
STOP = "stop"
FORGET = "forget_me"
NON_ENGLISH = "non_english"
NO_WORDS = "nlu_fallback"
CHOOSE_LANGUAGE = "choose_language"
# Set by bot.nlu.language.LanguageIdentifier (after InputGuard): the language
# of the message (a code, "other" for one we cannot answer in, or None when
# unsure), and why ("chosen" when the whole message names a language).
LANGUAGE_DETECTED, LANGUAGE_REASON = "language_detected", "language_reason"
UNSUPPORTED_LANGUAGE, CHOSEN = "other", "chosen"
# Kinds of danger, most specific first: when a message matches more than one,
# the first wins (tests/unit/test_safety.py). POLICE is also the kind when the
# classifier, not a pattern, found the danger.
SELF_HARM, MEDICAL, POLICE = "self_harm", "medical", "police"
DANGER_KINDS = (SELF_HARM, MEDICAL, POLICE)

# The few patterns of our own below are simple enough for Python's engine
# (no nested or unbounded overlapping repeats: each runs in linear time, which
# tests/unit/test_safety_adversarial.py checks on 20,000-character attacks); they
# must also compile under RE2 (tests/unit/test_safety.py). The terms file's patterns,
# written by content editors, run only under RE2, which guarantees linear time.
# One tag, as browsers read one: "<" then at once a letter, "/", "!" or "?",
# at most 200 characters, no "<" inside ("a < b and c > d" is not a tag).
_TAG = re.compile(r"<[/!?A-Za-z][^<>]{0,200}>")
_TAG_NAME = re.compile(r"<(/?)\s*([A-Za-z][A-Za-z0-9]*)")
_RAW_TEXT_TAGS = ("script", "style")  # their content is code, not words
_LEADING_COMMAND = re.compile(r"^[\s/]+")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+|[^\w\s]")  # about what spaCy counts as a token
# A numeric character reference too long to be a character (more than 7
# digits): html.unescape would turn thousands of digits into an int and fail.
_LONG_CHARREF = re.compile(r"&#[xX]?[0-9a-fA-F]{8,}")
OWN_PATTERNS = (_TAG, _TAG_NAME, _LEADING_COMMAND, _SPACES, _TOKEN, _LONG_CHARREF)


# RE2 matches with a DFA while it fits in `max_mem`, else with a slower NFA
# (still linear). All the danger patterns in one, in a dozen languages, need
# more than the default 8 MB: with it, 100,000 characters of "help help ..."
# took 2.5 s; with 64 MB, 0.04 s (tests/unit/test_safety_adversarial.py).
COMBINED_MAX_MEM = 64 << 20


def re2_options(max_mem: int | None = None) -> re2.Options:
    """Case-insensitive RE2, with parse errors raised rather than printed."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    if max_mem is not None:
        options.max_mem = max_mem
    return options


@dataclass(frozen=True)
class SafetyTerms:
    """Compiled emergency patterns (RE2) and the sets of exit and forget messages."""

    emergency: tuple[Any, ...]
    any_emergency: Any  # all of them in one RE2 pattern: one pass over the text
    kinds: tuple[tuple[str, Any], ...]  # (kind, its patterns in one), in DANGER_KINDS order
    not_emergency: tuple[str, ...]
    exit: frozenset
    forget: frozenset


class SafetyTermsError(ValueError):
    """safety_terms.yml is missing, malformed or holds a pattern RE2 cannot run."""


@cache
def load_terms(path: Path = TERMS_FILE) -> SafetyTerms:
    """Read and compile safety_terms.yml once per process.

    Every emergency pattern is compiled with RE2, which matches in time linear
    in the length of the text whatever the pattern: no message can make the
    safety net (and so the whole server) stall.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        by_kind = raw["emergency"]
        if not isinstance(by_kind, dict) or sorted(by_kind) != sorted(DANGER_KINDS):
            raise SafetyTermsError(f"{path}: emergency must have the kinds {DANGER_KINDS}")
        emergency = []
        for pattern in (p for kind in DANGER_KINDS for p in by_kind[kind]):
            try:
                emergency.append(re2.compile(pattern, re2_options()))
            except re2.error as exc:
                raise SafetyTermsError(f"{path}: RE2 cannot run {pattern!r}: {exc}") from None
        return SafetyTerms(
            emergency=tuple(emergency),
            any_emergency=_one_pattern(p.pattern for p in emergency),
            kinds=tuple((kind, _one_pattern(by_kind[kind])) for kind in DANGER_KINDS),
            not_emergency=tuple(
                " ".join(phrase.lower().split()) for phrase in raw.get("not_emergency") or []
            ),
            exit=frozenset(normalise(t) for t in raw["exit"]),
            forget=frozenset(normalise(t) for t in raw["forget"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise SafetyTermsError(f"{path}: {type(exc).__name__}: {exc}") from None


def _one_pattern(patterns) -> Any:
    """Several patterns as one RE2 pattern (any of them), case-insensitive."""
    return re2.compile("|".join(f"(?:{p})" for p in patterns), re2_options(COMBINED_MAX_MEM))


class _SpaceUnless(dict):
    """A str.translate table: each character `keep(char)` refuses becomes a space.

    Each character is looked up once per process (at most 100,000 are
    remembered), then translate runs at C speed.
    """

    def __init__(self, keep: Callable[[str], bool]) -> None:
        super().__init__()
        self.keep = keep

    def __missing__(self, code: int) -> int:
        value = code if self.keep(chr(code)) else 32
        if len(self) < 100_000:
            self[code] = value
        return value


# What is not part of a word becomes a space. Letters, digits and "_" stay, and
# so do marks (Unicode category M): the vowel signs of Devanagari and Gurmukhi
# are part of their words, though Python's regex word class leaves them out
# ("है" must not become "ह").
_PUNCTUATION_TO_SPACE = _SpaceUnless(
    lambda char: (
        char.isalnum() or char.isspace() or char == "_" or unicodedata.category(char)[0] == "M"
    )
)


def normalise(text: str) -> str:
    """Lower-case, punctuation to spaces, squeezed: for whole-message matches."""
    return " ".join(text.lower().translate(_PUNCTUATION_TO_SPACE).split())


def _tag_name(tag: str) -> tuple[bool, str]:
    """("<  /Script x>") -> (True, "script"): whether it closes, and its name."""
    match = _TAG_NAME.match(tag)
    return (bool(match.group(1)), match.group(2).lower()) if match else (False, "")


def strip_tags(text: str) -> str:
    """Text with HTML-like tags replaced by spaces, and script and style content removed.

    Linear in the length of the text: the tags are found in one pass, and each
    opening script or style tag finds its closing tag by bisection, so that
    thousands of unclosed tags cost no more than thousands of closed ones.
    """
    tags = list(_TAG.finditer(text))
    if not tags:
        return text
    names = [_tag_name(m.group()) for m in tags]
    closing = {
        name: [i for i, n in enumerate(names) if n == (True, name)] for name in _RAW_TEXT_TAGS
    }
    out: list[str] = []
    position = index = 0
    while index < len(tags):
        match = tags[index]
        out += [text[position : match.start()], " "]
        position = match.end()
        is_closing, name = names[index]
        if not is_closing and name in closing:
            later = closing[name]
            found = bisect.bisect_right(later, index)
            if found < len(later):  # skip the code up to its closing tag
                index = later[found]
                position = tags[index].end()
        index += 1
    out.append(text[position:])
    return "".join(out)


# Control, format, private-use and unassigned characters (Unicode category C)
# become spaces; the rest stay.
_CONTROL_TO_SPACE = _SpaceUnless(lambda char: unicodedata.category(char)[0] != "C")


def _no_controls(text: str) -> str:
    return text if text.isprintable() else text.translate(_CONTROL_TO_SPACE)


def _visible(text: str) -> str:
    """NFKC, control and other invisible characters as spaces, spaces squeezed."""
    text = _no_controls(unicodedata.normalize("NFKC", valid_text(text)))
    return _SPACES.sub(" ", text).strip()


def clean_text(text: str | None, max_chars: int) -> str:
    """Text safe to give the NLU: no leading '/', tags, control characters."""
    text = unicodedata.normalize("NFKC", valid_text(text))
    text = _no_controls(html.unescape(_LONG_CHARREF.sub(" ", strip_tags(text))))
    text = _SPACES.sub(" ", _LEADING_COMMAND.sub("", text)).strip()
    return text[:max_chars].strip()


def squeeze_repeats(text: str, keep: int = 3) -> str:
    """Runs of one character cut to `keep` ("helpppppp!!!!!!" -> "helppp!!!").

    They add nothing to the meaning, only work for the NLU.
    """
    if len(text) <= keep:
        return text
    return "".join(char * min(len(list(run)), keep) for char, run in groupby(text))


def nlu_view(cleaned: str, max_chars: int, max_tokens: int) -> str:
    """What the NLU reads of cleaned text.

    Repeats are squeezed, then the text is cut to at most `max_chars` characters
    and `max_tokens` tokens (words or punctuation marks).

    The safety verdict is taken on the whole text before this; this bounds
    the work of spaCy and the featurizers, whatever was sent.
    """
    # Runs longer than 3 shrink, so 4 times the limit is always enough to read.
    text = squeeze_repeats(cleaned[: max_chars * 4])[:max_chars]
    last = next(islice(_TOKEN.finditer(text), max_tokens - 1, max_tokens), None)
    if last is not None:
        text = text[: last.end()]
    return text.strip()


SCRIPT_SAMPLE = 2000  # characters read to tell the script of a message


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def danger_kind(text: str, terms: SafetyTerms | None = None) -> str | None:
    """The kind of danger `text` signals (SELF_HARM, MEDICAL, POLICE), or None.

    Each pattern runs in linear time, under RE2: first all of them in one pass,
    then, only for a message that matched, each kind in order. Phrases listed
    as not_emergency ("emergency accommodation", "lock me up") are taken out
    first: RE2 has no look-ahead to exclude them in the pattern.
    """
    terms = terms or load_terms()
    lowered = text.lower()
    for phrase in terms.not_emergency:
        if phrase in lowered:
            lowered = lowered.replace(phrase, " ")
    if terms.any_emergency.search(lowered) is None:
        return None
    return next((kind for kind, pattern in terms.kinds if pattern.search(lowered)), POLICE)


def signals_danger(text: str, terms: SafetyTerms | None = None) -> bool:
    """Whether any emergency pattern matches `text` (in linear time, under RE2)."""
    return danger_kind(text, terms) is not None


def judge(text: str, terms: SafetyTerms | None = None, raw: str | None = None) -> tuple:
    """(verdict, kind of danger): `classify_text`'s verdict, and the kind when it is EMERGENCY."""
    terms = terms or load_terms()
    kind = danger_kind(text, terms)
    if kind is None and raw is not None and "<" in raw:
        kind = danger_kind(_visible(raw), terms)
    if kind is not None:
        return EMERGENCY, kind
    return classify_text(text, terms, raw=raw, danger_checked=True), None


def classify_text(
    text: str,
    terms: SafetyTerms | None = None,
    raw: str | None = None,
    danger_checked: bool = False,
) -> str | None:
    """The safety verdict for cleaned text, or None when the classifier decides.

    `raw`, when given, is the message before tags were removed: danger is looked
    for in both, so that "<help me now>" or words inside a script tag still get
    111. Order matters: danger beats everything, then an exit word, then the
    "forget me" command, then text the classifier cannot read (no letters;
    mostly a non-Latin script). `danger_checked`: the caller has looked for
    danger already (`judge`), so the patterns do not run twice.
    """
    terms = terms or load_terms()
    if not danger_checked:
        if signals_danger(text, terms):
            return EMERGENCY
        if raw is not None and "<" in raw and signals_danger(_visible(raw), terms):
            return EMERGENCY
    words = normalise(text)
    if words in terms.exit:
        return STOP
    if words in terms.forget:
        return FORGET
    letters = (_letters(text[:SCRIPT_SAMPLE]) or _letters(text))[:SCRIPT_SAMPLE]
    if not letters:
        return NO_WORDS
    non_latin = sum(1 for c in letters if "LATIN" not in unicodedata.name(c, ""))
    if non_latin / len(letters) > 0.5:
        return NON_ENGLISH
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class InputGuard(GraphComponent):
    """First in the pipeline: cleans the text and records the safety verdict."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's settings unless config.yml gives them: the NLU's bounds."""
        # spaCy takes about 0.15 ms a token on these machines: 200 tokens keep
        # the whole pipeline well under 200 ms for any message.
        return {"max_chars": 1000, "max_tokens": 200}

    def __init__(self, config: dict[str, Any]) -> None:
        self._max_chars = int(config["max_chars"])
        self._max_tokens = int(config.get("max_tokens", 200))
        self._terms = load_terms()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputGuard:
        """Make the component with config.yml's settings over the defaults."""
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: list[Message]) -> list[Message]:
        """Record each message's safety verdict, then leave the NLU only its bounded view.

        The verdict is taken on the whole cleaned message (and on the raw one for
        danger); the text the rest of the pipeline reads is `nlu_view` of it.
        """
        for message in messages:
            raw = message.get(TEXT) or ""
            # Look for danger in the whole message, even past max_chars.
            cleaned = clean_text(raw, len(raw) + 1)
            verdict, kind = judge(cleaned, self._terms, raw=raw)
            message.set(VERDICT, verdict)
            message.set(KIND, kind)
            message.set(TEXT, nlu_view(cleaned, self._max_chars, self._max_tokens))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Clean and bound the training examples' text as messages are at run time."""
        for example in training_data.training_examples:
            if example.get(TEXT):
                cleaned = clean_text(example.get(TEXT), len(example.get(TEXT)) + 1)
                example.set(TEXT, nlu_view(cleaned, self._max_chars, self._max_tokens))
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    """Last in the pipeline: applies InputGuard's verdict over the classifier's."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        """Make the component (it has no settings)."""
        return cls()

    @classmethod
    def required_components(cls) -> list[type]:
        """InputGuard, which records the verdicts this component applies."""
        return [InputGuard]

    def process(self, messages: list[Message]) -> list[Message]:
        """Make each message's safety verdict, if any, its intent (confidence 1.0).

        The verdict also goes first in the intent ranking; messages without one
        keep the classifier's intent and ranking. Every message whose intent ends
        up `emergency` gets the entity `danger_kind` (the pattern's kind, or
        POLICE when the classifier found the danger), so that the slot of that
        name, which picks the 111 answer's variation, never keeps an earlier
        message's kind.
        """
        for message in messages:
            verdict = self.with_language(message.get(VERDICT), message)
            if verdict is not None:
                intent = {INTENT_NAME_KEY: verdict, PREDICTED_CONFIDENCE_KEY: 1.0}
                ranking = [intent] + [
                    r
                    for r in message.get("intent_ranking") or []
                    if r.get(INTENT_NAME_KEY) != verdict
                ]
                message.set(INTENT, intent, add_to_output=True)
                message.set("intent_ranking", ranking, add_to_output=True)
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == EMERGENCY:
                self._set_kind(message, message.get(KIND) or POLICE)
        return messages

    @staticmethod
    def with_language(verdict: str | None, message: Message) -> str | None:
        """The verdict, given the language the message was found to be in.

        A message in a language we answer in (Hindi, Chinese, Samoan...) goes to
        the classifier, whatever its script: the script alone made it
        `non_english` before languages came. One in a language we cannot answer
        in gets `non_english` (English, with 111 and the interpreter lines), and a
        message that only names a language chooses it. Danger, exit and forget
        verdicts stand whatever the language.
        """
        detected = message.get(LANGUAGE_DETECTED)
        if verdict == NON_ENGLISH and detected not in (None, UNSUPPORTED_LANGUAGE):
            return None
        if verdict is None and detected == UNSUPPORTED_LANGUAGE:
            return NON_ENGLISH
        if verdict in (None, NON_ENGLISH) and message.get(LANGUAGE_REASON) == CHOSEN:
            return CHOOSE_LANGUAGE
        return verdict

    @staticmethod
    def _set_kind(message: Message, kind: str) -> None:
        """Put the entity danger_kind (and no other of that name) on the message."""
        entities = [
            e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != DANGER_KIND
        ]
        entities.append(
            {
                ENTITY_ATTRIBUTE_TYPE: DANGER_KIND,
                ENTITY_ATTRIBUTE_VALUE: kind,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(message.get(TEXT) or ""),
                EXTRACTOR: "SafetyNet",
            }
        )
        message.set(ENTITIES, entities, add_to_output=True)
