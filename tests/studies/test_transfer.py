"""The transfer experiment: pretrain, freeze, linear probe on another task."""

from __future__ import annotations

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.data import datasets
from fflab.params import ParamError
from fflab.studies.probe import fit_probe, model_features
from fflab.studies.transfer import ProbeResult, Transfer

TINY = {"task": "digits-low-to-high", "hidden": (32, 32), "epochs": 5.0, "probe_steps": 60, "probe_samples": 200}


def tiny(**overrides) -> Transfer:
    params = Transfer.params.resolve({**TINY, **overrides})
    return Transfer(params, seed=0)


def run_to_end(exp: Transfer) -> list[dict[str, float]]:
    records = []
    while not exp.done:
        records.append(exp.advance())
        assert exp.steps_done <= exp.total_steps + 1, "the step count must be known in advance"
    return records


def test_registered():
    assert get_experiment("transfer") is Transfer


def test_every_model_gets_both_metrics_and_the_count_of_steps_is_exact():
    exp = tiny()
    expected_total = exp.total_steps
    records = run_to_end(exp)
    assert exp.steps_done == expected_total
    final = exp.final_metrics()
    for model in ("ff", "bp", "random"):
        assert 0.0 <= final[f"transfer_accuracy.{model}"] <= 1.0
        assert 0.0 <= final[f"source_accuracy.{model}"] <= 1.0
        assert any(f"transfer_accuracy.{model}" in r for r in records), "each model's result is logged as it lands"
    # after a few epochs the trained nets read their source digits better than the untrained one
    assert min(final["source_accuracy.ff"], final["source_accuracy.bp"]) > final["source_accuracy.random"] + 0.2
    # the probe reads the digits 5-9 through frozen features: well above the 20% of chance, even for a random net
    assert final["transfer_accuracy.random"] > 0.5
    snap = exp.snapshot()
    assert snap.models == ("ff", "bp", "random") and snap.current is None and snap.chance == 0.2
    assert {m: ProbeResult.logged(final, m) for m in snap.models} == snap.results


def test_target_labels_are_renumbered_and_disjoint_from_the_source_classes():
    exp = tiny()
    target = exp._target_data()
    assert target.classes == 5
    assert set(target.y_train.tolist()) == {0, 1, 2, 3, 4}
    model = exp._build("ff")
    assert set(model.y_train.tolist()) <= {0, 1, 2, 3, 4}
    # the source holds digits 0-4 and the target 5-9: no image is in both
    assert len(model.x_train) + len(target.x_train) <= 1437


def test_the_probe_leaves_the_pretrained_weights_alone():
    exp = tiny(models=("bp",))
    while exp._model is None or exp._model.steps_done < exp._steps_of["bp"]:
        exp.advance()
    before = {k: v.clone() for k, v in exp._model.state_dict().items()}
    model = exp._model
    exp.step()  # the probe
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_features_concatenate_the_hidden_layers():
    exp = tiny()
    images = exp._target_data().x_test[:7]
    assert model_features(exp._build("ff"), images).shape == (7, 64)
    assert model_features(exp._build("bp"), images).shape == (7, 64)


def test_fit_probe_separates_linearly_separable_classes():
    gen = torch.Generator().manual_seed(0)
    centres = torch.randn(3, 20, generator=gen) * 3
    y = torch.arange(300) % 3
    x = centres[y] + torch.randn(300, 20, generator=gen)
    probe, mean, std = fit_probe(x, y, 3, steps=100, lr=0.05, gen=gen)
    accuracy = (probe((x - mean) / std).argmax(1) == y).float().mean()
    assert accuracy > 0.95


def test_no_models_is_refused():
    with pytest.raises(ParamError, match="choose at least one"):
        tiny(models=())


def test_a_missing_dataset_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("FFLAB_DATA", str(tmp_path))
    monkeypatch.setenv("FFLAB_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    datasets.clear_cache()
    try:
        with pytest.raises(ParamError, match="digits-low-to-high task runs offline"):
            tiny(task="mnist-to-fashion")
    finally:
        datasets.clear_cache()


def test_cwc_takes_part_through_its_own_features():
    exp = tiny(models=("cwc",))
    model = exp._build("cwc")
    images = exp._target_data().x_test[:5]
    features = model_features(model, images)
    assert features.shape[0] == 5 and features.shape[1] > 0
    assert torch.isfinite(features).all()
