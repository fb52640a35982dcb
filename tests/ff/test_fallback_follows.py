"""A run that falls back to the digits says so in its stored parameters and keeps its evaluations per epoch."""

from __future__ import annotations

from fflab.catalog import get_experiment
from fflab.runner import RunSpec, run_to_end


def test_ff_quick_offline_without_mnist_trains_on_digits_with_the_cadence_following(tmp_path, monkeypatch):
    monkeypatch.setenv("FFLAB_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("FFLAB_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cls = get_experiment("ff")
    params = cls.resolve_params("quick", {"epochs": 1, "hidden": (32, 32)})
    assert params["dataset"] == "mnist" and params["eval_every"] == 1200
    run = run_to_end(RunSpec("ff", params, seed=0, device="cpu", preset="quick"))
    assert run.spec.params["dataset"] == "digits"  # stored as what it trained on
    cadence = run.spec.params["eval_every"]
    assert 1 <= cadence < 1200
    steps = run.experiment.steps_done
    evaluations = [r for r in run.log.since(0)[0] if "test_accuracy" in r]
    assert len(evaluations) >= 10, (steps, cadence)  # a curve, not one dot at the end
    assert any("eval_every follows the smaller dataset" in note for note in run.notes)
    assert any(note.startswith("MNIST is not available") for note in run.notes)
