"""Which keywords and rules of the competence routing help? (issue 11)

    .venv/bin/python bench/routing_rules.py [--folds K] [--json]

bot/features/competence/routing.py decides from the NLU ranking, then keywords (content/
competence.yml) choose when the NLU is unsure, and rules overrule it (an employee's own
matter, another municipality, a matter that ended more than a year ago, "about the
kommune" as the last resort). This bench switches each of them off in turn and counts
what changes, on cases that were never used to write them and never the frozen set:

- cross-validated data/nlu: every routing example gets the ranking of a
  LinearIntentClassifier (bot/rasa/linear.py, config.yml's settings) trained on the other
  folds of all of data/nlu; its route is the one of its intent;
- bench/data/routing_holdout.yml and shared/eval/routing_dev.yml with the classifier
  trained on all of data/nlu (they are not in it; tuned on before, so optimistic).

For every variant: routes right (fine), clarifying questions asked, and the cases it
changes from right to wrong and back. A rule that helps on neither and hurts on one is a
candidate to drop. A benchmark: it prints, it never asserts. The frozen set
(bench/data/routing_frozen.yml) is never read here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.routing_bench import TUNED_ON, load_cases, nlu_examples  # noqa: E402
from bot.features.competence import routing  # noqa: E402
from bot.features.competence.content import CompetenceData, load_competence  # noqa: E402
from bot.features.competence.routing import Parse, decide  # noqa: E402

COMPETENCE = ROOT / "content" / "competence.yml"
CONFIG = ROOT / "config.yml"
NEVER = re.compile(r"(?!x)x")  # a pattern that matches nothing


@dataclass(frozen=True)
class Item:
    text: str
    accept: Tuple[str, ...]
    ranking: Tuple[Tuple[str, float], ...]
    today: date


def classifier_config() -> Dict[str, Any]:
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    for comp in raw["pipeline"]:
        if comp["name"].endswith("LinearIntentClassifier"):
            return {k: v for k, v in comp.items() if k != "name"}
    raise SystemExit("config.yml has no LinearIntentClassifier")


def train(examples: Sequence[Tuple[str, str]], directory: Path) -> Any:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.rasa.linear import LinearIntentClassifier

    storage = LocalModelStorage(directory)
    context = ExecutionContext(GraphSchema({}), "bench")
    clf = LinearIntentClassifier.create(classifier_config(), storage, Resource("lin"), context)
    clf.train(TrainingData([Message(data={"text": t, "intent": i}) for t, i in examples]))
    return clf


def ranking(clf: Any, texts: Sequence[str]) -> List[Tuple[Tuple[str, float], ...]]:
    out = []
    for row in clf.probabilities(list(texts)):
        pairs = sorted(zip(clf.intents, map(float, row), strict=True), key=lambda kv: -kv[1])
        out.append(tuple(pairs[: int(clf.config["ranking_length"])]))
    return out


def cv_items(data: CompetenceData, folds: int) -> List[Item]:
    from sklearn.model_selection import StratifiedKFold

    examples = nlu_examples()
    texts, intents = [t for t, _ in examples], [i for _, i in examples]
    items: List[Item] = []
    split = StratifiedKFold(folds, shuffle=True, random_state=0).split(texts, intents)
    for k, (train_i, test_i) in enumerate(split, 1):
        with tempfile.TemporaryDirectory() as tmp:
            clf = train([examples[i] for i in train_i], Path(tmp))
        test = [i for i in test_i if data.route_for_intent(intents[i])]
        for i, r in zip(test, ranking(clf, [texts[i] for i in test]), strict=True):
            route = data.route_for_intent(intents[i])
            assert route is not None
            items.append(Item(texts[i], (route,), r, date(2026, 12, 1)))
        print(f"  fold {k}/{folds} done", file=sys.stderr)
    return items


def case_items(clf: Any) -> Dict[str, List[Item]]:
    out = {}
    for name, path in TUNED_ON.items():
        if not path.exists():
            continue
        today, cases = load_cases(path)
        ranks = ranking(clf, [c.text for c in cases])
        out[name] = [Item(c.text, c.accept, r, today) for c, r in zip(cases, ranks, strict=True)]
    return out


def run(items: Sequence[Item], data: CompetenceData) -> Tuple[List[bool], int, int]:
    """Right (fine) per item, how many are right at the coarse level, questions asked."""
    right, coarse, asked = [], 0, 0
    for it in items:
        d = decide(Parse(it.text, it.ranking), it.today, data)
        right.append(d.route in it.accept)
        coarse += d.coarse in {data.routes[a].coarse for a in it.accept}
        asked += d.question is not None
    return right, coarse, asked


def without_keywords(data: CompetenceData, *routes: str) -> CompetenceData:
    """A copy without the keywords of ``routes`` (of every route when none is given)."""
    copy = data.copy(deep=True)
    for label, r in copy.routes.items():
        if not routes or label in routes:
            r.keywords = []
    return copy


@contextlib.contextmanager
def patched(**names: Any) -> Iterator[None]:
    old = {n: getattr(routing, n) for n in names}
    try:
        for n, v in names.items():
            setattr(routing, n, v)
        yield
    finally:
        for n, v in old.items():
            setattr(routing, n, v)


Variant = Tuple[str, Callable[[], contextlib.AbstractContextManager[None]], CompetenceData]


def variants(data: CompetenceData) -> List[Variant]:
    same = contextlib.nullcontext
    out: List[Variant] = [
        ("as is", same, data),
        ("no keywords at all", same, without_keywords(data)),
    ]
    for label, route in data.routes.items():
        if route.keywords:
            out.append((f"no keywords: {label}", same, without_keywords(data, label)))
    out += [
        ("no employee rule (§ 7 stk. 3 nr. 2)", lambda: patched(_EMPLOYEE=NEVER), data),
        (
            "no other-municipality rule (§ 7 stk. 1)",
            lambda: patched(_ANOTHER_MUNICIPALITY=NEVER, _ANOTHER_MUNICIPALITY_WORDS=NEVER),
            data,
        ),
        ("no 1-year rule (§ 13)", lambda: patched(AGE_RULE_ROUTES=()), data),
        ("no 'about the kommune' default", lambda: patched(_KOMMUNE=NEVER), data),
        ("no upset question", lambda: patched(QUESTION_WHAT="__never__"), data),
        ("GUESS 0.2", lambda: patched(GUESS=0.2), data),
        ("GUESS 0.4", lambda: patched(GUESS=0.4), data),
        ("CONFIDENT 0.5", lambda: patched(CONFIDENT=0.5), data),
        ("CONFIDENT 0.7", lambda: patched(CONFIDENT=0.7), data),
        ("keywords only without a guess", lambda: patched(USE_KEYWORDS=False), data),
        ("no coarse mass", lambda: patched(COARSE_MASS=False), data),
    ]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    data = load_competence(COMPETENCE)
    print("training the classifier (all of data/nlu, then the CV folds) ...", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        full = train(nlu_examples(), Path(tmp))
    sets = {"cv data/nlu": cv_items(data, args.folds), **case_items(full)}
    base: Dict[str, List[bool]] = {}
    rows = []
    for name, ctx, variant_data in variants(data):
        row: Dict[str, Any] = {"variant": name}
        for set_name, items in sets.items():
            with ctx():
                right, coarse, asked = run(items, variant_data)
            base.setdefault(set_name, right)
            gained = sum(r and not b for r, b in zip(right, base[set_name], strict=True))
            lost = sum(b and not r for r, b in zip(right, base[set_name], strict=True))
            row[set_name] = {
                "n": len(items),
                "right": sum(right),
                "coarse": coarse,
                "asked": asked,
                "gained": gained,
                "lost": lost,
            }
        rows.append(row)
    head = "".join(f"{s[:24]:>40}" for s in sets)
    print(f"\n{'variant':<58}{head}")
    sub = "fine coarse asked +/- fine"
    print(f"{'':<58}" + "".join(f"{sub:>40}" for _ in sets))
    for row in rows:
        cells = "".join(
            f"{row[s]['right']:>11}/{row[s]['n']:<5}{row[s]['coarse']:>6}{row[s]['asked']:>6}"
            f"   +{row[s]['gained']:<3}-{row[s]['lost']:<3}"
            for s in sets
        )
        print(f"{row['variant']:<58}{cells}")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
