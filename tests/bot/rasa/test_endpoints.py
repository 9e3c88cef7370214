"""The endpoints and channels Rasa gets from the settings."""

from __future__ import annotations

import stat
from pathlib import Path

import yaml

from bot.core.settings import Settings
from bot.rasa.endpoints import (
    ACTION_TOKEN_HEADER,
    REST_CHANNEL,
    SOCKETIO_CHANNEL,
    render_credentials,
    render_endpoints,
    write_credentials,
    write_endpoints,
)


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(var_dir=tmp_path, model_pull_seconds=0, **values)


def test_rasa_sends_the_action_token_from_its_environment(tmp_path: Path) -> None:
    endpoint = render_endpoints(settings(tmp_path, action_token="s3cret"))["action_endpoint"]
    assert endpoint["headers"] == {ACTION_TOKEN_HEADER: "${BORGER_ACTION_TOKEN}"}
    path = write_endpoints(settings(tmp_path, action_token="s3cret"), tmp_path / "e.yml")
    assert "s3cret" not in path.read_text()  # the secret is not written to disk
    assert "headers" not in render_endpoints(settings(tmp_path))["action_endpoint"]


def test_the_action_endpoint_is_on_the_action_host(tmp_path: Path) -> None:
    s = settings(tmp_path, host="0.0.0.0", action_host="10.0.0.5", action_port=6000)
    assert render_endpoints(s)["action_endpoint"]["url"] == "http://10.0.0.5:6000/webhook"
    assert settings(tmp_path).rasa_url == "http://127.0.0.1:5005"
    assert settings(tmp_path, rasa_host="0.0.0.0").rasa_url == "http://127.0.0.1:5005"


def test_socketio_answers_the_cors_origins_or_is_left_out(tmp_path: Path) -> None:
    s = settings(tmp_path, cors_origins=["https://www.aalborg.dk/"])
    channels = render_credentials(s)
    assert list(channels) == [REST_CHANNEL, SOCKETIO_CHANNEL]
    assert channels[SOCKETIO_CHANNEL]["cors_allowed_origins"] == ["https://www.aalborg.dk"]
    assert channels[SOCKETIO_CHANNEL]["session_persistence"] is True
    off = render_credentials(settings(tmp_path, socketio_enabled=False))
    assert list(off) == [REST_CHANNEL]


def test_written_files_are_private(tmp_path: Path) -> None:
    s = settings(tmp_path, cors_origins=["https://www.aalborg.dk"])
    for path in (
        write_credentials(s, tmp_path / "credentials.yml"),
        write_endpoints(s, tmp_path / "endpoints.yml"),
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert yaml.safe_load(path.read_text())
    assert not list(tmp_path.glob(".*.tmp"))


def test_every_replica_pulls_the_active_model_from_the_web_app(tmp_path: Path) -> None:
    s = Settings(var_dir=tmp_path, rasa_token="t0ken", web_port=8123, model_pull_seconds=5)
    assert render_endpoints(s)["models"] == {
        "url": "http://127.0.0.1:8123/models/active",
        "wait_time_between_pulls": 5,
        "token": "${BORGER_RASA_TOKEN}",  # from Rasa's environment, not on disk
    }
    own = Settings(var_dir=tmp_path, rasa_token="t", model_server_token="m",
                   model_server_url="https://models.internal/models/active")
    models = render_endpoints(own)["models"]
    assert models["url"] == "https://models.internal/models/active"
    assert models["token"] == "${BORGER_MODEL_SERVER_TOKEN}"
    assert "t0ken" not in write_endpoints(s, tmp_path / "e.yml").read_text()
    assert "models" not in render_endpoints(settings(tmp_path))  # pulling off: models/


def test_only_the_validate_actions_get_the_domain(tmp_path: Path) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.core.settings import ROOT

    config = render_endpoints(settings(tmp_path))["action_endpoint"]
    endpoint = EndpointConfig.from_dict(config)
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker("samtale", domain.slots)
    call = RemoteAction("action_competence", endpoint)._action_call_format(tracker, domain)
    assert "domain" not in call
    call = RemoteAction("validate_booking_form", endpoint)._action_call_format(tracker, domain)
    assert call["domain"]["forms"]["booking_form"]["required_slots"]
