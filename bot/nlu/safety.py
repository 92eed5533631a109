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

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Pattern, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TERMS_FILE = Path(__file__).with_name("safety_terms.yml")
VERDICT = "safety_verdict"  # message property shared by the two components

EMERGENCY = "emergency"
STOP = "stop"
FORGET = "forget_me"
NON_ENGLISH = "non_english"
NO_WORDS = "nlu_fallback"

_TAG = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>|<[^>]{0,200}>", re.I | re.S)
_LEADING_COMMAND = re.compile(r"^[\s/]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SafetyTerms:
    """Compiled emergency patterns and the set of exit messages."""

    emergency: Tuple[Pattern[str], ...]
    exit: frozenset
    forget: frozenset


@lru_cache(maxsize=None)
def load_terms(path: Path = TERMS_FILE) -> SafetyTerms:
    """Read and compile safety_terms.yml once per process."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return SafetyTerms(
        emergency=tuple(re.compile(p, re.IGNORECASE) for p in raw["emergency"]),
        exit=frozenset(normalise(t) for t in raw["exit"]),
        forget=frozenset(normalise(t) for t in raw["forget"]),
    )


def normalise(text: str) -> str:
    """Lower-case, punctuation to spaces, squeezed: for whole-message matches."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def clean_text(text: Optional[str], max_chars: int) -> str:
    """Text safe to give the NLU: no leading '/', tags, control characters."""
    text = unicodedata.normalize("NFKC", text or "")
    text = html.unescape(_TAG.sub(" ", text))
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    text = _SPACES.sub(" ", _LEADING_COMMAND.sub("", text)).strip()
    return text[:max_chars].strip()


def _letters(text: str) -> List[str]:
    return [c for c in text if c.isalpha()]


def classify_text(text: str, terms: Optional[SafetyTerms] = None) -> Optional[str]:
    """The safety verdict for cleaned text, or None when the classifier decides.

    Order matters: danger beats everything, then an exit word, then the
    "forget me" command, then text the classifier cannot read (no letters;
    mostly a non-Latin script).
    """
    terms = terms or load_terms()
    if any(p.search(text) for p in terms.emergency):
        return EMERGENCY
    words = normalise(text)
    if words in terms.exit:
        return STOP
    if words in terms.forget:
        return FORGET
    letters = _letters(text)
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
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": 1000}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_chars = int(config["max_chars"])
        self._terms = load_terms()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "InputGuard":
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            raw = message.get(TEXT) or ""
            # Look for danger in the whole message, even past max_chars.
            cleaned = clean_text(raw, len(raw) + 1)
            message.set(VERDICT, classify_text(cleaned, self._terms))
            message.set(TEXT, cleaned[: self._max_chars].strip())
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            if example.get(TEXT):
                example.set(TEXT, clean_text(example.get(TEXT), self._max_chars))
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    """Last in the pipeline: applies InputGuard's verdict over the classifier's."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyNet":
        return cls()

    @classmethod
    def required_components(cls) -> List[type]:
        return [InputGuard]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            verdict = message.get(VERDICT)
            if verdict is None:
                continue
            intent = {INTENT_NAME_KEY: verdict, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [intent] + [
                r for r in message.get("intent_ranking") or [] if r.get(INTENT_NAME_KEY) != verdict
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages
