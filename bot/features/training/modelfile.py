"""Model files: Rasa's id of a model archive, its checksum, and the model store.

A Rasa model is a ``.tar.gz`` with ``metadata.json`` at its root; its ``model_id`` is
what a running Rasa reports on ``/status`` after it loaded the model.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from pathlib import Path

SUFFIX = ".tar.gz"


class ModelFileError(Exception):
    """A file that is not a usable Rasa model (the message is Danish)."""


def model_name(path: Path) -> str:
    name = path.name
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else path.stem


def read_model_id(path: Path) -> str:
    """Rasa's ``model_id`` from the archive's ``metadata.json``."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.name.lstrip("/").lstrip("./") == "metadata.json":
                    handle = archive.extractfile(member)
                    if handle is None:
                        break
                    model_id = json.loads(handle.read().decode("utf-8")).get("model_id")
                    if model_id:
                        return str(model_id)
                    break
    except (OSError, tarfile.TarError, ValueError) as exc:
        raise ModelFileError(f"{path.name} kan ikke læses som en Rasa-model") from exc
    raise ModelFileError(f"{path.name} har ingen metadata.json med model_id")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_path(store: Path, name: str) -> Path:
    if "/" in name or "\\" in name or name.startswith("."):
        raise ModelFileError(f"ugyldigt modelnavn: {name!r}")
    return store / f"{name}{SUFFIX}"


def copy_into_store(source: Path, store: Path, name: str | None = None) -> Path:
    """Copy a model file into the store (written to a temporary name, then renamed)."""
    store.mkdir(parents=True, exist_ok=True)
    target = store_path(store, name or model_name(source))
    if target.exists():
        return target
    tmp = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return target
