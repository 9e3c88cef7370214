"""The action server answers only Rasa (the shared secret), and refuses to run without it."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.core.settings import ROOT
from bot.rasa.action_server import refusal


def test_every_path_but_health_needs_the_token() -> None:
    assert refusal("/health", None, "s3cret") is None
    assert refusal("/webhook", "s3cret", "s3cret") is None
    for given in (None, "", "s3cre", "s3cret ", "S3CRET"):
        assert refusal("/webhook", given, "s3cret") is not None
    assert refusal("/actions", None, "s3cret") is not None


def test_without_a_token_the_server_does_not_start() -> None:
    env = {k: v for k, v in os.environ.items() if k != "BORGER_ACTION_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.rasa.action_server", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "BORGER_ACTION_TOKEN" in result.stderr
