"""Explain feature: term recall/precision on letter fragments, and latency.

    .venv/bin/python bench/explain_bench.py [--runs N] [--show-errors]

- term recall and precision (micro-averaged over glossary keys) on the fragments in
  bench/data/letter_fragments.yml, each with its gold list of glossary keys, for the real
  Danish pipeline (da_core_news_sm, when installed) and for spacy.blank("da");
- latency of ``bot.features.explain.letters.explain`` on a 20 000-character letter built from the
  fragments: median over ``--runs`` runs (the model is loaded before timing).
Targets: recall >= 90 %, precision >= 90 %, a 20 000-character letter within a couple
of seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.features.explain.glossary import load_glossary, unique_keys  # noqa: E402
from bot.features.explain.laws import load_lawbook  # noqa: E402
from bot.features.explain.letters import explain  # noqa: E402

FRAGMENTS = ROOT / "bench" / "data" / "letter_fragments.yml"
TODAY = date(2026, 11, 26)


def load_fragments(path: Path) -> list[tuple[str, list[str]]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(" ".join(f["text"].split()), list(f["gold"])) for f in raw["fragments"]]


def pipelines() -> list[tuple[str, Any]]:
    import spacy

    out: list[tuple[str, Any]] = []
    try:
        out.append(("da_core_news_sm", spacy.load("da_core_news_sm")))
    except OSError:
        print("(da_core_news_sm is not installed: only spacy.blank)")
    out.append(("spacy.blank('da')", spacy.blank("da")))
    return out


def score(
    nlp: Any, fragments: list[tuple[str, list[str]]], glossary: Any, show_errors: bool
) -> tuple[float, float, int, int, int]:
    tp = fp = fn = 0
    for text, gold in fragments:
        found = set(unique_keys(glossary.find(nlp(text))))
        wanted = set(gold)
        tp += len(found & wanted)
        fp += len(found - wanted)
        fn += len(wanted - found)
        if show_errors and found != wanted:
            print(
                f"  missed {sorted(wanted - found)} extra {sorted(found - wanted)}: {text[:70]}..."
            )
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    return recall, precision, tp, fp, fn


def long_letter(fragments: list[tuple[str, list[str]]], size: int = 20_000) -> str:
    parts: list[str] = ["Aalborg, den 12. november 2026\n\nAfgørelse om hjælp\n"]
    while sum(len(p) + 2 for p in parts) < size:
        for text, _gold in fragments:
            parts.append(text)
    return "\n\n".join(parts)[:size]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    fragments = load_fragments(FRAGMENTS)
    glossary = load_glossary(ROOT / "content" / "glossary.yml")
    lawbook = load_lawbook(ROOT / "content" / "laws.yml")
    letter = long_letter(fragments)
    n_gold = sum(len(g) for _t, g in fragments)
    print(
        f"{len(fragments)} fragments, {n_gold} gold terms, {len(glossary.terms)} glossary "
        f"terms; latency letter {len(letter)} characters, {args.runs} runs\n"
    )
    print(
        f"{'pipeline':<20} {'recall':>7} {'precision':>10} {'tp':>4} {'fp':>4} {'fn':>4}"
        f" {'median s':>9} {'max s':>7}"
    )
    ok = True
    for name, nlp in pipelines():
        recall, precision, tp, fp, fn = score(nlp, fragments, glossary, args.show_errors)
        explain(letter[:200], nlp, TODAY, glossary=glossary, lawbook=lawbook)  # warm up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            explain(letter, nlp, TODAY, glossary=glossary, lawbook=lawbook)
            times.append(time.perf_counter() - start)
        print(
            f"{name:<20} {recall:7.1%} {precision:10.1%} {tp:4d} {fp:4d} {fn:4d}"
            f" {statistics.median(times):9.3f} {max(times):7.3f}"
        )
        ok = ok and recall >= 0.9 and precision >= 0.9
    print("\ntargets: recall >= 90 %, precision >= 90 %:", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
