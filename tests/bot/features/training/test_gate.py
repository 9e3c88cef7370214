"""The gate: per intent, per story and the summary figures, with the tolerances."""

from __future__ import annotations

from bot.features.training.gate import compare, intent_metrics, story_metrics
from tests.bot.features.training.helpers import metrics

ACTIVE = metrics({"greet": 1.0, "skat": 0.9, "sundhed": 0.8}, passed=["a", "b"])


def test_per_intent_figures() -> None:
    m = intent_metrics(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert m["accuracy"] == 0.75
    assert m["per_intent"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert m["per_intent"]["b"]["f1"] == 0.8
    assert m["macro_f1"] == round((0.6667 + 0.8) / 2, 4)


def test_story_figures() -> None:
    assert story_metrics({"x": True, "y": False}) == {
        "n": 2, "accuracy": 0.5, "passed": ["x"], "failed": ["y"]
    }


def test_an_equal_or_better_model_passes() -> None:
    better = metrics({"greet": 1.0, "skat": 1.0, "sundhed": 0.8}, passed=["a", "b"])
    verdict = compare(better, ACTIVE, tolerance=0.01, intent_tolerance=0.1)
    assert verdict.ok
    assert "steg" in verdict.text


def test_one_intent_that_drops_more_than_the_tolerance_refuses() -> None:
    worse = metrics({"greet": 1.0, "skat": 0.6, "sundhed": 1.0}, passed=["a", "b"])
    verdict = compare(worse, ACTIVE, tolerance=0.5, intent_tolerance=0.1)
    assert not verdict.ok
    assert verdict.reasons == ["hensigten 'skat' faldt fra F1 94,7 % til 75,0 %"]


def test_a_drop_within_the_intent_tolerance_passes() -> None:
    slightly = metrics({"greet": 1.0, "skat": 0.8, "sundhed": 0.8}, passed=["a", "b"])
    assert compare(slightly, ACTIVE, tolerance=0.5, intent_tolerance=0.1).ok
    assert not compare(slightly, ACTIVE, tolerance=0.5, intent_tolerance=0.01).ok


def test_a_story_that_passed_and_now_fails_refuses() -> None:
    broken = metrics({"greet": 1.0, "skat": 0.9, "sundhed": 0.8}, passed=["a"], failed=["b"])
    verdict = compare(broken, ACTIVE, tolerance=1.0, intent_tolerance=1.0)
    assert not verdict.ok
    assert "testhistorien 'b' bestod før, men fejler nu" in verdict.reasons


def test_a_story_that_failed_before_may_still_fail() -> None:
    active = metrics({"greet": 1.0}, passed=["a"], failed=["b"])
    same = metrics({"greet": 1.0}, passed=["a"], failed=["b"])
    assert compare(same, active, tolerance=0.0, intent_tolerance=0.0).ok


def test_without_an_active_model_anything_passes() -> None:
    assert compare(ACTIVE, None, tolerance=0.0, intent_tolerance=0.0).ok
