"""Metrics on the evaluation set and the gate: is a new model not worse than the active one?

Metrics (one dict, stored with each model in the registry):

- ``intent``: accuracy, macro F1 and per-intent precision / recall / F1 / support on the
  frozen NLU hold-out (``data/eval/nlu_holdout.yml``);
- ``stories``: the end-to-end test stories (``tests/stories``): accuracy and which
  passed / failed;
- ``routing``: the competence routing cases (``data/eval/routing_cases.yml``): share of
  cases routed to an accepted route;
- the flat summary ``intent_accuracy``, ``intent_f1``, ``story_accuracy``,
  ``routing_accuracy`` (what ``borger models list`` shows).

The gate compares per intent and per story: a story that passed and now fails, an intent
whose F1 drops by more than the intent tolerance, or a summary figure that drops by more
than the tolerance refuses the new model. Reasons are Danish (the office reads them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence, Tuple

Metrics = Dict[str, Any]

SUMMARY = {
    "intent_accuracy": "træfsikkerhed for hensigter",
    "intent_f1": "F1 for hensigter (gennemsnit)",
    "story_accuracy": "testhistorier, der består",
    "routing_accuracy": "rigtige henvisninger",
}


def intent_metrics(gold: Sequence[str], predicted: Sequence[str]) -> Metrics:
    """Accuracy, macro F1 and per-intent figures (intents of the gold labels)."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = sorted(set(gold))
    if not labels:
        return {"n": 0, "accuracy": 0.0, "macro_f1": 0.0, "per_intent": {}}
    precision, recall, f1, support = precision_recall_fscore_support(
        list(gold), list(predicted), labels=labels, zero_division=0
    )
    per_intent = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(list(gold), list(predicted))), 4),
        "macro_f1": round(sum(float(x) for x in f1) / len(labels), 4),
        "per_intent": per_intent,
    }


def story_metrics(results: Dict[str, bool]) -> Metrics:
    passed = sorted(name for name, ok in results.items() if ok)
    failed = sorted(name for name, ok in results.items() if not ok)
    n = len(results)
    return {
        "n": n,
        "accuracy": round(len(passed) / n, 4) if n else 1.0,
        "passed": passed,
        "failed": failed,
    }


def routing_metrics(results: Sequence[Tuple[str, bool]]) -> Metrics:
    """(gold route, right?) per case: accuracy and per gold route."""
    per_route: Dict[str, Dict[str, int]] = {}
    for route, ok in results:
        row = per_route.setdefault(route, {"n": 0, "ok": 0})
        row["n"] += 1
        row["ok"] += int(ok)
    n = len(results)
    right = sum(int(ok) for _, ok in results)
    return {"n": n, "accuracy": round(right / n, 4) if n else 1.0, "per_route": per_route}


def combine(intent: Metrics, stories: Metrics, routing: Metrics) -> Metrics:
    return {
        "intent_accuracy": intent["accuracy"],
        "intent_f1": intent["macro_f1"],
        "story_accuracy": stories["accuracy"],
        "routing_accuracy": routing["accuracy"],
        "intent": intent,
        "stories": stories,
        "routing": routing,
    }


@dataclass
class Verdict:
    ok: bool
    reasons: List[str] = field(default_factory=list)  # why it is worse (Danish)
    better: List[str] = field(default_factory=list)  # what improved (Danish)

    @property
    def text(self) -> str:
        if self.ok:
            return "Den nye model er ikke dårligere end den aktive" + (
                " (" + "; ".join(self.better) + ")." if self.better else "."
            )
        return "Den nye model er dårligere end den aktive: " + "; ".join(self.reasons) + "."


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %".replace(".", ",")


def compare(
    candidate: Metrics, active: Metrics | None, *, tolerance: float, intent_tolerance: float
) -> Verdict:
    """Is ``candidate`` not worse than ``active`` (per intent, per story, in summary)?"""
    if not active:
        return Verdict(ok=True, better=["der er ingen aktiv model at sammenligne med"])
    reasons: List[str] = []
    better: List[str] = []
    for key, label in SUMMARY.items():
        new, old = candidate.get(key), active.get(key)
        if new is None or old is None:
            continue
        if new < old - tolerance:
            reasons.append(f"{label} faldt fra {_pct(old)} til {_pct(new)}")
        elif new > old:
            better.append(f"{label} steg fra {_pct(old)} til {_pct(new)}")
    new_intents = candidate.get("intent", {}).get("per_intent", {})
    old_intents = active.get("intent", {}).get("per_intent", {})
    for intent in sorted(set(new_intents) & set(old_intents)):
        new_f1, old_f1 = new_intents[intent]["f1"], old_intents[intent]["f1"]
        if new_f1 < old_f1 - intent_tolerance:
            reasons.append(f"hensigten '{intent}' faldt fra F1 {_pct(old_f1)} til {_pct(new_f1)}")
    old_passed = set(active.get("stories", {}).get("passed", []))
    now_failed = set(candidate.get("stories", {}).get("failed", []))
    for story in sorted(old_passed & now_failed):
        reasons.append(f"testhistorien '{story}' bestod før, men fejler nu")
    return Verdict(ok=not reasons, reasons=reasons, better=better)
