"""Letter detector: false positives on citizens' own messages, recall on letter excerpts.

    .venv/bin/python bench/letter_bench.py [--model FILE | --no-model] [--json]

Cases: bench/data/letter_cases.yml (citizen messages and letter excerpts, each with its
source; none of them is in data/nlu, which is checked). Two measurements:
- the rule alone: ``bot.rasa.letter.is_letter`` (what the LetterDetector component uses
  to turn a message into ``indsat_brev``) and, for comparison, the bare
  ``looks_like_letter`` of bot/features/explain/letters.py;
- with a model: the whole NLU (classifier, FallbackClassifier, LetterDetector ...), a
  message counts as a letter when its final intent is ``indsat_brev``, the path a citizen's
  message takes. The NLU is loaded alone (bot.rasa.model.NluModel), without the dialogue.
A benchmark: it prints, it never asserts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.routing_bench import nlu_examples  # noqa: E402
from bot.core.privacy import redact  # noqa: E402
from bot.features.explain.letters import looks_like_letter  # noqa: E402
from bot.rasa.letter import LETTER_INTENT, is_letter  # noqa: E402
from bot.rasa.model import NluModel, latest_model  # noqa: E402

CASES = ROOT / "bench" / "data" / "letter_cases.yml"
Case = Dict[str, Any]


def load_cases(path: Path = CASES) -> List[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = raw.get("sources") or {}
    cases = []
    for c in raw["cases"]:
        if c["source"] not in sources:
            raise ValueError(f"case without a known source: {c['text'][:60]!r}")
        cases.append({"text": str(c["text"]), "letter": bool(c["letter"]), "source": c["source"]})
    return cases


def score(cases: Sequence[Case], says_letter: Callable[[str], bool]) -> Dict[str, Any]:
    citizen = [c for c in cases if not c["letter"]]
    letters = [c for c in cases if c["letter"]]
    fp = [c["text"] for c in citizen if says_letter(c["text"])]
    fn = [c["text"] for c in letters if not says_letter(c["text"])]
    return {
        "citizen_messages": len(citizen),
        "false_positives": len(fp),
        "false_positive_rate": len(fp) / len(citizen) if citizen else 0.0,
        "letters": len(letters),
        "recall": (len(letters) - len(fn)) / len(letters) if letters else 0.0,
        "wrong": {"citizen_as_letter": fp, "letter_missed": fn},
    }


def report(name: str, s: Dict[str, Any]) -> None:
    print(
        f"  {name:<34} false positives {s['false_positives']}/{s['citizen_messages']} "
        f"({s['false_positive_rate']:.1%})   letters recognised {s['recall']:.1%} "
        f"(n={s['letters']})"
    )
    for text in s["wrong"]["citizen_as_letter"]:
        print(f"      citizen message taken as a letter: {text[:90]!r}")
    for text in s["wrong"]["letter_missed"]:
        print(f"      letter not recognised:             {text[:90]!r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="model file (default: the newest in models/)")
    ap.add_argument("--no-model", action="store_true", help="only the rule")
    ap.add_argument("--json", action="store_true", help="machine-readable summary on stdout")
    args = ap.parse_args()

    cases = load_cases()
    training = {t.strip().lower() for t, _ in nlu_examples()}
    leaked = [c["text"] for c in cases if c["text"].strip().lower() in training]
    if leaked:
        print(f"{len(leaked)} case(s) are NLU training examples: {leaked[:3]}", file=sys.stderr)
        return 2
    summary: Dict[str, Any] = {
        "cases": len(cases),
        "rule": score(cases, is_letter),
        "looks_like_letter": score(cases, looks_like_letter),
    }
    print(f"{CASES.relative_to(ROOT)}: {len(cases)} cases")
    report("rule (bot.rasa.letter.is_letter)", summary["rule"])
    report("looks_like_letter alone", summary["looks_like_letter"])

    if not args.no_model:
        path = Path(args.model) if args.model else latest_model(ROOT / "models")
        if path is None or not path.exists():
            print("no model: run `borger train` or use --no-model", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        model = NluModel(path)
        load_s = time.perf_counter() - t0
        try:
            intents = {c["text"]: model.parse(redact(c["text"]))["intent"]["name"] for c in cases}
        finally:
            model.close()
        summary["nlu"] = score(cases, lambda text: intents[text] == LETTER_INTENT)
        summary["nlu"].update(model=path.name, load_s=round(load_s, 1))
        report(f"NLU ({path.name})", summary["nlu"])
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
