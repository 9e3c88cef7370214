"""Score one model on the fixed evaluation set (run by the guarded retrain).

    python -m bot.rasa.evaluate --model FILE --root CHECKOUT --out metrics.json

One model load, then: the frozen NLU hold-out (``data/eval/nlu_holdout.yml``, CPR
numbers masked as at the edge), the end-to-end test stories (``tests/stories``, as
``rasa test core`` runs them in ``make test``) and the competence routing cases
(``data/eval/routing_cases.yml``, decided by ``bot.features.competence.routing`` as in
a conversation). Writes the metrics in ``bot.features.training.gate``'s format.
No training here: the gate stays within minutes of the training itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

from bot.core.privacy import redact
from bot.core.settings import ROOT
from bot.features.training.gate import (
    Metrics,
    combine,
    intent_metrics,
    routing_metrics,
    story_metrics,
)
from bot.features.training.workspace import Workspace, load_holdout, load_routing_cases


def _intent_name(parse: Dict[str, Any]) -> str:
    return str((parse.get("intent") or {}).get("name") or "")


async def _parse_all(agent: Any, texts: List[str]) -> List[Dict[str, Any]]:
    return [await agent.parse_message(redact(t)) for t in texts]


async def _stories(agent: Any, stories: Path) -> Dict[str, bool]:
    """Each test story's name and whether every prediction in it was right (as
    ``rasa test core`` in ``make test`` checks them); a story that cannot be run fails."""
    from rasa.core.test import _create_data_generator, _predict_tracker_actions

    if not stories.exists():
        return {}
    generator = _create_data_generator(str(stories), agent)
    results: Dict[str, bool] = {}
    for tracker in generator.generate_story_trackers():
        name = str(tracker.sender_id)
        try:
            store, _, _, _ = await _predict_tracker_actions(tracker, agent)
            ok = not store.check_prediction_target_mismatch()
        except Exception as exc:  # noqa: BLE001 - one broken story fails, the rest run
            logging.getLogger(__name__).error("story %r could not run: %s", name, exc)
            ok = False
        results[name] = results.get(name, True) and ok
    return results


def _routing(parses: List[Dict[str, Any]], ws: Workspace) -> List[Tuple[str, bool]]:
    from bot.features.competence.content import load_competence
    from bot.features.competence.routing import Parse, decide

    today, cases = load_routing_cases(ws.routing_cases)
    competence_file = ws.root / "content" / "competence.yml"
    data = load_competence(competence_file if competence_file.exists() else
                           ROOT / "content" / "competence.yml")
    results = []
    for case, parse in zip(cases, parses, strict=True):
        decision = decide(Parse.from_rasa(parse), today, data)
        results.append((case.route, decision.route in case.accept))
    return results


async def evaluate(model: Path, ws: Workspace) -> Metrics:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    holdout = load_holdout(ws.holdout) if ws.holdout.exists() else []
    parses = await _parse_all(agent, [t for t, _ in holdout])
    intents = intent_metrics([i for _, i in holdout], [_intent_name(p) for p in parses])
    routing: List[Tuple[str, bool]] = []
    if ws.routing_cases.exists():
        _, cases = load_routing_cases(ws.routing_cases)
        routing = _routing(await _parse_all(agent, [c.text for c in cases]), ws)
    stories = await _stories(agent, ws.stories)
    return combine(intents, story_metrics(stories), routing_metrics(routing))


def main(argv: List[str] | None = None) -> int:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--root", default=ROOT, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    from rasa.utils.log_utils import configure_structlog

    # Rasa's structured debug log would print every parsed text.
    configure_structlog(logging.WARNING)
    logging.basicConfig(level=logging.WARNING)
    ws = Workspace(root=args.root, config=Path("config.yml"))
    metrics = asyncio.run(evaluate(args.model, ws))
    args.out.write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
