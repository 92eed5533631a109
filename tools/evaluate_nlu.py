"""Evaluate the trained model on the held-out NLU test set.

Each intent is a class (every FAQ topic has its own intent). A message the
FallbackClassifier rejects is predicted as `nlu_fallback` and counts as wrong.

    python -m tools.evaluate_nlu --min-f1 0.95

Writes results/nlu_eval.json and exits with 1 when macro-F1 is below --min-f1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

from bot.logs import quiet_structlog

DEFAULT_TEST_DATA = Path("tests/nlu/test_nlu.yml")
DEFAULT_OUT = Path("results/nlu_eval.json")


def predicted_label(parse: dict[str, Any]) -> str:
    """The intent name of a parse result ('None' when there is none)."""
    return (parse.get("intent") or {}).get("name") or "None"


def load_test_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU YAML file."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


NON_ENGLISH = "non_english"


def answered_now(examples: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    """The examples, less `non_english` ones in a language answered now.

    Those labels no longer hold: the language is one the assistant now answers
    in (bot/nlu/language.py). The English sets were written when every other
    language was `non_english`; such a message now gets its real intent, in its
    language, and the
    multilingual set (tests/nlu/test_multilingual.yml) measures those. Returns
    the examples kept and how many were left out.
    """
    from bot.nlu.language import OTHER, detect

    kept = [
        (text, intent)
        for text, intent in examples
        if intent != NON_ENGLISH or detect(text).code in (None, OTHER, "en")
    ]
    return kept, len(examples) - len(kept)


def score(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Per-label precision/recall/F1 and macro-F1 over the labels in `gold`."""
    from sklearn.metrics import classification_report, f1_score

    labels = sorted(set(gold))
    report = classification_report(
        gold, predicted, labels=labels, output_dict=True, zero_division=0
    )
    return {
        "macro_f1": f1_score(gold, predicted, labels=labels, average="macro", zero_division=0),
        "accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold),
        "per_label": {label: report[label] for label in labels},
    }


def runner_up(parse: dict[str, Any]) -> tuple[str, float]:
    """The best real intent and its confidence, looking past `nlu_fallback`."""
    for ranked in parse.get("intent_ranking") or []:
        if ranked.get("name") != "nlu_fallback":
            return ranked["name"], round(float(ranked["confidence"]), 3)
    return "None", 0.0


async def predict(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    """Parse each text with the trained model (NLU only, nothing is stored)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(t) for t in texts]


def latest_model(models_dir: Path = Path("models")) -> Path:
    """The model Rasa itself would use (`rasa shell`, `rasa test`): the newest in models/.

    The project's one rule for models: every tool and test takes this one.
    """
    from rasa.exceptions import ModelNotFound
    from rasa.model import get_local_model

    try:
        return Path(get_local_model(str(models_dir)))
    except ModelNotFound:
        raise SystemExit(f"No trained model in {models_dir}/: run `rasa train` first.") from None


def evaluate(parses: list[dict[str, Any]], examples: list[tuple[str, str]], out: Path) -> dict:
    """Score parses against the examples' labels, write the result to `out`, print it."""
    gold = [label for _, label in examples]
    predicted = [predicted_label(p) for p in parses]
    result = score(gold, predicted)
    result["errors"] = [
        {"text": t, "expected": g, "predicted": p, "best_intent": runner_up(parse)}
        for (t, g), p, parse in zip(examples, predicted, parses, strict=True)
        if g != p
    ]
    result["examples"] = len(examples)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")

    width = max(len(label) for label in result["per_label"])
    print(f"{'label':<{width}}  precision  recall  f1     n")
    for label, row in result["per_label"].items():
        print(
            f"{label:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}"
            f"  {row['f1-score']:.3f}  {int(row['support'])}"
        )
    for error in result["errors"]:
        best, confidence = error["best_intent"]
        print(
            f"MISS {error['expected']} -> {error['predicted']}"
            f" (best {best} {confidence}): {error['text']}"
        )
    print(
        f"held-out examples: {len(examples)}; accuracy {result['accuracy']:.3f}; "
        f"intent macro-F1 {result['macro_f1']:.3f}"
    )
    return result


def held_out_set(value: str) -> tuple[Path, float, Path]:
    """FILE:MIN_F1:OUT, as given to --set."""
    try:
        data, min_f1, out = value.split(":")
        return Path(data), float(min_f1), Path(out)
    except ValueError:
        raise argparse.ArgumentTypeError("expected FILE:MIN_F1:OUT") from None


def main(argv: list[str] | None = None) -> int:
    """Command line: score the model on held-out data; 1 below a set's minimum F1.

    One set with --data, --min-f1 and --out, or several with --set FILE:MIN_F1:OUT
    (repeated): the model is loaded once for all of them.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model archive (default: newest)")
    parser.add_argument("--data", type=Path, default=DEFAULT_TEST_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-f1", type=float, default=0.0)
    parser.add_argument(
        "--set",
        type=held_out_set,
        action="append",
        metavar="FILE:MIN_F1:OUT",
        help="a held-out set, its gate and its report (repeat for several)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    quiet_structlog()

    sets = args.set or [(args.data, args.min_f1, args.out)]
    loaded = []
    for data, min_f1, out in sets:
        examples, left_out = answered_now(load_test_examples(data))
        if left_out:
            print(f"{data}: {left_out} non_english messages in languages answered now left out")
        loaded.append((examples, min_f1, out, data))
    texts = [[t for t, _ in examples] for examples, _, _, _ in loaded]
    all_parses = asyncio.run(predict(args.model or latest_model(), [t for ts in texts for t in ts]))
    failed = False
    start = 0
    for examples, min_f1, out, data in loaded:
        parses = all_parses[start : start + len(examples)]
        start += len(examples)
        print(f"=== {data}")
        result = evaluate(parses, examples, out)
        if result["macro_f1"] < min_f1:
            print(f"FAIL: macro-F1 {result['macro_f1']:.3f} on {data} is below {min_f1}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
