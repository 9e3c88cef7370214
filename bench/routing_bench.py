"""Competence routing: accuracy on shared/eval/routing_dev.yml, a baseline, CV, latency.

    .venv/bin/python bench/routing_bench.py [--model FILE] [--cv]

- accuracy (coarse and fine) and a confusion table of the live decision
  (trained Rasa NLU model + bot.competence), the same code as `borger route`;
- side by side: a TF-IDF + logistic regression baseline trained on the same
  data/nlu (intents mapped to routes the same way, without the rules);
- --cv: 5-fold cross-validation of the NLU data (`rasa test nlu --cross-validation`);
- parse latency per message (median and p95) over the evaluation texts.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.competence import Parse, decide, load_competence  # noqa: E402
from bot.nlu import NluModel, latest_model  # noqa: E402
from bot.privacy import redact  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "routing_dev.yml"


def load_eval(path: Path) -> tuple[date, list[tuple[str, str]]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return date.fromisoformat(str(raw["today"])), [(c["text"], c["route"]) for c in raw["cases"]]


def nlu_examples() -> list[tuple[str, str]]:
    out = []
    for f in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        raw = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for block in raw.get("nlu", []):
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out.append((line[2:].strip(), block["intent"]))
    return out


def coarse_of(route: str, data) -> str:  # type: ignore[no-untyped-def]
    return data.routes[route].coarse if route in data.routes else route


def report(name: str, gold: list[str], pred: list[str], data) -> None:  # type: ignore[no-untyped-def]
    n = len(gold)
    fine = sum(g == p for g, p in zip(gold, pred, strict=True)) / n
    pairs = zip(gold, pred, strict=True)
    coarse = sum(coarse_of(g, data) == coarse_of(p, data) for g, p in pairs) / n
    print(f"{name:<28} fine {fine:6.1%}   coarse {coarse:6.1%}   (n={n})")


def confusion(gold: list[str], pred: list[str]) -> None:
    errors = collections.Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
    if not errors:
        print("  no confusions")
    for (g, p), k in errors.most_common():
        print(f"  {k} x  {g:<40} -> {p}")


def baseline(data, texts: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    routing = set(data.routing_intents)
    train = [(t, i) for t, i in nlu_examples() if i in routing]
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=10),
    )
    model.fit([t for t, _ in train], [i for _, i in train])
    return [data.route_for_intent(i) or "?" for i in model.predict(texts)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--eval", default=str(EVAL))
    ap.add_argument("--cv", action="store_true", help="also 5-fold cross-validation (slow)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    data = load_competence(ROOT / "data" / "competence.yml")
    today, cases = load_eval(Path(args.eval))
    texts, gold = [t for t, _ in cases], [r for _, r in cases]
    model_path = Path(args.model) if args.model else latest_model(ROOT / "models")
    if model_path is None:
        print("No model: run `borger train` first", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    model = NluModel(model_path)
    print(f"model {model_path.name} loaded in {time.perf_counter() - t0:.1f} s")

    latencies, pred = [], []
    for text in texts:
        t = time.perf_counter()
        parse = model.parse(redact(text))
        latencies.append((time.perf_counter() - t) * 1000)
        pred.append(decide(Parse.from_rasa(parse), today, data).route)
        if args.verbose and pred[-1] != gold[len(pred) - 1]:
            top = parse["intent_ranking"][:3]
            print(f"  MISS {text!r}: {[(r['name'], round(r['confidence'], 2)) for r in top]}")

    print(f"\nRouting on {Path(args.eval).name} (reference day {today}):")
    report("live (Rasa NLU + rules)", gold, pred, data)
    report("baseline (TF-IDF + LR)", gold, baseline(data, texts), data)
    print("\nConfusions of the live decision (gold -> predicted):")
    confusion(gold, pred)
    lat = sorted(latencies)
    p95 = lat[max(0, int(round(0.95 * len(lat))) - 1)]
    print(f"\nparse latency per message: median {statistics.median(lat):.1f} ms, p95 {p95:.1f} ms")
    model.close()

    if args.cv:
        print("\n5-fold cross-validation of data/nlu (rasa test nlu):")
        out = ROOT / "var" / "bench-cv"
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "rasa",
                "test",
                "nlu",
                "--nlu",
                "data/nlu",
                "--config",
                "config.yml",
                "--cross-validation",
                "--folds",
                "5",
                "--out",
                str(out),
            ],
            cwd=ROOT,
            check=True,
        )
        report_file = out / "intent_report.json"
        if report_file.exists():
            import json

            rep = json.loads(report_file.read_text())
            print(
                f"  CV accuracy {rep['accuracy']:.1%}, "
                f"weighted F1 {rep['weighted avg']['f1-score']:.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
