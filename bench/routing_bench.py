"""Competence routing: the frozen set first, a baseline beside it, cross-validation, latency.

    .venv/bin/python bench/routing_bench.py [--model FILE] [--no-model] [--json]
                                            [--rasa-cv] [--folds K]

Headline: bench/data/routing_frozen.yml (issue 11), used for scoring only, never for
training, keywords or rules. On the same cases:
- the live decision: Rasa NLU parse of the redacted text ->
  bot.features.competence.routing.decide with the file's `today`, exactly what `borger route` does
  (the same NLU-only loading, bot.rasa.model.NluModel: the dialogue policies are not loaded);
- a baseline: TF-IDF (word 1-2 + char_wb 2-5-grams) + logistic regression trained on all
  of data/nlu, its intent mapped to a route by content/competence.yml (no route = wrong).
Fine: the route is in `accept` (or is `route`). Coarse: its coarse route (competence.yml)
is that of an accepted route. For the live decision also how often it asks a clarifying
question and how accurate it is when it answers; a confusion table per gold route.
Then k-fold CV of data/nlu (baseline always; `rasa test nlu --cross-validation` with
--rasa-cv, which trains the pipeline k times), the sets that were tuned on
(shared/eval/routing_dev.yml, bench/data/routing_holdout.yml: optimistic) and parse
latency over the frozen texts. A benchmark: it prints, it never asserts.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_bench import pct  # noqa: E402
from bot.core.privacy import redact  # noqa: E402
from bot.features.competence.content import CompetenceData, load_competence  # noqa: E402
from bot.features.competence.routing import Parse, decide  # noqa: E402
from bot.rasa.model import NluModel, latest_model  # noqa: E402

FROZEN = ROOT / "bench" / "data" / "routing_frozen.yml"
TUNED_ON = {
    "routing_dev.yml": ROOT.parent / "shared" / "eval" / "routing_dev.yml",
    "routing_holdout.yml": ROOT / "bench" / "data" / "routing_holdout.yml",
}
COMPETENCE = ROOT / "content" / "competence.yml"
NLU_DIR = ROOT / "data" / "nlu"
Summary = Dict[str, Any]


@dataclass(frozen=True)
class Case:
    text: str
    route: str
    accept: Tuple[str, ...]  # every right route; just `route` when the file gives none


def load_cases(path: Path) -> Tuple[date, List[Case]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [
        Case(str(c["text"]), str(c["route"]), tuple(c.get("accept") or [c["route"]]))
        for c in raw["cases"]
    ]
    return date.fromisoformat(str(raw["today"])), cases


def nlu_examples() -> List[Tuple[str, str]]:
    """(text, intent) for every example in data/nlu."""
    out = []
    for f in sorted(NLU_DIR.glob("*.yml")):
        raw = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for block in raw.get("nlu", []):
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out.append((line[2:].strip(), block["intent"]))
    return out


def coarse_of(route: str, data: CompetenceData) -> str:
    return data.routes[route].coarse if route in data.routes else route


def score(cases: Sequence[Case], pred: Sequence[str], data: CompetenceData) -> Summary:
    pairs = list(zip(cases, pred, strict=True))
    fine = sum(p in c.accept for c, p in pairs)
    coarse = sum(coarse_of(p, data) in {coarse_of(a, data) for a in c.accept} for c, p in pairs)
    n = len(pairs)
    return {"n": n, "fine": fine / n if n else 0.0, "coarse": coarse / n if n else 0.0}


def confusion(cases: Sequence[Case], pred: Sequence[str]) -> Dict[str, Summary]:
    """Per gold route: cases, right ones, every predicted route and the wrong ones."""
    rows: Dict[str, Summary] = {}
    for c, p in zip(cases, pred, strict=True):
        row = rows.setdefault(
            c.route, {"n": 0, "ok": 0, "predicted": collections.Counter(), "wrong": {}}
        )
        row["n"] += 1
        row["ok"] += p in c.accept
        row["predicted"][p] += 1
        if p not in c.accept:
            row["wrong"][p] = row["wrong"].get(p, 0) + 1
    for row in rows.values():
        row["predicted"] = dict(row["predicted"].most_common())
    return rows


def baseline_model() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        ),
        LogisticRegression(C=10, max_iter=3000),
    )


def baseline_cv(examples: Sequence[Tuple[str, str]], folds: int) -> Summary:
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    texts, intents = [t for t, _ in examples], [i for _, i in examples]
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    pred = cross_val_predict(baseline_model(), texts, intents, cv=cv)
    return {
        "folds": folds,
        "n": len(texts),
        "intents": len(set(intents)),
        "accuracy": float(accuracy_score(intents, pred)),
        "macro_f1": float(f1_score(intents, pred, average="macro")),
    }


def rasa_cv(folds: int) -> Summary:
    with tempfile.TemporaryDirectory(prefix="routing-cv-") as out:
        cmd = [sys.executable, "-m", "rasa", "test", "nlu", "--cross-validation"]
        cmd += ["--folds", str(folds), "--config", "config.yml", "--nlu", "data/nlu", "--out", out]
        done = subprocess.run(cmd, cwd=ROOT, stdout=sys.stdout, check=False)  # noqa: S603
        report = Path(out) / "intent_report.json"
        if done.returncode or not report.exists():
            return {"folds": folds, "error": f"rasa test nlu exited with {done.returncode}"}
        rep = json.loads(report.read_text(encoding="utf-8"))
        return {
            "folds": folds,
            "accuracy": float(rep["accuracy"]),
            "macro_f1": float(rep["macro avg"]["f1-score"]),
        }


def live_summary(
    cases: Sequence[Case], routes: Sequence[str], questions: Sequence[str | None], data: Any
) -> Summary:
    asked = [q is not None for q in questions]
    answered = [(c, r) for c, r, a in zip(cases, routes, asked, strict=True) if not a]
    return {
        **score(cases, routes, data),
        "questions": {
            "asked": sum(asked),
            "rate": sum(asked) / len(cases) if cases else 0.0,
            "kinds": dict(collections.Counter(q for q in questions if q).most_common()),
        },
        "answered": score([c for c, _ in answered], [r for _, r in answered], data),
        "confusion": confusion(cases, routes),
    }


def evaluate(
    path: Path,
    data: CompetenceData,
    base: Any,
    model: NluModel | None,
    latencies: List[float] | None = None,
) -> Summary:
    """Both systems on one case file; the live one only with a model."""
    today, cases = load_cases(path)
    texts = [redact(c.text) for c in cases]  # what `borger route` hands the NLU
    base_pred = [data.route_for_intent(i) or f"({i})" for i in base.predict(texts)]
    out: Summary = {"file": str(path), "today": today.isoformat(), "n": len(cases)}
    out["baseline"] = {**score(cases, base_pred, data), "confusion": confusion(cases, base_pred)}
    if model is not None:
        routes, questions = [], []
        for text in texts:
            t = time.perf_counter()
            parse = model.parse(text)
            if latencies is not None:
                latencies.append((time.perf_counter() - t) * 1000)
            decision = decide(Parse.from_rasa(parse), today, data)
            routes.append(decision.route)
            questions.append(decision.question)
        out["live"] = live_summary(cases, routes, questions, data)
    return out


def line(name: str, s: Summary) -> str:
    return f"  {name:<28} fine {s['fine']:6.1%}   coarse {s['coarse']:6.1%}   (n={s['n']})"


def print_confusion(title: str, table: Dict[str, Summary]) -> None:
    print(f"\n{title} (gold -> wrong predictions; worst first; '(x)' = intent x has no route):")
    for gold, row in sorted(table.items(), key=lambda kv: (kv[1]["ok"] / kv[1]["n"], kv[0])):
        wrong = ", ".join(f"{p} {k}" for p, k in sorted(row["wrong"].items(), key=lambda x: -x[1]))
        print(f"  {gold:<37} {row['ok']:>3}/{row['n']:<3} {row['ok'] / row['n']:6.1%}  {wrong}")


def print_cv(name: str, s: Summary) -> None:
    if "error" in s:
        print(f"  {name:<36} {s['error']}")
    else:
        print(f"  {name:<36} intent accuracy {s['accuracy']:6.1%}   macro F1 {s['macro_f1']:6.1%}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="model file (default: the newest in models/)")
    ap.add_argument("--no-model", action="store_true", help="only the baseline and baseline CV")
    ap.add_argument("--json", action="store_true", help="machine-readable summary on stdout")
    ap.add_argument("--rasa-cv", action="store_true", help="also CV of the Rasa pipeline (slow)")
    ap.add_argument("--folds", type=int, default=5, help="folds for cross-validation (5)")
    args = ap.parse_args()
    stdout = sys.stdout
    if args.json:  # the report (and Rasa's chatter) on stderr, only the JSON on stdout
        sys.stdout = sys.stderr

    missing = [str(p) for p in (FROZEN, COMPETENCE, NLU_DIR) if not p.exists()]
    if missing:
        print(f"missing input: {', '.join(missing)}", file=sys.stderr)
        return 2
    data = load_competence(COMPETENCE)
    examples = nlu_examples()
    summary: Summary = {"model": None}
    model = None
    if not args.no_model:
        model_path = Path(args.model) if args.model else latest_model(ROOT / "models")
        if model_path is None or not model_path.exists():
            print(f"No model ({model_path}): run `borger train` or use --no-model", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        try:
            model = NluModel(model_path)
        except Exception as exc:  # e.g. a model still being written
            print(f"model {model_path} could not be loaded: {exc}", file=sys.stderr)
            return 2
        summary.update(model=model_path.name, load_s=round(time.perf_counter() - t0, 1))
        print(f"model {model_path.name} loaded in {summary['load_s']} s")
        model.parse("hej")  # warm-up, not timed

    base = baseline_model().fit([t for t, _ in examples], [i for _, i in examples])
    latencies: List[float] = []
    frozen = evaluate(FROZEN, data, base, model, latencies)
    tuned = {name: evaluate(p, data, base, model) for name, p in TUNED_ON.items() if p.exists()}
    if model is not None:
        model.close()
    summary.update(frozen=frozen, tuned_on=tuned)

    n, live = frozen["n"], frozen.get("live")
    head = f"{FROZEN.relative_to(ROOT)} ({n} cases, today {frozen['today']}, never tuned on)"
    print(f"\nHEADLINE: {head}")
    if live:
        print(line("live (Rasa NLU + decide)", live))
    print(line("baseline (TF-IDF + LR)", frozen["baseline"]))
    if live:
        q = live["questions"]
        kinds = ", ".join(f"{k} {v}" for k, v in q["kinds"].items()) or "none"
        print(f"  live asks a clarifying question: {q['asked']}/{n} ({q['rate']:.1%}; {kinds})")
        print(line("live when it answers", live["answered"]))
        print_confusion("Confusion, live decision, frozen set", live["confusion"])
    print_confusion("Confusion, baseline, frozen set", frozen["baseline"]["confusion"])

    print(f"\nCross-validation of data/nlu ({len(examples)} examples, all intents):")
    cv: Summary = {"baseline": baseline_cv(examples, args.folds), "rasa": None}
    print_cv(f"baseline, stratified {args.folds}-fold", cv["baseline"])
    if args.rasa_cv:
        cv["rasa"] = rasa_cv(args.folds)
        print_cv(f"rasa test nlu, {args.folds}-fold", cv["rasa"])
    else:
        print("  rasa test nlu: not run (add --rasa-cv; it trains the pipeline k times)")
    summary["cv"] = cv

    print("\nTuned on (optimistic: data, keywords and rules were written against these):")
    for name, res in tuned.items():
        if "live" in res:
            print(line(f"{name} live", res["live"]))
        print(line(f"{name} baseline", res["baseline"]))
    for name in TUNED_ON.keys() - tuned.keys():
        print(f"  {name}: not found, skipped")

    if latencies:
        median, p95 = statistics.median(latencies), pct(latencies, 0.95)
        summary["latency_ms"] = {"n": len(latencies), "median": median, "p95": p95}
        print(f"\nparse latency, frozen texts: median {median:.1f} ms, p95 {p95:.1f} ms")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2), file=stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
