"""The message path's speed-ups change nothing Rasa decides (bot/rasa/speed.py)."""

from __future__ import annotations

import asyncio
import copy
from typing import Any, Dict, Iterator, List, Tuple

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from bot.core.settings import ROOT
from bot.rasa import speed

VALID = {
    "events": [
        {"event": "slot", "name": "route", "value": "x", "timestamp": None},
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "followup", "name": "action_listen"},
    ],
    "responses": [{"response": "utter_greet"}],
}
INVALID = [
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"name": "route"}]},  # no "event"
    {"events": "not a list"},
    {"responses": [1]},
]


def test_action_answers_are_checked_against_rasas_schema() -> None:
    schema = RemoteAction.action_response_format_spec()
    assert speed.validate_action_result(copy.deepcopy(VALID)) is True
    jsonschema.validate(VALID, schema)  # Rasa's own check agrees
    for bad in INVALID:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
        with pytest.raises(jsonschema.ValidationError, match="Action server response"):
            speed.validate_action_result(copy.deepcopy(bad))


def _answers() -> List[Any]:
    """Action server answers, good and bad: every event kind Rasa knows, right and wrong."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        AllSlotsReset,
        BotUttered,
        FollowupAction,
        Restarted,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    good = [
        e.as_dict()
        for e in (
            SlotSet("route", "x"),
            SlotSet("n", 3),
            ActionExecuted("action_listen"),
            BotUttered("Hej", {"buttons": []}),
            UserUttered("hej", {"name": "greet", "confidence": 1.0}),
            FollowupAction("action_listen"),
            ActiveLoop("booking_form"),
            ActiveLoop(None),
            AllSlotsReset(),
            Restarted(),
            SessionStarted(),
        )
    ]
    answers: List[Any] = [{"events": [e]} for e in good] + [{"events": good}, {}, VALID]
    answers += INVALID + [
        [],
        "x",
        {"events": [1]},
        {"events": [{"event": "slot", "name": 3}]},
        {"events": [{"event": "action", "name": 5}]},
        {"events": [{"event": "user", "text": 5}]},
        {"events": [{"event": "user", "parse_data": "x"}]},
        {"events": [{"event": "bot", "timestamp": "noon"}]},
        {"events": [{"event": "slot", "metadata": 3}]},
        {"events": [*good, {"event": "entities", "entities": "x"}]},
        {"responses": {}},
    ]
    return answers


def test_action_answers_are_judged_as_rasas_own_check_judges_them() -> None:
    schema = RemoteAction.action_response_format_spec()
    judged = {True: 0, False: 0}
    for answer in _answers():
        try:
            jsonschema.validate(answer, schema)
            rasa_ok = True
        except jsonschema.ValidationError:
            rasa_ok = False
        try:
            speed.validate_action_result(copy.deepcopy(answer))
            ours_ok = True
        except jsonschema.ValidationError:
            ours_ok = False
        assert ours_ok == rasa_ok, answer
        judged[rasa_ok] += 1
    assert judged[True] >= 10 and judged[False] >= 10


def test_the_action_endpoint_keeps_its_connection_and_others_do_not() -> None:
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    speed.install()

    async def main() -> Tuple[int, int, List[Any]]:
        peers: List[Any] = []

        async def webhook(request: web.Request) -> web.Response:
            peers.append(request.transport.get_extra_info("peername"))  # type: ignore[union-attr]
            assert request.headers.get("X-Borger-Action-Token") == "s3cret"
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}/webhook"
        actions = EndpointConfig(url, headers={"X-Borger-Action-Token": "s3cret"})
        RemoteAction("action_x", actions)  # Rasa makes one per action call
        answers = [await actions.request(json={"n": n}, method="post") for n in range(5)]
        kept = len(set(peers))
        peers.clear()
        other = EndpointConfig(url, headers={"X-Borger-Action-Token": "s3cret"})
        for n in range(3):
            await other.request(json={"n": n}, method="post")
        fresh = len(set(peers))
        await runner.cleanup()
        return kept, fresh, answers

    kept, fresh, answers = asyncio.run(main())
    assert kept == 1
    assert fresh == 3
    assert answers == [{"events": [], "responses": []}] * 5


def test_event_classes_are_found_as_rasa_finds_them() -> None:
    speed.install()
    original = speed._original_resolve
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert speed.resolve_event_type(name) is original(name)
    assert Event.resolve_by_type("user") is original("user")
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("topic") is None  # Rasa's backwards compatibility


# --- the policies: both ways against each other on real conversations -------------


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The model in models/ with an action server of its own (as `borger run` runs it)."""
    import logging
    import os
    import subprocess
    import sys
    import time

    import httpx
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from bot.rasa.model import latest_model, train
    from tests.integration.conftest import free_port

    configure_structlog(logging.WARNING)
    models = ROOT / "models"
    model = latest_model(models) or train(models)
    port = free_port()
    env = {**os.environ, "BORGER_VAR_DIR": str(tmp_path_factory.mktemp("speed-var"))}
    actions = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        yield Agent.load(str(model), action_endpoint=endpoint)
    finally:
        actions.terminate()
        actions.wait(30)


def conversation_texts() -> List[List[str]]:
    import yaml

    convs = []
    for path in sorted((ROOT / "tests" / "transcripts").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for conv in data.get("conversations") or []:
            texts = [str(t["user"]) for t in conv.get("turns") or [] if "user" in t]
            if texts:
                convs.append(texts[:4])
    return convs


def _summary(prediction: Any, domain: Any) -> Tuple:
    action = domain.action_names_or_texts[prediction.max_confidence_index]
    return (
        action,
        prediction.policy_name,
        round(prediction.max_confidence, 6),
        [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in prediction.events],
        prediction.is_end_to_end_prediction,
        prediction.is_no_user_prediction,
    )


@pytest.mark.stack
def test_the_rules_first_prediction_is_the_one_rasa_makes(agent: Any) -> None:
    from rasa.core.processor import MessageProcessor

    processor = agent.processor
    full = speed.rasa_prediction()
    compared: Dict[str, int] = {"rules_decided": 0, "all_policies": 0}
    before = dict(speed.stats)

    def both_ways(self: Any, tracker: Any) -> Any:
        ours = speed.predict_rules_first(self, tracker.copy(), full)
        theirs = full(self, tracker.copy())
        assert _summary(ours, self.domain) == _summary(theirs, self.domain)
        return full(self, tracker)

    original = MessageProcessor._predict_next_with_tracker
    MessageProcessor._predict_next_with_tracker = both_ways  # type: ignore[method-assign]
    try:
        for n, texts in enumerate(conversation_texts()):
            for text in texts:
                asyncio.run(agent.handle_text(text, sender_id=f"speed-{n}"))
    finally:
        MessageProcessor._predict_next_with_tracker = original  # type: ignore[method-assign]
    for key in compared:
        compared[key] = speed.stats[key] - before[key]
    assert processor is agent.processor
    # Both ways were really exercised.
    assert compared["rules_decided"] > 50
    assert compared["all_policies"] > 5


def test_the_rasa_server_runs_with_the_fixes(tmp_path) -> None:
    """``python -m bot.rasa.main`` (what `borger run` starts) installs them before Rasa."""
    import os
    import subprocess
    import sys

    code = (
        "from bot.rasa import main\n"
        "try:\n"
        "    main.main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from rasa.core.actions.action import RemoteAction\n"
        "from rasa.core.processor import MessageProcessor\n"
        "from rasa.shared.core.events import Event\n"
        "from rasa.utils.endpoints import EndpointConfig\n"
        "for f in (RemoteAction._validate_action_result,\n"
        "          MessageProcessor._predict_next_with_tracker,\n"
        "          Event.resolve_by_type, EndpointConfig.session):\n"
        "    print(f.__module__)\n"
    )
    env = {**os.environ, "BORGER_VAR_DIR": str(tmp_path), "BORGER_RASA_TOKEN": "t"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )
    assert done.stdout.split()[-4:] == ["bot.rasa.speed"] * 4, done.stderr[-2000:]
