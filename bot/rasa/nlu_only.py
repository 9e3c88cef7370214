"""Parse with only the NLU part of a trained Rasa model (`borger route`, the benchmarks).

``Agent.load`` builds the whole prediction graph: the dialogue policies (TEDPolicy and
its TensorFlow model), the domain, the tracker featurizers. Parsing a text needs only
the nodes the model's ``nlu_target`` depends on (the message converter, the intent
classifiers, the letter and language detectors, the regex handler and the domain
provider it reads). This module takes those nodes from the model's own prediction
schema (``metadata.json`` in the archive, Rasa's ``GraphSchema.minimal_graph_schema``
does the same on a loaded schema) and runs them with Rasa's own graph runner, so a parse
gives exactly what the running assistant's NLU gives, without loading the policies.
"""

from __future__ import annotations

import json
import logging
import os
import tarfile
import tempfile
from pathlib import Path
from typing import Any, Dict, List

logger = logging.getLogger(__name__)

METADATA_FILE = "metadata.json"
COMPONENTS_DIR = "components"


def nlu_nodes(predict_schema: Dict[str, Any], target: str) -> Dict[str, Any]:
    """The serialized nodes ``target`` needs, itself included (placeholders are inputs)."""
    nodes = predict_schema["nodes"]
    needed: Dict[str, Any] = {}
    todo = [target]
    while todo:
        name = todo.pop()
        if name in needed or name not in nodes:
            continue
        needed[name] = nodes[name]
        todo.extend(nodes[name].get("needs", {}).values())
    return needed


def _extract(archive: Path, into: Path) -> None:
    with tarfile.open(archive, mode="r:gz") as tar:
        for member in tar.getmembers():
            target = (into / member.name.lstrip("/")).resolve()
            if not str(target).startswith(str(into.resolve())):
                raise ValueError(f"unsafe path in model archive: {member.name}")
        tar.extractall(into)  # noqa: S202 - every member was checked above


class NluOnly:
    """The NLU graph of one model archive; ``parse`` returns Rasa's parse data."""

    def __init__(self, model_path: Path) -> None:
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        from rasa.engine.graph import ExecutionContext, GraphSchema
        from rasa.engine.runner.dask import DaskGraphRunner
        from rasa.engine.storage.local_model_storage import LocalModelStorage

        self.path = Path(model_path)
        self._tmp = tempfile.TemporaryDirectory(prefix="borger-nlu-")
        root = Path(self._tmp.name)
        _extract(self.path, root)
        metadata = json.loads((root / METADATA_FILE).read_text(encoding="utf-8"))
        self.target: str = metadata["nlu_target"]
        nodes = nlu_nodes(metadata["predict_schema"], self.target)
        schema = GraphSchema.from_dict({"nodes": nodes})
        storage = LocalModelStorage(root / COMPONENTS_DIR)
        self.model_id: str = metadata["model_id"]
        self._runner = DaskGraphRunner.create(
            graph_schema=schema,
            model_storage=storage,
            execution_context=ExecutionContext(graph_schema=schema, model_id=self.model_id),
        )
        logger.info("NLU of %s loaded (%d graph nodes)", self.path.name, len(nodes))

    def parse(self, text: str) -> Dict[str, Any]:
        from rasa.core.channels.channel import UserMessage
        from rasa.engine.constants import PLACEHOLDER_MESSAGE
        from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT

        results = self._runner.run(
            inputs={PLACEHOLDER_MESSAGE: [UserMessage(text)]}, targets=[self.target]
        )
        message = results[self.target][0]
        parse_data: Dict[str, Any] = {
            TEXT: "",
            INTENT: {"name": None, "confidence": 0.0},
            ENTITIES: [],
        }
        parse_data.update(message.as_dict(only_output_properties=True))
        return parse_data

    def parse_many(self, texts: List[str]) -> List[Dict[str, Any]]:
        return [self.parse(t) for t in texts]

    def close(self) -> None:
        self._tmp.cleanup()
