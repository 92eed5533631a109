"""Evaluate language identification on short labelled messages.

    .venv/bin/python -m tools.language_id                 # tests/nlu/language_id.yml
    .venv/bin/python -m tools.language_id --data FILE --errors

The labelled set is YAML: `language_id:` mapping a code (those of
bot/nlu/language.py, `other` for a language we do not support, `none` for
messages that name no language, such as "ok" or "123") to a list of messages.

For each detector it prints the accuracy per language, the overall accuracy,
how many messages it switched to a wrong language (worse than being unsure,
which keeps the conversation's language) and the time per message (median
and 95th percentile over the messages, each the best of `--repeat` runs):

- detect: bot.nlu.language.detect, as the assistant runs it (lingua in
  low-accuracy mode), and the same with lingua in high-accuracy mode;
- lingua alone, restricted to the languages it knows of ours and a few
  others, high-accuracy mode (its best), unsure when it says so;
- pycld2 alone;
- word lists alone (bot/nlu/language_words.yml): the likeliest language from
  the lists' naive Bayes, if at least one word is listed and it is at least
  0.5 likely (None for every non-Latin script: the lists are Latin).

The word lists were written apart from tests/nlu/language_id.yml, so the
figures on it are held out. Nothing here fails a build.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.nlu import language
from bot.nlu.language import (
    HINDI_LATIN,
    LINGUA_OTHERS,
    OTHER,
    SUPPORTED,
    cld2_vote,
    load_lexicon,
    tokens,
    word_evidence,
)

DATA = Path("tests/nlu/language_id.yml")
NONE = "none"  # the label of messages that name no language
Detector = Callable[[str], "str | None"]


def read_labelled(path: Path) -> list[tuple[str, str]]:
    """(label, message) pairs from a `language_id:` file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["language_id"]
    pairs = []
    for label, messages in raw.items():
        label = str(label)
        if label not in (*SUPPORTED, OTHER, NONE):
            raise SystemExit(f"{path}: unknown label {label!r}")
        pairs += [(label, "" if m is None else str(m)) for m in messages or []]
    return pairs


def final(text: str) -> str | None:
    """bot.nlu.language.detect, as the assistant runs it."""
    return language.detect(text).code


def final_high_accuracy(text: str) -> str | None:
    """Detect with lingua in high-accuracy mode (all its n-gram models)."""
    before = language.LINGUA_LOW_ACCURACY
    language.LINGUA_LOW_ACCURACY = False
    try:
        return language.detect(text).code
    finally:
        language.LINGUA_LOW_ACCURACY = before


@cache
def _lingua_alone() -> tuple[Any, dict[str, str]]:
    from lingua import Language, LanguageDetectorBuilder

    ours = {
        "ENGLISH": "en",
        "MAORI": "mi",
        "TAGALOG": "tl",
        "SPANISH": "es",
        "VIETNAMESE": "vi",
        "HINDI": "hi",
        "PUNJABI": "pa",
        "KOREAN": "ko",
        "CHINESE": "zh",
    }
    others = (*LINGUA_OTHERS, "JAPANESE", "RUSSIAN", "ARABIC", "THAI", "GREEK", "BENGALI")
    languages = [getattr(Language, name) for name in (*ours, *others)]
    detector = (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )
    return detector, ours


def lingua_alone(text: str) -> str | None:
    """Lingua's language for the text, mapped to ours or OTHER; None when it is unsure."""
    detector, ours = _lingua_alone()
    found = detector.detect_language_of(text[: language.MAX_CHARS])
    return None if found is None else ours.get(found.name, OTHER)


def cld2_alone(text: str) -> str | None:
    """CLD2's language, mapped to ours or OTHER; None when it is unsure."""
    return cld2_vote(language._prepare(text))[0]


def words_alone(text: str) -> str | None:
    """The word lists' language, when it has at least half of the message's words."""
    lexicon = load_lexicon()
    words = language._content(tokens(language._prepare(text)), lexicon)
    evidence = word_evidence(words, lexicon)
    if not evidence.known:
        return None
    best = max(evidence.likely, key=evidence.likely.__getitem__)
    if evidence.likely[best] < 0.5:
        return None
    return evidence.hindi if best == HINDI_LATIN else best


DETECTORS: dict[str, Detector] = {
    "detect": final,
    "detect (lingua high)": final_high_accuracy,
    "lingua alone": lingua_alone,
    "pycld2 alone": cld2_alone,
    "words alone": words_alone,
}


def evaluate(detector: Detector, pairs: list[tuple[str, str]], repeat: int) -> dict[str, Any]:
    """Accuracy per label and overall, wrong switches, and time per message in ms."""
    for _, text in pairs[:5]:  # build the detectors before timing
        detector(text)
    right: dict[str, list[int]] = {}
    wrong_switch = 0
    times = []
    errors = []
    for label, text in pairs:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            code = detector(text)
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
        expected = None if label == NONE else label
        ok = code == expected
        right.setdefault(label, []).append(ok)
        if not ok:
            errors.append((label, code, text))
            wrong_switch += code is not None
    every = [ok for oks in right.values() for ok in oks]
    quantiles = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
    return {
        "per_label": {label: sum(oks) / len(oks) for label, oks in right.items()},
        "counts": {label: len(oks) for label, oks in right.items()},
        "overall": sum(every) / len(every) if every else 0.0,
        "wrong_switch": wrong_switch,
        "median_ms": statistics.median(times) if times else 0.0,
        "p95_ms": quantiles[18],
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the table of accuracy and speed for each detector."""
    parser = argparse.ArgumentParser(description="Evaluate language identification.")
    parser.add_argument("--data", type=Path, default=DATA, help="labelled messages (YAML)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per message (best)")
    parser.add_argument("--errors", action="store_true", help="list detect's mistakes")
    args = parser.parse_args(argv)
    if not args.data.exists():
        raise SystemExit(f"{args.data}: no such file (give one with --data)")
    pairs = read_labelled(args.data)
    results = {name: evaluate(d, pairs, args.repeat) for name, d in DETECTORS.items()}
    labels = list(dict.fromkeys(label for label, _ in pairs))
    counts = results["detect"]["counts"]
    print(f"{len(pairs)} messages from {args.data}\n")
    print(f"{'label':<8}{'n':>5}" + "".join(f"{name:>22}" for name in results))
    for label in labels:
        cells = "".join(f"{r['per_label'][label]:>22.1%}" for r in results.values())
        print(f"{label:<8}{counts[label]:>5}{cells}")
    rows = [
        ("overall", lambda r: f"{r['overall']:.1%}"),
        ("wrong", lambda r: str(r["wrong_switch"])),
        ("ms med", lambda r: f"{r['median_ms']:.3f}"),
        ("ms p95", lambda r: f"{r['p95_ms']:.3f}"),
    ]
    for name, cell in rows:
        print(f"{name:<8}{'':>5}" + "".join(f"{cell(r):>22}" for r in results.values()))
    print("\nwrong: messages switched to a wrong language (unsure is not counted)")
    if args.errors:
        print("\ndetect's mistakes (expected -> got):")
        for label, code, text in results["detect"]["errors"]:
            print(f"  {label:>5} -> {code!s:<6} {text[:70]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
