"""The model registry: exactly one active model, activation, roll-back, adoption."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.features.training import registry
from bot.features.training.modelfile import ModelFileError, read_model_id
from bot.infra.db import session_scope
from tests.bot.features.training.helpers import fake_model

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def _register(session, store: Path, name: str, at: datetime) -> registry.ModelInfo:  # type: ignore[no-untyped-def]
    path = fake_model(store / f"{name}.tar.gz", f"id-{name}")
    return registry.register(session, path, now=at, metrics={"intent_f1": 0.5})


def test_reads_rasas_model_id(tmp_path: Path) -> None:
    assert read_model_id(fake_model(tmp_path / "m.tar.gz", "abc123")) == "abc123"
    (tmp_path / "bad.tar.gz").write_bytes(b"not a model")
    with pytest.raises(ModelFileError):
        read_model_id(tmp_path / "bad.tar.gz")


def test_exactly_one_model_is_active_and_rollback_goes_back(  # type: ignore[no-untyped-def]
    session_factory, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    with session_scope(session_factory) as s:
        for i, name in enumerate(["a", "b", "c"]):
            _register(s, store, name, T0 + timedelta(minutes=i))
        registry.activate(s, "a", now=T0, actor="x", reason="første")
        registry.activate(s, "b", now=T0 + timedelta(hours=1), actor="x", reason="anden")
    with session_scope(session_factory) as s:
        models = registry.list_models(s)
        assert [m.name for m in models] == ["c", "b", "a"]
        assert [m.name for m in models if m.active] == ["b"]
        assert registry.active_model(s).etag == '"id-b"'  # type: ignore[union-attr]
        back = registry.rollback(s, now=T0 + timedelta(hours=2), actor="y", store=store)
        assert back.name == "a" and back.reason == "Rullet tilbage fra b"
    with session_scope(session_factory) as s:
        assert [m.name for m in registry.list_models(s) if m.active] == ["a"]
        # A second roll-back goes to b again (the model active before a).
        assert registry.rollback(s, now=T0 + timedelta(hours=3), actor="y").name == "b"


def test_activation_needs_the_file_in_the_store(session_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        _register(s, tmp_path, "a", T0)
    (tmp_path / "a.tar.gz").unlink()
    with session_scope(session_factory) as s, pytest.raises(registry.RegistryError):
        registry.activate(s, "a", now=T0, actor="x", reason="r", store=tmp_path)
    with session_scope(session_factory) as s, pytest.raises(registry.RegistryError):
        registry.activate(s, "findes-ikke", now=T0, actor="x", reason="r")


def test_rollback_without_an_earlier_model_is_refused(session_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        _register(s, tmp_path, "a", T0)
        registry.activate(s, "a", now=T0, actor="x", reason="r")
        with pytest.raises(registry.RegistryError, match="ingen tidligere model"):
            registry.rollback(s, now=T0, actor="x")


def test_a_model_from_borger_train_is_adopted_once(session_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    trained = fake_model(tmp_path / "models" / "20261201-100000-x.tar.gz", "trained-1")
    store = tmp_path / "store"
    with session_scope(session_factory) as s:
        info = registry.adopt(s, trained, store, now=T0, data_fingerprint="fp")
        assert info is not None and info.active and info.data_fingerprint == "fp"
        assert (store / "20261201-100000-x.tar.gz").exists()
        assert registry.adopt(s, trained, store, now=T0) is None
        assert len(registry.list_models(s)) == 1
