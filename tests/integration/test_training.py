"""The office's training loop against a running assistant, with real Rasa training.

Its own stack (Rasa, action server, web app, as ``borger run`` starts them) on free ports,
with the deployment's checkout a temporary git repository and the tests' small Rasa
config (``training_config.yml``: no TEDPolicy). Rasa pulls the active model from the web
app's ``/models/active`` every 2 seconds, so an activation reaches it without a restart.

1. A harmful change (half the examples of two intents swapped) is refused by the gate and
   the active model stays, in the registry and in the running Rasa.
2. A message the assistant does not understand, with "nej" to "Hjalp svaret?", goes into
   the training inbox; the trainer picks the right intent, the retrain activates the new
   model, the running chat understands the message; a roll-back restores the model
   before (and the old answer).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

import httpx
import pytest
import yaml

from bot.app.run import process_specs
from bot.app.schema import create_schema
from bot.core.clock import Clock
from bot.core.settings import ROOT, Settings
from bot.features.audit import Actor
from bot.features.training import examples, inbox, registry, retrain
from bot.features.training.gitrepo import GitRepo
from bot.features.training.office_nlu import OfficeNlu
from bot.features.training.tables import InboxItem
from bot.features.training.workspace import Workspace
from bot.infra.db import make_engine, make_session_factory, session_scope
from bot.rasa.endpoints import write_endpoints
from bot.rasa.training import HttpReplicas, trainer_from_settings
from tests.bot.features.training.helpers import git, project_copy
from tests.integration.conftest import free_port

pytestmark = pytest.mark.stack

CONFIG = Path(__file__).resolve().parent / "training_config.yml"
TRAINER = Actor(None, "tina")
# Nothing in the training data looks like this: the assistant does not see that it asks
# for a person (request_human), until the trainer says so.
ODD = "kan jeg få en snakkemakker af kød og blod, kvækkeliklonk"
# A request_human example of the training data: the answer ODD should get.
HUMAN = "jeg vil tale med et menneske"


@dataclass
class Office:
    settings: Settings
    repo: Path
    procs: List[subprocess.Popen]
    log: Path

    @property
    def web(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    def sessions(self):  # type: ignore[no-untyped-def]
        return make_session_factory(make_engine(self.settings.app_database_url))

    def trainer(self, replicas: bool = True) -> retrain.Trainer:
        t = trainer_from_settings(self.settings, self.sessions(), self.workspace, Clock())
        if not replicas:
            t.replicas = HttpReplicas([], None)
        return t

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.repo, CONFIG)

    def rasa_model_id(self) -> str | None:
        r = httpx.get(f"{self.rasa}/status", params={"token": self.settings.rasa_token})
        return r.json().get("model_id") if r.status_code == 200 else None

    def active(self) -> registry.ModelInfo:
        with session_scope(self.sessions()) as s:
            info = registry.active_model(s)
        assert info is not None
        return info

    def chat(self, text: str, sender: str | None = None) -> str:
        sender = sender or secrets.token_hex(12)
        r = httpx.post(f"{self.web}/api/chat", json={"sender": sender, "message": text},
                       timeout=60)
        assert r.status_code == 200, r.text
        return " ".join(m.get("text") or "" for m in r.json()["messages"])

    def intent(self, text: str) -> str:
        r = httpx.post(f"{self.rasa}/model/parse", params={"token": self.settings.rasa_token},
                       json={"text": text}, timeout=60)
        assert r.status_code == 200, r.text
        return str(r.json()["intent"]["name"])

    def answers_like_a_request_for_a_person(self, text: str) -> bool:
        """The first line of the answer is the one a request for a person gets."""
        first = self.chat(HUMAN).split("\n")[0]
        return self.chat(text).split("\n")[0] == first

    def not_helpful(self, sender: str) -> None:
        r = httpx.post(f"{self.web}/api/feedback", json={"sender": sender, "helpful": False})
        assert r.status_code == 201, r.text


def _wait_healthy(office: Office, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in office.procs:
            assert p.poll() is None, office.log.read_text()[-4000:]
        try:
            if httpx.get(f"{office.web}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError("stack not healthy:\n" + office.log.read_text()[-4000:])


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    tmp = tmp_path_factory.mktemp("office")
    repo = project_copy(tmp / "deploy", parts=(
        "domain.yml", "config.yml", "content", "data", "tests/stories"))
    token = secrets.token_urlsafe(24)
    ports = {k: free_port() for k in ("rasa", "action", "web")}
    values = {
        "var_dir": tmp / "var", "models_dir": tmp / "models", "content_dir": repo / "content",
        "training_repo_dir": repo, "training_config": CONFIG, "model_pull_seconds": 2,
        "rasa_token": token, "action_token": secrets.token_urlsafe(24),
        "hash_secret": "integration", "activation_timeout_seconds": 240,
        "rasa_port": ports["rasa"], "action_port": ports["action"], "web_port": ports["web"],
    }
    settings = Settings(**values)  # type: ignore[arg-type]
    env = {**os.environ, "SANIC_HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1",
           "RASA_TELEMETRY_ENABLED": "false", "LOG_LEVEL": "INFO"}
    for key in ("BORGER_DATABASE_URL", "BORGER_TRACKER_STORE_URL", "BORGER_LOCK_STORE_URL"):
        env.pop(key, None)
    env.update({f"BORGER_{k.upper()}": str(v) for k, v in values.items()})
    engine = make_engine(settings.app_database_url)
    create_schema(engine)
    engine.dispose()
    office = Office(settings, repo, [], tmp / "stack.log")
    # The first model, before Rasa runs (so no replica to wait for).
    first = retrain.retrain(office.trainer(replicas=False), TRAINER)
    assert first.activated, first.reason
    endpoints = write_endpoints(settings, settings.var_dir / "endpoints.yml")
    log = office.log.open("w", encoding="utf-8")
    office.procs = [
        subprocess.Popen(spec.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        for spec in process_specs(settings, endpoints, token) if spec.name != "worker"
    ]
    try:
        _wait_healthy(office)
        assert office.rasa_model_id() == office.active().model_id
        yield office
    finally:
        for p in office.procs:
            p.terminate()
        for p in office.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def _swap_half(repo: Path, a: str, b: str) -> None:
    """Half the examples of intents a and b trade places (a harmful edit)."""
    path = repo / "data/nlu/competence.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    blocks = {blk["intent"]: blk for blk in data["nlu"] if "intent" in blk}
    ex = {i: [x[2:] for x in blocks[i]["examples"].splitlines() if x.startswith("- ")]
          for i in (a, b)}
    half_a, half_b = ex[a][: len(ex[a]) // 2], ex[b][: len(ex[b]) // 2]
    blocks[a]["examples"] = "".join(f"- {t}\n" for t in half_b + ex[a][len(half_a):])
    blocks[b]["examples"] = "".join(f"- {t}\n" for t in half_a + ex[b][len(half_b):])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_harmful_change_is_refused_and_the_active_model_stays(office: Office) -> None:
    before = office.active()
    _swap_half(office.repo, "skat", "sundhed")
    try:
        out = retrain.retrain(office.trainer(), TRAINER)
    finally:
        git(office.repo, "checkout", "--", "data/nlu/competence.yml")
    assert out.status == "afvist" and not out.activated, out.reason
    assert "'skat'" in out.reason or "'sundhed'" in out.reason
    assert out.metrics["intent"]["per_intent"]["skat"]["f1"] < (  # type: ignore[index]
        out.active_metrics["intent"]["per_intent"]["skat"]["f1"]  # type: ignore[index]
    )
    assert office.active().name == before.name
    assert office.rasa_model_id() == before.model_id


def test_inbox_example_retrain_the_chat_understands_it_and_rollback_restores(
    office: Office,
) -> None:
    before = office.active()
    sender = secrets.token_hex(12)
    reply = office.chat(ODD, sender)
    assert office.intent(ODD) != "request_human"
    assert not office.answers_like_a_request_for_a_person(ODD)
    # The citizen answers "nej" to "Hjalp svaret?": the message goes to the inbox, where
    # the trainer picks the right intent.
    office.not_helpful(sender)
    sessions = office.sessions()
    config = inbox.ScanConfig(secret=b"integration")
    tracker = make_engine(office.settings.tracker_database_url)
    with session_scope(sessions) as s:
        inbox.scan(s, tracker, config, Clock().now())
        items = [i.id for i in s.query(InboxItem).filter(InboxItem.text == ODD)]
    tracker.dispose()
    assert items, f"the misunderstood message is not in the inbox (the reply: {reply})"
    with session_scope(sessions) as s:
        done = examples.resolve(s, items, "request_human", actor=TRAINER, now=Clock().now(),
                                nlu=OfficeNlu(office.workspace), repo=GitRepo(office.repo))
    assert done.file == "data/nlu/office/general.yml"
    assert GitRepo(office.repo).log(limit=1)[0].author == "tina"

    out = retrain.retrain(office.trainer(), TRAINER)
    assert out.activated and out.verified, out.reason
    assert office.rasa_model_id() == office.active().model_id != before.model_id
    # The running chat understands it, without a restart.
    assert office.intent(ODD) == "request_human"
    assert office.answers_like_a_request_for_a_person(ODD)

    back = retrain.rollback(office.trainer(), TRAINER)
    assert back.verified and back.model == before.name
    assert office.rasa_model_id() == before.model_id
    assert office.intent(ODD) != "request_human"
    assert not office.answers_like_a_request_for_a_person(ODD)
