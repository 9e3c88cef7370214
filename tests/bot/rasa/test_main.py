"""``bot.rasa.main``: Rasa's command line completed from the settings."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.core.settings import Settings
from bot.rasa.main import server_args


def test_the_token_and_channels_come_from_the_settings(tmp_path: Path) -> None:
    s = Settings(var_dir=tmp_path, rasa_token="t0ken", cors_origins=["https://www.aalborg.dk"])
    args = server_args(["run", "--port", "5005", "--enable-api"], s)
    assert args[:4] == ["run", "--port", "5005", "--enable-api"]
    assert args[args.index("--auth-token") + 1] == "t0ken"
    credentials = Path(args[args.index("--credentials") + 1])
    assert credentials == tmp_path / "credentials.yml"
    assert "bot.rasa.socket_channel.BorgerSocketIOInput" in yaml.safe_load(
        credentials.read_text()
    )


def test_given_arguments_win_and_other_commands_are_unchanged(tmp_path: Path) -> None:
    s = Settings(var_dir=tmp_path, rasa_token="t0ken")
    given = ["run", "--auth-token", "x", "--credentials", "credentials.yml"]
    assert server_args(given, s) == given
    assert server_args(["shell", "--debug"], s) == ["shell", "--debug"]
    assert server_args([], s) == []
    assert not (tmp_path / "credentials.yml").exists()
