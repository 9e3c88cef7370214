"""`borger run`'s processes: no secret on a command line, Rasa and actions on loopback."""

from __future__ import annotations

from pathlib import Path

from bot.app.run import process_specs
from bot.core.settings import Settings


def specs(tmp_path: Path, **values: object) -> dict:
    s = Settings(var_dir=tmp_path, rasa_token="rasa-s3cret", action_token="action-s3cret", **values)
    return {spec.name: spec.command for spec in process_specs(s, tmp_path / "e.yml", "rasa-s3cret")}


def test_no_secret_is_on_a_command_line(tmp_path: Path) -> None:
    for name, command in specs(tmp_path).items():
        line = " ".join(command)
        assert "s3cret" not in line, name
        assert "--auth-token" not in line, name


def test_rasa_and_actions_listen_on_loopback_whatever_the_web_app_does(tmp_path: Path) -> None:
    commands = specs(tmp_path, host="0.0.0.0")
    rasa, actions, web = commands["rasa"], commands["actions"], commands["web"]
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    assert web[web.index("--host") + 1] == "0.0.0.0"
    assert actions[:3] == [actions[0], "-m", "bot.rasa.action_server"]  # it binds action_host
    exposed = specs(tmp_path, rasa_host="10.0.0.5")["rasa"]
    assert exposed[exposed.index("--interface") + 1] == "10.0.0.5"
