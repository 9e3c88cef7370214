"""NLU model: load time and parse latency, short messages and a 20 000-character letter.

    .venv/bin/python bench/nlu_bench.py [--model FILE] [--runs N]

The parse is what every chat message and `borger route` pay before any
decision is made (spaCy + features + DIET + fallback + letter detection).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.rasa.model import NluModel, latest_model  # noqa: E402

SHORT = [
    "hej",
    "hvad kan borgerrådgiveren hjælpe med",
    "min sagsbehandler har ikke svaret i tre måneder",
    "jeg er uenig i afslaget på min ansøgning om hjælpemidler",
    "hvad betyder partshøring",
]


def letter(chars: int) -> str:
    fragments = yaml.safe_load((ROOT / "bench" / "data" / "letter_fragments.yml").read_text())
    items = fragments if isinstance(fragments, list) else next(iter(fragments.values()))
    body = "\n\n".join(item["text"] for item in items)
    text = ""
    while len(text) < chars:
        text += body + "\n\n"
    return text[:chars]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    path = Path(args.model) if args.model else latest_model(ROOT / "models")
    if path is None:
        print("No model: run `borger train` first", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    model = NluModel(path)
    load = time.perf_counter() - t0
    model.parse("opvarmning")

    short = []
    for _ in range(args.runs):
        for text in SHORT:
            t = time.perf_counter()
            model.parse(text)
            short.append((time.perf_counter() - t) * 1000)
    long_text = letter(20_000)
    long = []
    for _ in range(5):
        t = time.perf_counter()
        parsed = model.parse(long_text)
        long.append(time.perf_counter() - t)
    print(f"model {path.name}")
    print(f"load: {load:.1f} s")
    print(
        f"parse, short messages (n={len(short)}): median {statistics.median(short):.1f} ms, "
        f"p95 {pct(short, 0.95):.1f} ms"
    )
    print(
        f"parse, 20 000-character letter (n=5): median {statistics.median(long):.2f} s "
        f"-> intent {parsed['intent']['name']}"
    )
    model.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
