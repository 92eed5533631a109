"""The held-out evaluation scores honestly: fallbacks count as misses."""

from __future__ import annotations

import pytest

from tools.evaluate_nlu import load_test_examples, predicted_label, runner_up, score


def test_predicted_label_reads_the_intent_name():
    assert predicted_label({"intent": {"name": "greet", "confidence": 0.9}}) == "greet"
    assert predicted_label({"intent": None}) == "None"


def test_macro_f1_counts_fallbacks_as_misses():
    gold = ["greet", "greet", "thank", "thank"]
    result = score(gold, ["greet", "nlu_fallback", "thank", "thank"])
    assert result["accuracy"] == 0.75
    # greet: p=1, r=.5, f1=.667; thank: p=1, r=1, f1=1 -> macro .833
    assert result["macro_f1"] == pytest.approx((2 / 3 + 1) / 2)
    assert set(result["per_label"]) == {"greet", "thank"}


def test_perfect_predictions_score_one():
    gold = ["a", "b", "c"]
    assert score(gold, list(gold))["macro_f1"] == 1.0


def test_held_out_file_loads_with_labels():
    examples = load_test_examples("tests/nlu/test_nlu.yml")
    assert len(examples) >= 8 * 20
    assert all(text and label for text, label in examples)


def test_runner_up_looks_past_the_fallback():
    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "greet", "confidence": 0.41},
        ],
    }
    assert runner_up(parse) == ("greet", 0.41)
    assert runner_up({}) == ("None", 0.0)


def test_a_held_out_set_is_given_as_file_gate_and_report():
    import argparse
    from pathlib import Path

    from tools.evaluate_nlu import held_out_set

    assert held_out_set("tests/nlu/a.yml:0.93:results/a.json") == (
        Path("tests/nlu/a.yml"),
        0.93,
        Path("results/a.json"),
    )
    with pytest.raises(argparse.ArgumentTypeError):
        held_out_set("tests/nlu/a.yml:high")
