"""The training pages under test: the portal on the test database, the deployment's
checkout a temporary git repository, a fake Rasa toolchain and replicas."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from bot.features.training.editor import Editor
from bot.features.training.gate import Metrics
from bot.features.training.gitrepo import GitRepo
from bot.features.training.jobs import JobView, get_job
from bot.features.training.retrain import Trainer
from bot.features.training.workspace import Workspace
from bot.infra.db import session_scope
from bot.web.training.context import TrainingWeb, configure_training
from tests.bot.features.training.helpers import (
    FakeReplicas,
    FakeToolchain,
    git,
    metrics,
    project_copy,
)
from tests.bot.features.training.test_editor import YamlCheck, content_check
from tests.bot.features.training.test_pii import names
from tests.web.conftest import free_port, serve
from tests.web.portal.conftest import MovableClock, build_app, portal_settings

GOOD = metrics({"greet": 1.0, "skat": 0.9}, passed=["hilsen"])
HARMFUL = metrics({"greet": 0.5, "skat": 0.3}, passed=[], failed=["hilsen"])


@pytest.fixture(scope="session")
def pristine_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(
        tmp_path_factory.mktemp("pristine") / "repo",
        parts=("domain.yml", "config.yml", "content", "data"),
    )


@pytest.fixture
def repo(pristine_repo: Path, tmp_path: Path) -> Path:
    git(tmp_path, "clone", "-q", str(pristine_repo), "deploy")
    return tmp_path / "deploy"


@pytest.fixture
def quality() -> Dict[str, Metrics]:
    return {"now": GOOD}


STORY = """version: "3.1"
stories:
- story: {sender}
  steps:
  - intent: request_human
    user: |-
      jeg hedder Lone Kjærgaard, ring på 22 33 44 55
  - action: utter_request_human
"""


@pytest.fixture
def rasa_stub() -> Iterator[Tuple[int, List[str]]]:
    """Rasa's HTTP API as far as the inbox uses it: GET /conversations/{id}/story."""
    asked: List[str] = []
    stub = FastAPI()

    @stub.get("/conversations/{sender}/story", response_class=PlainTextResponse)
    def story(sender: str, token: str = "") -> str:
        asked.append(f"{sender}?token={token}")
        return STORY.format(sender=sender)

    port = free_port()
    with serve(stub, port):
        yield port, asked


@pytest.fixture
def app(  # type: ignore[no-untyped-def]
    session_factory,
    db_url: str,
    tmp_path: Path,
    clock: MovableClock,
    people,
    repo: Path,
    quality: Dict[str, Metrics],
    rasa_stub,
) -> FastAPI:
    settings = portal_settings(
        db_url, tmp_path, training_repo_dir=repo, content_dir=repo / "content",
        rasa_port=rasa_stub[0],
    )
    application = build_app(session_factory, settings, clock)
    ws = Workspace(repo, Path("config.yml"))
    trainer = Trainer(
        sessions=session_factory,
        workspace=ws,
        store=tmp_path / "store",
        toolchain=FakeToolchain(score=lambda _ws: quality["now"]),
        replicas=FakeReplicas(["http://rasa"]),
        now=clock.now,
    )
    editor = Editor(ws, GitRepo(repo), content_check=content_check, data_check=YamlCheck())
    configure_training(
        application,
        sessions=session_factory,
        clock=clock,
        names=names,
        trainer=trainer,
        editor=editor,
    )
    return application


@pytest.fixture
def training(app: FastAPI) -> TrainingWeb:
    return app.state.training  # type: ignore[no-any-return]


def finished(training: TrainingWeb, job_id: int, timeout: float = 60) -> JobView:
    """The job once its thread is done (the portal runs jobs in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        with session_scope(training.sessions) as s:
            job = get_job(s, job_id)
        assert job is not None
        if not job.running:
            return job
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)
