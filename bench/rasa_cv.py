"""`rasa test nlu --cross-validation` with fixed folds and timed training (issue 11).

    nice -n 19 .venv/bin/python bench/rasa_cv.py --config CFG --folds 3 --out DIR

Rasa 3.6 splits with ``StratifiedKFold(shuffle=True)`` and no seed, so two runs of
``rasa test nlu --cross-validation`` test different folds and pipelines cannot be
compared fold for fold. This runs the same command with the split seeded
(``random_state=0``, as bench/routing_bench.py's baseline), skips scoring the training
folds (not reported, only parse time) and prints the wall time of each fold's training.
With ``RASA_CV_LOG=FILE`` every message that bot.rasa.linear.LinearIntentClassifier sees
is written to FILE (JSON lines: fold, text, the earlier classifier's ranking, its own
probabilities), so an ensemble's parts and other weights can be scored afterwards.
Any other argument is passed on to ``rasa test nlu``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterator, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Module level: Rasa resolves the type hints of a patched ``process`` against this module.
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from bot.rasa.linear import LinearIntentClassifier  # noqa: E402


def main() -> int:
    import rasa.model_training
    import rasa.nlu.test as nlu_test
    from rasa.__main__ import main as rasa_main
    from rasa.shared.nlu.training_data.training_data import TrainingData

    def generate_folds(n: int, data: TrainingData) -> Iterator[Tuple[TrainingData, TrainingData]]:
        from sklearn.model_selection import StratifiedKFold

        x = data.intent_examples
        y = [e.get_full_intent() for e in x]
        for train_i, test_i in StratifiedKFold(n, shuffle=True, random_state=0).split(x, y):
            kw: Any = dict(
                entity_synonyms=data.entity_synonyms,
                regex_features=data.regex_features,
                lookup_tables=data.lookup_tables,
                responses=data.responses,
            )
            yield (
                TrainingData(training_examples=[x[i] for i in train_i], **kw),
                TrainingData(training_examples=[x[i] for i in test_i], **kw),
            )

    times: List[float] = []
    train_nlu = rasa.model_training.train_nlu

    def timed_train_nlu(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return train_nlu(*args, **kwargs)
        finally:
            times.append(time.perf_counter() - t)

    log = os.environ.get("RASA_CV_LOG")
    if log:  # every message the linear classifier sees: the earlier ranking and its own
        process = LinearIntentClassifier.process

        def logged(self, messages: List[Message]) -> List[Message]:  # type: ignore[no-untyped-def]
            earlier = [list(m.get("intent_ranking") or []) for m in messages]
            probs = self.probabilities([m.get("text") or "" for m in messages])
            with open(log, "a", encoding="utf-8") as fh:
                for m, e, p in zip(messages, earlier, probs, strict=True):
                    own = dict(zip(self.intents, map(float, p), strict=True))
                    row = {"fold": len(times), "text": m.get("text"), "earlier": e, "own": own}
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            return process(self, messages)

        LinearIntentClassifier.process = logged  # type: ignore[method-assign]
    combine_result = nlu_test.combine_result

    async def test_set_only(*args: Any, **kwargs: Any) -> Any:
        if len(args) == 5 and not kwargs:  # the training-set scores: never read, parse time
            return None
        return await combine_result(*args, **kwargs)

    nlu_test.generate_folds = generate_folds  # type: ignore[assignment]
    nlu_test.combine_result = test_set_only  # type: ignore[assignment]
    rasa.model_training.train_nlu = timed_train_nlu  # type: ignore[assignment]
    args = sys.argv[1:]
    sys.argv = ["rasa", "test", "nlu", "--cross-validation", "--nlu", "data/nlu", *args]
    try:
        rasa_main()
    except SystemExit as exc:
        if exc.code:
            return int(exc.code)
    out = Path(args[args.index("--out") + 1]) if "--out" in args else ROOT / "results"
    rep = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    result = {
        "accuracy": round(float(rep["accuracy"]), 4),
        "macro_f1": round(float(rep["macro avg"]["f1-score"]), 4),
        "train_s_per_fold": [round(t, 1) for t in times],
    }
    (out / "cv_summary.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print("CV_SUMMARY", json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
