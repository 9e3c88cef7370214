"""The web app with the training services on the test database."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.core.clock import FixedClock
from bot.core.settings import ROOT, Settings
from bot.infra.rasa_client import RasaClient
from bot.web.app import create_app
from bot.web.training.context import TrainingWeb, configure_training
from tests.bot.features.training.test_pii import names

MODEL_TOKEN = "modeltoken-123"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        models_dir=tmp_path / "models",
        content_dir=ROOT / "content",
        rasa_token=MODEL_TOKEN,
        hash_secret="test-secret",
    )


@pytest.fixture
def app_and_training(settings: Settings, session_factory):  # type: ignore[no-untyped-def]
    app = create_app(settings, rasa=RasaClient("http://127.0.0.1:9", "http://127.0.0.1:9"))
    training = configure_training(app, sessions=session_factory, clock=FixedClock(), names=names)
    return app, training


@pytest.fixture
def client(app_and_training) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app_and_training[0]) as c:
        yield c


@pytest.fixture
def training(app_and_training) -> TrainingWeb:  # type: ignore[no-untyped-def]
    return app_and_training[1]
