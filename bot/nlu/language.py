"""The language of each message, for answers in the person's own language.

`detect(text)` names the language of a short message: one of `SUPPORTED`,
`OTHER` for a language the assistant does not speak, or None when it cannot
tell ("ok", "3", an emoji, a name, "kia ora"). It never switches on a guess:
below `MIN_CONFIDENCE` the code is None. Evidence is read in this order:

1. A whole message that names a language ("English please", "Gagana Sāmoa",
   "中文") chooses it, with confidence 1.0 and reason "chosen".
2. The script: mostly Han is Chinese (Simplified or Traditional), Hangul is
   Korean, Gurmukhi is Punjabi, Devanagari is Hindi (unless CLD2 is sure it
   is Nepali or Marathi), any kana is Japanese; other scripts are `OTHER`.
3. Latin script has three voters, added up per language:
   - word lists (`language_words.yml`), the only voter for Fiji Hindi and
     Hindi in Latin letters and Vietnamese without diacritics, and the main
     one for short English with typos: naive Bayes over which lists have
     each word, weighed by the share of words they know (`word_evidence`);
   - CLD2 (pycld2), which knows Māori, Samoan, Tongan and Fijian and reads
     English well, but guesses on two words;
   - lingua, restricted to English, Māori, Tagalog, Spanish and Vietnamese
     and a few languages we do not support (so that French is `OTHER`, not
     Spanish), in low-accuracy mode (trigrams: 15 MB instead of 120-220 MB,
     and as accurate here: `tools/language_id.py`).
   Where a detector does not know a language, its weight goes to the word
   lists, so every language can score as high. Mostly-English text is
   English; Māori words of everyday NZ English ("kia ora", "whānau", "mahi")
   and words every language borrows ("boss", "passport", "ok") count for no
   language. `OTHER` needs the detectors, and words no list has.

`LanguageIdentifier` is the Rasa component: it runs after `InputGuard` and puts
the language in the entity `language` (and the message property
`language_detected`), unless the web widget's data-lang (message metadata
`language`) or a typed choice says otherwise.

Only the first `MAX_CHARS` characters are read, the detectors are built once
per process, lazily, and every message takes well under a millisecond.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.safety import InputGuard
from bot.text import valid_text

logger = logging.getLogger(__name__)

WORDS_FILE = Path(__file__).with_name("language_words.yml")
ENGLISH = "en"
OTHER = "other"
# te reo Māori, Samoan, Tongan, Chinese, Hindi, Punjabi, Tagalog, Spanish,
# Korean, Vietnamese, Fijian, Fiji Hindi, English.
SUPPORTED = ("mi", "sm", "to", "zh", "hi", "pa", "tl", "es", "ko", "vi", "fj", "hif", ENGLISH)
MAX_CHARS = 500  # what is read of a message: a language shows in far less
MAX_WORDS = 80
MAX_CHOICE_WORDS = 8  # a longer message is never a choice of language
MIN_CONFIDENCE = 0.5  # below it the code is None: the conversation keeps its language

# Message properties and the entity the component sets.
LANGUAGE_DETECTED = "language_detected"
LANGUAGE_REASON = "language_reason"
LANGUAGE_ENTITY = "language"
CHOSEN = "chosen"
FROM_METADATA = "metadata"

# Latin script: each voter's weight, and the languages each detector knows.
# A language a detector does not know gets that detector's weight from the
# word lists instead.
WORD_WEIGHT, CLD2_WEIGHT, LINGUA_WEIGHT = 1.0, 0.6, 0.4
FULL_SCORE = WORD_WEIGHT + CLD2_WEIGHT + LINGUA_WEIGHT
CLD2_LATIN = frozenset({"en", "mi", "sm", "to", "fj", "tl", "es", "vi"})
LINGUA_LATIN = frozenset({"en", "mi", "tl", "es", "vi"})
# Vietnamese typed without its diacritics ("toi can giup do") is not the
# Vietnamese the detectors learnt: for text in plain ASCII they do not know it.
NEEDS_DIACRITICS = frozenset({"vi"})
# Hindi and Fiji Hindi in Latin letters score as one, then the words found in
# only one of the two lists decide (ties: Fiji Hindi; see language_words.yml).
HINDI_LATIN = "hi|hif"
LATIN_CANDIDATES = ("en", "mi", "sm", "to", "fj", "tl", "es", "vi", HINDI_LATIN, OTHER)
# The word lists' naive Bayes (word_evidence): how likely a word is in a
# language whose list lacks it, relative to one whose list has it.
MISSING = 0.05  # another language's list has it
UNLISTED = 0.3  # no list has it: a rarer word of ours, a name, a typo...
UNLISTED_OTHER = 0.5  # ... or a word of a language we do not support
LOG_MISSING, LOG_UNLISTED, LOG_UNLISTED_OTHER = map(math.log, (MISSING, UNLISTED, UNLISTED_OTHER))
# Before any word: English is the likeliest, OTHER the least.
LOG_PRIOR = {code: 0.0 for code in LATIN_CANDIDATES} | {ENGLISH: math.log(2), OTHER: math.log(0.5)}
# Languages lingua compares ours with, so that their text becomes OTHER.
LINGUA_OTHERS = ("FRENCH", "GERMAN", "INDONESIAN", "MALAY", "PORTUGUESE", "ITALIAN", "DUTCH")
LINGUA_LOW_ACCURACY = True  # trigrams only: see the module's docstring
LINGUA_OURS = {"ENGLISH": "en", "MAORI": "mi", "TAGALOG": "tl", "SPANISH": "es", "VIETNAMESE": "vi"}
# Scripts that name the language alone.
SCRIPT_LANGUAGE = {"han": "zh", "hangul": "ko", "gurmukhi": "pa", "devanagari": "hi"}
DEVANAGARI_OTHERS = frozenset({"ne", "mr"})  # Nepali, Marathi: CLD2 must be sure, on 3+ words
WIDE_SCRIPTS = frozenset({"han", "hangul", "kana"})  # a character is about a word: counts 2
# Language tags the widget may send for ours (data-lang="zh-Hans", "fil", "smo").
TAG_ALIASES = {
    "fil": "tl",
    "tgl": "tl",
    "mri": "mi",
    "mao": "mi",
    "smo": "sm",
    "ton": "to",
    "fij": "fj",
    "hin": "hi",
    "pan": "pa",
    "kor": "ko",
    "vie": "vi",
    "spa": "es",
    "zho": "zh",
    "chi": "zh",
    "cmn": "zh",
    "eng": "en",
}

_APOSTROPHES = "'’‘ʻʼ`´′"  # the kinds people type for the ʻokina and fakauʻa


@dataclass(frozen=True)
class Detection:
    """A message's language: `code` (None when unsure), how sure, and why."""

    code: str | None
    confidence: float
    reason: str


@dataclass(frozen=True)
class Lexicon:
    """language_words.yml, folded for look-up."""

    words: Mapping[str, frozenset[str]]  # folded word -> the languages that use it
    neutral: frozenset[str]
    nz_english: frozenset[tuple[str, ...]]
    longest_nz_english: int
    choose: Mapping[tuple[str, ...], str]  # folded words of a phrase -> language
    framing: frozenset[str]


class LanguageWordsError(ValueError):
    """language_words.yml is missing or malformed."""


class _WordChars(dict):
    """A str.translate table: letters and marks stay, apostrophes become "'", the rest spaces."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        if char in _APOSTROPHES:
            value = ord("'")
        elif unicodedata.category(char)[0] in "LM":
            value = code
        else:
            value = 32
        if len(self) < 100_000:
            self[code] = value
        return value


class _Scripts(dict):
    """The script of a letter, by the first word of its Unicode name; cached."""

    NAMES = {
        "LATIN": "latin",
        "MODIFIER": "latin",  # ʻ (the ʻokina) and its kin
        "DEVANAGARI": "devanagari",
        "GURMUKHI": "gurmukhi",
        "HANGUL": "hangul",
        "CJK": "han",
        "HIRAGANA": "kana",
        "KATAKANA": "kana",
        "KATAKANA-HIRAGANA": "kana",
        "HALFWIDTH": "kana",
    }

    def __missing__(self, char: str) -> str:
        name = unicodedata.name(char, "")
        value = self.NAMES.get(name.split(" ", 1)[0], "other")
        if name.startswith("HALFWIDTH") and "KATAKANA" not in name:
            value = "other"
        if len(self) < 100_000:
            self[char] = value
        return value


_WORD_CHARS = _WordChars()
_SCRIPTS = _Scripts()


@lru_cache(maxsize=20_000)
def fold(word: str) -> str:
    """`word` lower-cased, without Latin accents or macrons ("Kāore" -> "kaore", "đỡ" -> "do")."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not 0x300 <= ord(c) <= 0x36F)
    )


def tokens(text: str) -> list[str]:
    """The words of `text`, lower-cased, apostrophes as "'", none at a word's ends."""
    words = (w.strip("'") for w in text.lower().translate(_WORD_CHARS).split())
    return [w for w in words if w][:MAX_WORDS]


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in tokens(text))


@cache
def load_lexicon(path: Path = WORDS_FILE) -> Lexicon:
    """Read language_words.yml once per process."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        words: dict[str, set[str]] = defaultdict(set)
        for code, listed in raw["words"].items():
            if code not in SUPPORTED:
                raise LanguageWordsError(f"{path}: words: {code!r} is not a supported language")
            for word in _strings(listed, f"words.{code}", path):
                words[fold(word).strip("'")].add(code)
        nz_english = frozenset(_phrase(p) for p in _strings(raw["nz_english"], "nz_english", path))
        choose: dict[tuple[str, ...], str] = {}
        for code, phrases in raw["choose"].items():
            if code not in SUPPORTED:
                raise LanguageWordsError(f"{path}: choose: {code!r} is not a supported language")
            for phrase in _strings(phrases, f"choose.{code}", path):
                if choose.setdefault(_phrase(phrase), code) != code:
                    raise LanguageWordsError(f"{path}: {phrase!r} chooses two languages")
        return Lexicon(
            words={word: frozenset(codes) for word, codes in words.items()},
            neutral=frozenset(fold(w) for w in _strings(raw["neutral"], "neutral", path)),
            nz_english=nz_english,
            longest_nz_english=max((len(p) for p in nz_english), default=0),
            choose=choose,
            framing=frozenset(
                fold(w) for w in _strings(raw["choose_framing"], "choose_framing", path)
            ),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise LanguageWordsError(f"{path}: {type(exc).__name__}: {exc}") from None


def _strings(values: Any, where: str, path: Path) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise LanguageWordsError(f"{path}: {where} must be a list of words (quote yes, no, on)")
    return values


# --- The detectors: built once per process, on first use -----------------------


@cache
def lingua_detector(low_accuracy: bool = True) -> Any:
    """lingua, restricted to our Latin-script languages and a few we do not support."""
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in (*LINGUA_OURS, *LINGUA_OTHERS)]
    builder = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def lingua_votes(text: str, low_accuracy: bool | None = None) -> dict[str, float]:
    """Lingua's confidence for each of our languages it knows, and OTHER for the rest."""
    votes: dict[str, float] = defaultdict(float)
    try:
        low = LINGUA_LOW_ACCURACY if low_accuracy is None else low_accuracy
        values = lingua_detector(low).compute_language_confidence_values(text)
    except Exception:  # a detector's failure must not stop the message
        logger.exception("lingua failed")
        return votes
    for value in values:
        votes[LINGUA_OURS.get(value.language.name, OTHER)] += value.value
    return votes


def cld2_raw(text: str) -> tuple[str | None, float]:
    """CLD2's language code for `text` (None when unsure) and its percent as 0-1."""
    import pycld2  # type: ignore[import-untyped]

    try:
        reliable, _, details = pycld2.detect(text, bestEffort=True)
    except pycld2.error:
        return None, 0.0
    code, percent = details[0][1], details[0][2]
    if code == "un" or not reliable:
        return None, 0.0
    return code, percent / 100


def cld2_vote(text: str) -> tuple[str | None, float]:
    """CLD2's language for `text` (one of ours, OTHER or None) and its percent as 0-1."""
    code, sure = cld2_raw(text)
    if code is None:
        return None, 0.0
    code = "zh" if code.startswith("zh") else code
    return (code if code in SUPPORTED else OTHER), sure


def warm_up() -> None:
    """Build the word lists and detectors now, not on a person's first message."""
    load_lexicon()
    lingua_votes("warm up")
    cld2_vote("warm up")


# --- Detection -----------------------------------------------------------------


def detect(text: str | None, min_confidence: float = MIN_CONFIDENCE) -> Detection:
    """The language of `text`: see the module's docstring. Never raises."""
    try:
        return _detect(_prepare(text), min_confidence)
    except Exception:  # a bug here must not stop the message
        logger.exception("language detection failed")
        return Detection(None, 0.0, "error")


def _prepare(text: str | None) -> str:
    """The first MAX_CHARS characters, valid Unicode, NFKC, controls as spaces."""
    text = valid_text(text[:MAX_CHARS] if isinstance(text, str) else "")
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else " " for c in text)
    return text


def _detect(text: str, min_confidence: float) -> Detection:
    words = tokens(text)
    if not words:
        return Detection(None, 0.0, "no words")
    lexicon = load_lexicon()
    chosen = choice(words, lexicon)
    if chosen is not None:
        return Detection(chosen, 1.0, CHOSEN)
    found = _by_script(text, words) or _by_words_and_detectors(words, lexicon)
    if found.code is not None and found.confidence < min_confidence:
        return Detection(None, found.confidence, f"unsure ({found.code}? {found.reason})")
    return found


def choice(words: list[str], lexicon: Lexicon | None = None) -> str | None:
    """The language a message made of `words` chooses by name ("Samoan please"), if any."""
    if not words or len(words) > MAX_CHOICE_WORDS:
        return None
    lexicon = lexicon or load_lexicon()
    folded = [fold(w) for w in words]
    if tuple(folded) in lexicon.choose:
        return lexicon.choose[tuple(folded)]
    start, end = 0, len(folded)
    while start < end and folded[start] in lexicon.framing:
        start += 1
    while end > start and folded[end - 1] in lexicon.framing:
        end -= 1
    return lexicon.choose.get(tuple(folded[start:end]))


def chosen_language(text: str | None) -> str | None:
    """The language `text` chooses by name, if the whole message is such a choice."""
    try:
        return choice(tokens(_prepare(text)))
    except Exception:  # as in detect
        logger.exception("language choice failed")
        return None


def script_shares(text: str) -> Counter:
    """The share of each script among the letters of `text` (Han, Hangul, kana count 2)."""
    counts: Counter = Counter()
    for char in text:
        if char.isalpha():
            script = _SCRIPTS[char]
            counts[script] += 2 if script in WIDE_SCRIPTS else 1
    total = sum(counts.values())
    return Counter({script: n / total for script, n in counts.items()}) if total else counts


def _by_script(text: str, words: list[str]) -> Detection | None:
    """The language a non-Latin script names, or None for mostly Latin text."""
    shares = script_shares(text)
    if not shares:
        return Detection(None, 0.0, "no letters")
    if shares["latin"] >= 0.5:
        return None
    if shares["kana"] > 0 and shares["kana"] + shares["han"] > 0.5:
        return Detection(OTHER, shares["kana"] + shares["han"], "script: kana (Japanese)")
    script, share = max(((s, v) for s, v in shares.items() if s != "latin"), key=lambda x: x[1])
    code = SCRIPT_LANGUAGE.get(script, OTHER)
    if code == "hi" and len(words) >= 3:
        cld2, sure = cld2_raw(text)
        if cld2 in DEVANAGARI_OTHERS and sure >= 0.9:
            return Detection(OTHER, share * sure, f"script: {script}, cld2 {cld2}")
    return Detection(code, share, f"script: {script}")


def _content(words: list[str], lexicon: Lexicon) -> list[str]:
    """`words` without everyday-NZ-English Māori phrases and neutral words."""
    kept: list[str] = []
    index = 0
    folded = [fold(w) for w in words]
    while index < len(words):
        for size in range(min(lexicon.longest_nz_english, len(words) - index), 0, -1):
            if tuple(folded[index : index + size]) in lexicon.nz_english:
                index += size
                break
        else:
            if folded[index] not in lexicon.neutral:
                kept.append(words[index])
            index += 1
    return kept


def lookup(word: str, lexicon: Lexicon | None = None) -> frozenset[str]:
    """The languages whose lists have `word` (folded; then without apostrophes)."""
    lexicon = lexicon or load_lexicon()
    key = fold(word)
    found = lexicon.words.get(key)
    if found is None and "'" in key:
        found = lexicon.words.get(key.replace("'", ""))
    return found or frozenset()


@dataclass(frozen=True)
class WordEvidence:
    """What the word lists say about a message's content words."""

    # Each of LATIN_CANDIDATES (HINDI_LATIN for both Hindis) -> how likely,
    # from the words alone (they add up to 1).
    likely: Mapping[str, float]
    hindi: str  # "hi" or "hif": which of the two the words found in one list only favour
    known: int  # how many words are in some list


def word_evidence(words: list[str], lexicon: Lexicon | None = None) -> WordEvidence:
    """How likely each Latin-script language is, from which lists have each of `words`.

    Naive Bayes: a word in a language's list is as likely in it as any, a word
    listed for other languages but not this one is MISSING times as likely,
    and a word in no list UNLISTED times (UNLISTED_OTHER for a language we do
    not support, whose words no list has). So words shared by several
    languages say little, one word found in one list only says much, and
    text that is mostly English is English.
    """
    lexicon = lexicon or load_lexicon()
    scores = dict(LOG_PRIOR)
    marks: Counter = Counter()
    known = 0
    for word in words:
        codes = lookup(word, lexicon)
        if not codes:
            for code in scores:
                scores[code] += LOG_UNLISTED_OTHER if code == OTHER else LOG_UNLISTED
            continue
        known += 1
        merged = {HINDI_LATIN if c in ("hi", "hif") else c for c in codes}
        for code in scores:
            if code not in merged:
                scores[code] += LOG_MISSING
        if ("hi" in codes) != ("hif" in codes):
            marks["hi" if "hi" in codes else "hif"] += 1
    top = max(scores.values())
    weights = {code: math.exp(score - top) for code, score in scores.items()}
    total = sum(weights.values())
    likely = {code: weight / total for code, weight in weights.items()}
    return WordEvidence(likely, "hi" if marks["hi"] > marks["hif"] else "hif", known)


def _by_words_and_detectors(words: list[str], lexicon: Lexicon) -> Detection:
    """Latin script: the word lists, CLD2 and lingua, added up (see the module's docstring)."""
    content = _content(words, lexicon)
    if not content:
        return Detection(None, 0.0, "neutral words only")
    evidence = word_evidence(content, lexicon)
    if evidence.known == 0 and len(content) <= 2:
        return Detection(None, 0.0, "unknown words")
    joined = " ".join(content)
    cld2, cld2_sure = cld2_vote(joined)
    lingua = lingua_votes(joined)
    # The lists' vote for a language counts as much as the share of words they
    # know (softened): with three unknown words of five ("meu chefe pegou meu
    # passaporte") the detectors decide, even if "meu" is Fijian. Unknown
    # words are the lists' evidence for OTHER, which keeps its whole vote.
    coverage = math.sqrt(evidence.known / len(content))
    words_vote = {
        code: likely if code == OTHER else likely * coverage
        for code, likely in evidence.likely.items()
    }
    known = _known_to_detectors(joined)
    scores = _scores(words_vote, cld2, cld2_sure, lingua, known)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, score), runner_up = ranked[0], ranked[1][1]
    lingua_best = max(lingua, key=lingua.__getitem__, default=None)
    if evidence.known == 0 and not cld2 == lingua_best == best:
        # No listed word: only the two detectors agreeing is enough.
        return Detection(None, 0.0, "unknown words")
    confidence = score / max(_attainable(best, coverage, known), score + runner_up)
    voters = [
        name
        for name, vote in (
            ("words", max(evidence.likely, key=evidence.likely.__getitem__)),
            ("cld2", cld2),
            ("lingua", lingua_best),
        )
        if vote == best
    ]
    code = evidence.hindi if best == HINDI_LATIN else best
    return Detection(code, round(min(1.0, confidence), 3), "+".join(voters) or "weak")


def _known_to_detectors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The languages CLD2 and lingua can tell in `text` (NEEDS_DIACRITICS not in plain ASCII)."""
    blind = NEEDS_DIACRITICS if text.isascii() else frozenset()
    return (CLD2_LATIN | {OTHER}) - blind, (LINGUA_LATIN | {OTHER}) - blind


def _attainable(code: str, coverage: float, known: tuple[frozenset[str], frozenset[str]]) -> float:
    """The most `code` could score with the words the lists know (see _scores)."""
    if code == OTHER:
        return FULL_SCORE
    cld2 = CLD2_WEIGHT if code in known[0] else CLD2_WEIGHT * coverage
    lingua = LINGUA_WEIGHT if code in known[1] else LINGUA_WEIGHT * coverage
    return WORD_WEIGHT * coverage + cld2 + lingua


def _scores(
    likely: Mapping[str, float],
    cld2: str | None,
    cld2_sure: float,
    lingua: Mapping[str, float],
    known: tuple[frozenset[str], frozenset[str]],
) -> dict[str, float]:
    """Each candidate's score: the voters' weights times their votes, up to FULL_SCORE."""
    scores: dict[str, float] = {}
    for code in LATIN_CANDIDATES:
        words = likely.get(code, 0.0)
        cld2_part = cld2_sure * (cld2 == code) if code in known[0] else words
        lingua_part = lingua.get(code, 0.0) if code in known[1] else words
        scores[code] = WORD_WEIGHT * words + CLD2_WEIGHT * cld2_part + LINGUA_WEIGHT * lingua_part
    return scores


def language_tag(value: Any) -> str | None:
    """One of our codes for a language tag ("sm", "zh-Hans", "fil", "en_NZ"), else None."""
    if not isinstance(value, str):
        return None
    tag = value.strip().lower().replace("_", "-")
    if tag in SUPPORTED:
        return tag
    primary = tag.split("-", 1)[0]
    primary = TAG_ALIASES.get(primary, primary)
    return primary if primary in SUPPORTED else None


def for_message(
    text: str | None, metadata: Any = None, min_confidence: float = MIN_CONFIDENCE
) -> Detection:
    """The language of a message: a typed choice, else the metadata's, else `detect`.

    The widget's data-lang comes as metadata `language` and wins over what
    the text looks like; a message that names a language ("English please")
    is the person's latest choice and wins over both.
    """
    chosen = chosen_language(text)
    if chosen is not None:
        return Detection(chosen, 1.0, CHOSEN)
    tagged = language_tag(metadata.get(LANGUAGE_ENTITY)) if isinstance(metadata, dict) else None
    if tagged is not None:
        return Detection(tagged, 1.0, FROM_METADATA)
    return detect(text, min_confidence)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class LanguageIdentifier(GraphComponent):
    """Right after InputGuard: names each message's language in the entity `language`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's settings unless config.yml gives them."""
        return {"min_confidence": MIN_CONFIDENCE}

    def __init__(self, config: dict[str, Any]) -> None:
        self._min_confidence = float(config.get("min_confidence", MIN_CONFIDENCE))
        warm_up()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        """Make the component with config.yml's settings over the defaults."""
        return cls({**cls.get_default_config(), **config})

    @classmethod
    def required_components(cls) -> list[type]:
        """InputGuard, which cleans the text this component reads."""
        return [InputGuard]

    def process(self, messages: list[Message]) -> list[Message]:
        """Set each message's language (property and entity), or None when unsure."""
        for message in messages:
            text = message.get(TEXT) or ""
            found = for_message(text, message.get(METADATA), self._min_confidence)
            message.set(LANGUAGE_DETECTED, found.code, add_to_output=True)
            message.set(LANGUAGE_REASON, found.reason, add_to_output=True)
            if found.code is not None:
                self._set_entity(message, found, len(text))
        return messages

    @staticmethod
    def _set_entity(message: Message, found: Detection, length: int) -> None:
        """Put the entity `language` (and no other of that name) on the message."""
        entities = [
            e
            for e in message.get(ENTITIES) or []
            if e.get(ENTITY_ATTRIBUTE_TYPE) != LANGUAGE_ENTITY
        ]
        entities.append(
            {
                ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
                ENTITY_ATTRIBUTE_VALUE: found.code,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: length,
                EXTRACTOR: "LanguageIdentifier",
                ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: found.confidence,
            }
        )
        message.set(ENTITIES, entities, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing at training time: the examples are English."""
        return training_data
