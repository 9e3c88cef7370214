"""GET /models/active: what every Rasa replica polls (token, ETag, 304, file name)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.features.training import registry
from bot.infra.db import session_scope
from bot.web.training.context import TrainingWeb
from tests.bot.features.training.helpers import fake_model
from tests.web.training.conftest import MODEL_TOKEN


def test_the_token_is_required(client: TestClient) -> None:
    assert client.get("/models/active").status_code == 403
    assert client.get("/models/active", params={"token": "forkert"}).status_code == 403


def test_without_any_model_the_answer_is_404(client: TestClient) -> None:
    assert client.get("/models/active", params={"token": MODEL_TOKEN}).status_code == 404


def test_the_newest_trained_model_is_adopted_and_served_with_its_etag(
    client: TestClient, training: TrainingWeb
) -> None:
    fake_model(training.settings.models_dir / "20261201-100000-a.tar.gz", "id-a")
    r = client.get("/models/active", params={"token": MODEL_TOKEN})
    assert r.status_code == 200
    assert r.headers["etag"] == '"id-a"'
    assert r.headers["filename"] == "20261201-100000-a.tar.gz"
    assert r.content == (training.settings.models_dir / "20261201-100000-a.tar.gz").read_bytes()
    # Rasa asks again with the ETag it got: nothing new.
    again = client.get("/models/active", params={"token": MODEL_TOKEN},
                       headers={"If-None-Match": '"id-a"'})
    assert again.status_code == 304 and again.content == b""
    # A Bearer header works too.
    bearer = client.get("/models/active", headers={"Authorization": f"Bearer {MODEL_TOKEN}",
                                                    "If-None-Match": "id-a"})
    assert bearer.status_code == 304


def test_an_activation_changes_what_is_served(client: TestClient, training: TrainingWeb) -> None:
    store = training.settings.model_store
    with session_scope(training.sessions) as s:
        for name in ("a", "b"):
            registry.register(s, fake_model(store / f"{name}.tar.gz", f"id-{name}"),
                              now=training.clock.now())
        registry.activate(s, "a", now=training.clock.now(), actor="x", reason="r")
    assert client.get("/models/active", params={"token": MODEL_TOKEN}).headers["etag"] == '"id-a"'
    with session_scope(training.sessions) as s:
        registry.activate(s, "b", now=training.clock.now(), actor="x", reason="r")
    r = client.get("/models/active", params={"token": MODEL_TOKEN},
                   headers={"If-None-Match": '"id-a"'})
    assert r.status_code == 200 and r.headers["etag"] == '"id-b"'
