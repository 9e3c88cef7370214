"""Training is skipped without asking Rasa when the newest model was made from these files."""

from __future__ import annotations

from pathlib import Path

from bot.rasa import model


def test_a_model_stamped_with_the_current_inputs_is_used_as_it_is(tmp_path: Path) -> None:
    trained = tmp_path / "20260101-120000-model.tar.gz"
    trained.write_bytes(b"not a real model: rasa is never asked")
    (tmp_path / (trained.name + ".inputs")).write_text(model.training_inputs())
    assert model.train(tmp_path) == trained


def test_the_inputs_are_a_stable_hash() -> None:
    first = model.training_inputs()
    assert first == model.training_inputs()
    assert len(first) == 64


def test_pruning_removes_the_stamps_of_old_models(tmp_path: Path) -> None:
    import os

    for n in range(3):
        m = tmp_path / f"2026010{n}-model.tar.gz"
        m.write_bytes(b"x")
        os.utime(m, (n, n))
        (tmp_path / (m.name + ".inputs")).write_text("h")
    model.prune_models(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "20260101-model.tar.gz",
        "20260101-model.tar.gz.inputs",
        "20260102-model.tar.gz",
        "20260102-model.tar.gz.inputs",
    ]
