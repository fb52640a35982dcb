"""The `nca` experiment on tiny grids: metrics by rule, the snapshot, damage as a live change, saving, the CLI."""

import dataclasses
import json

import numpy as np
import pytest
import torch

from fflab.catalog import get_experiment
from fflab.cli import main
from fflab.nca.experiment import NCASnapshot, NeuralCA
from fflab.params import ParamError
from tests.training import advance

TINY = {"size": 6, "pad": 2, "steps": 3, "batch": 2, "pool_size": 4, "grow_min": 4, "grow_max": 6, "eval_steps": 6,
        "eval_grids": 2, "ff_rollout": 2, "display_steps": 2, "damage_radius": 2.0}
FINAL = ("target_mse_initial", "target_mse", "regrow_mse", "persist_mse", "train_seconds")


def tiny(seed: int = 0, **overrides) -> NeuralCA:
    return NeuralCA(NeuralCA.resolve_params("quick", {**TINY, **overrides}), seed=seed)


def test_both_rules_train_and_report_every_final_metric_by_rule():
    exp = tiny()
    records = advance(exp)
    assert get_experiment("nca") is NeuralCA and exp.done
    assert {"loss.bptt", "loss.ff", "goodness_pos.ff", "update_loss.ff", "grid_mse.bptt", "grid_mse.ff"} <= set(
        records[-1])
    metrics = exp.final_metrics()
    assert set(metrics) == {f"{base}.{rule}" for base in FINAL for rule in ("bptt", "ff")}
    assert all(np.isfinite(v) for v in metrics.values())
    # both start from the same weights (the update layer at zero), so they start from the same error
    assert metrics["target_mse_initial.bptt"] == metrics["target_mse_initial.ff"]


def test_one_rule_alone_and_the_same_seed_gives_the_same_curve():
    first, second = tiny(rule="bptt"), tiny(rule="bptt")
    assert advance(first) == advance(second)
    assert set(first.final_metrics()) == {f"{base}.bptt" for base in FINAL}
    assert first.snapshot().rules == ["bptt"]


def test_the_snapshot_holds_both_grids_from_the_same_seed_and_the_weights():
    exp = tiny()
    snap = exp.snapshot()
    assert isinstance(snap, NCASnapshot) and dataclasses.is_dataclass(snap)
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.grid_age = 3
    assert snap.rules == ["bptt", "ff"] and snap.grids.shape == (2, 10, 10, 3) and snap.target.shape == (10, 10, 3)
    assert np.array_equal(snap.grids[0], snap.grids[1])  # before training: the same seed cell in both
    assert snap.update_weights.shape == (2, 16, 128) and not snap.update_weights.any()
    assert snap.perceive_weights.shape == (2, 128, 48)
    assert snap.steps_since_damage is None and snap.regrow_steps == [None, None] and snap.damages == 0
    exp.advance()
    snap = exp.snapshot()
    assert snap.grid_age == TINY["display_steps"] and snap.update_weights.any()
    assert 0.0 <= snap.grids.min() and snap.grids.max() <= 1.0


def test_a_change_of_damage_erases_a_disc_in_every_live_grid_and_the_regrowth_is_counted():
    exp = tiny(steps=20, display_steps=1)
    advance(exp, 2)
    exp.update(damage=1)
    snap = exp.snapshot()
    assert snap.damages == 1 and snap.damage_centre is not None and snap.steps_since_damage == 0
    row, col = snap.damage_centre
    for grid in exp.live.states.values():
        assert torch.count_nonzero(grid[0, :, row, col]) == 0
    advance(exp, 3)
    assert exp.snapshot().steps_since_damage == 3
    exp.update(damage=1)  # every change sent is a damage, whatever its value (the page's button resends it)
    assert exp.snapshot().damages == 2 and exp.snapshot().steps_since_damage == 0
    exp.update(lr=1e-3, ff_lr=1e-4, damage_radius=1.0)
    assert exp.trainers["bptt"].optimizer.param_groups[0]["lr"] == 1e-3
    assert exp.trainers["ff"].optimizer.param_groups[0]["lr"] == 1e-4
    with pytest.raises(ParamError, match="cannot change while a run is going"):
        exp.update(size=8)


def test_the_live_grids_restart_from_the_seed():
    exp = tiny(display_steps=2, restart_after=3)
    advance(exp, 2)  # 4 automaton steps: restarted after 3
    assert exp.snapshot().grid_age == 1


def test_a_live_grid_that_blows_up_restarts_the_grids_and_is_counted_not_a_diverged_run():
    exp = tiny(display_steps=1, restart_after=0)
    advance(exp, 1)
    exp.live.states["ff"][0, 0, 3, 3] = float("inf")  # as an unstable rule grown far past its training length does
    records = advance(exp, 1)
    snap = exp.snapshot()
    assert snap.blowups == 1 and snap.grid_age == 0 and snap.steps_since_damage is None
    assert all(np.isfinite(value) for value in records[-1].values())
    assert np.isfinite(snap.grids).all()


def test_weights_save_and_load_for_both_rules():
    exp = tiny()
    advance(exp)
    state = exp.state_dict()
    assert {"bptt.update_layer.weight", "ff.perceive_layer.weight"} <= set(state)
    fresh = tiny(seed=1)
    fresh.load_state_dict(state)
    for kind in ("bptt", "ff"):
        assert torch.equal(fresh.trainers[kind].rule.update_layer.weight, exp.trainers[kind].rule.update_layer.weight)


def test_parameters_that_disagree_are_refused_by_name():
    with pytest.raises(ParamError, match="grow_min"):
        tiny(grow_min=8, grow_max=6)
    with pytest.raises(ParamError, match="train_damage"):
        tiny(train_damage=2, batch=2)
    with pytest.raises(ParamError, match="target"):
        NeuralCA.resolve_params("quick", {"target": "gecko"})
    assert NeuralCA.resolve_params("distill")["grow_min"] == 64


def test_the_cli_reports_both_rules(tmp_path, capsys):
    out = tmp_path / "nca.json"
    args = ["run", "nca", "--preset", "quick", "--no-save", "--quiet", "--json", str(out)]
    for name, value in TINY.items():
        args += ["--set", f"{name}={value}"]
    assert main(args) == 0
    summary = json.loads(out.read_text())
    metrics = summary["metrics"]
    assert {"target_mse.bptt", "target_mse.ff", "persist_mse.ff"} <= set(metrics), summary
