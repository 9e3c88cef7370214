"""The NLU-only path: the NLU nodes of a model's own schema, run by Rasa's graph runner."""

from __future__ import annotations

import asyncio
import io
import tarfile
from pathlib import Path

import pytest

from bot.rasa.nlu_only import NluOnly, nlu_nodes

SCHEMA = {
    "nodes": {
        "nlu_message_converter": {"needs": {"messages": "__message__"}},
        "run_classifier": {"needs": {"messages": "nlu_message_converter"}},
        "domain_provider": {"needs": {}},
        "run_RegexMessageHandler": {
            "needs": {"messages": "run_classifier", "domain": "domain_provider"}
        },
        "run_TEDPolicy": {"needs": {"tracker": "__tracker__", "domain": "domain_provider"}},
        "select_prediction": {"needs": {"policy": "run_TEDPolicy"}},
    }
}

CONFIG = """
recipe: default.v1
assistant_id: test
language: da
pipeline:
  - name: bot.rasa.linear.LinearIntentClassifier
  - name: FallbackClassifier
    threshold: 0.3
  - name: bot.rasa.letter.LetterDetector
  - name: bot.rasa.language.LanguageDetector
"""
NLU = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hej
    - goddag
    - god morgen
    - hej med dig
- intent: klage_sagsbehandling
  examples: |
    - min sagsbehandler svarer ikke
    - kommunen har mistet mine papirer
    - jeg har ventet et halvt år på svar
    - ingen ringer mig tilbage
"""


def test_only_the_nodes_the_nlu_target_needs_are_taken() -> None:
    nodes = nlu_nodes(SCHEMA, "run_RegexMessageHandler")
    assert set(nodes) == {
        "run_RegexMessageHandler",
        "run_classifier",
        "nlu_message_converter",
        "domain_provider",
    }


def test_an_archive_with_a_path_outside_it_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(ValueError, match="unsafe path"):
        NluOnly(archive)
    assert not (tmp_path.parent / "outside.txt").exists()


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rasa.model_training import train_nlu

    root = tmp_path_factory.mktemp("nlu-model")
    (root / "config.yml").write_text(CONFIG, encoding="utf-8")
    (root / "nlu.yml").write_text(NLU, encoding="utf-8")
    out = train_nlu(str(root / "config.yml"), str(root / "nlu.yml"), str(root / "models"))
    assert out
    return Path(out)


def test_parses_exactly_as_the_agent_does(small_model: Path) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(str(small_model))
    nlu = NluOnly(small_model)
    try:
        for text in ["hej", "min sagsbehandler svarer aldrig", "???", "where is the office"]:
            expected = asyncio.run(agent.parse_message(text))
            assert nlu.parse(text) == expected
        assert nlu.parse("kommunen har mistet papirerne")["intent"]["name"] == (
            "klage_sagsbehandling"
        )
    finally:
        nlu.close()
