"""Short training runs, determinism, live changes, snapshots and the CLI for the three experiments."""

import dataclasses
import json

import numpy as np
import pytest

from fflab.catalog import get_experiment
from fflab.cli import main
from fflab.fastweights.delay import DelaySnapshot
from fflab.fastweights.kv import KVSnapshot
from fflab.fastweights.srwm import SRWMSnapshot
from fflab.params import ParamError

QUICK = {
    "fastweights-delay": {"steps": 120, "delay_min": 3, "delay_max": 8, "test_delay_max": 12, "eval_episodes": 20},
    "fastweights-kv": {"steps": 600},
    "srwm": {"episodes": 1000, "eval_every": 0, "eval_episodes": 50},
}


def train(name, seed=0, **overrides):
    cls = get_experiment(name)
    exp = cls(cls.resolve_params("reference", {**QUICK[name], **overrides}), seed=seed)
    records = []
    while not exp.done:
        records.append(exp.advance())
    return exp, records


def test_delay_learns_to_recall_across_unseen_delays():
    exp, records = train("fastweights-delay")
    metrics = exp.final_metrics()
    assert metrics["bit_accuracy"] > 0.95 and metrics["bit_accuracy_long"] > 0.9, metrics
    assert np.mean([r["loss"] for r in records[-10:]]) < np.mean([r["loss"] for r in records[:10]])
    snap = exp.snapshot()
    assert isinstance(snap, DelaySnapshot)
    T = exp.p["show_delay"] + 2
    assert snap.fast_weights.shape == (T, 4, 8) and snap.gate.shape == (T,)
    assert snap.phase[0] == "store" and snap.phase[-1] == "recall"
    assert snap.gate[0] > snap.gate[1:-1].mean()  # it writes at the store step, not on distractors
    assert np.array_equal(np.sign(snap.output), snap.target)


def test_kv_training_improves_retrieval_and_the_capacity_curve_falls():
    exp, _ = train("fastweights-kv")
    metrics = exp.final_metrics()
    assert metrics["cosine_before"] < 0.55 and metrics["cosine_after"] > metrics["cosine_before"] + 0.15, metrics
    snap = exp.snapshot()
    assert isinstance(snap, KVSnapshot)
    curve = snap.capacity_cosine
    assert len(curve) == 12 and curve[0] > 0.95 and curve[-1] < curve[0] - 0.2
    assert snap.key_cosine_before.shape == (5, 5) and snap.key_projection.shape == (8, 8)
    # the raw keys all lean one way; the projected ones much less
    off = ~np.eye(5, dtype=bool)
    assert snap.key_cosine_after[off].mean() < snap.key_cosine_before[off].mean() - 0.3


def test_kv_delta_rule_learns_too():
    exp, _ = train("fastweights-kv", rule="delta", steps=300)
    metrics = exp.final_metrics()
    assert metrics["cosine_after"] > metrics["cosine_before"] + 0.15, metrics


def test_srwm_meta_learns_the_four_functions_above_chance():
    exp, _ = train("srwm")
    metrics = exp.final_metrics()
    # a task-blind guesser gets at most 0.69 (the majority label per input over the four tasks)
    assert metrics["query_accuracy"] > 0.8, metrics
    assert set(metrics) == {"query_accuracy", "query_accuracy_ablated",
                            *(f"query_accuracy.{t}" for t in ("AND", "OR", "XOR", "NAND"))}
    snap = exp.snapshot()
    assert isinstance(snap, SRWMSnapshot) and snap.tasks == ["AND", "OR", "XOR", "NAND"]
    assert snap.fast_weights_after_demo.shape == (4, 6, 6)
    assert np.allclose(snap.row_pointer.sum(axis=-1), 1.0, atol=1e-5)
    assert np.abs(snap.fast_weights_after_demo).sum() > 0


def test_srwm_without_self_modification_keeps_no_fast_weights():
    exp, _ = train("srwm", episodes=20, self_modify=False)
    assert np.abs(exp.snapshot().fast_weights).sum() == 0


@pytest.mark.parametrize("name", ["fastweights-delay", "fastweights-kv", "srwm"])
def test_same_seed_same_numbers(name):
    few = {"fastweights-delay": {"steps": 5}, "fastweights-kv": {"steps": 200}, "srwm": {"episodes": 10}}[name]
    _, a = train(name, seed=3, **few)
    _, b = train(name, seed=3, **few)
    _, c = train(name, seed=4, **few)
    assert a == b and a != c


def test_live_learning_rate_reaches_the_optimiser_and_fixed_params_refuse():
    exp, _ = train("srwm", episodes=2)
    exp.update(lr=0.123, eta=0.3)
    assert exp.optimizer.param_groups[0]["lr"] == 0.123 and exp.p["eta"] == 0.3
    with pytest.raises(ParamError, match="hidden: cannot change"):
        exp.update(hidden=8)


def test_delay_range_must_be_ordered():
    cls = get_experiment("fastweights-delay")
    with pytest.raises(ParamError, match="delay_min"):
        cls(cls.resolve_params("reference", {"delay_min": 9, "delay_max": 4}))


def test_state_dict_round_trip():
    exp, _ = train("fastweights-delay", steps=3)
    fresh, _ = train("fastweights-delay", steps=1)  # same seed: the same held-out episodes
    assert fresh.evaluate() != exp.evaluate()
    fresh.load_state_dict(exp.state_dict())
    assert fresh.evaluate() == exp.evaluate()


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("fastweights-delay", {"bit_accuracy", "bit_accuracy_long"}),
        ("fastweights-kv", {"cosine_before", "cosine_after"}),
        ("srwm", {"query_accuracy", "query_accuracy.AND", "query_accuracy.OR", "query_accuracy.XOR",
                  "query_accuracy.NAND", "query_accuracy_ablated"}),
    ],
)
def test_cli_run_reports_the_metrics(name, keys, tmp_path):
    short = {"fastweights-delay": "steps=20", "fastweights-kv": "steps=100", "srwm": "episodes=30"}[name]
    out = tmp_path / "run.json"
    code = main(["run", name, "--preset", "reference", "--set", short, "--json", str(out), "--no-save", "--quiet"])
    assert code == 0
    summary = json.loads(out.read_text())
    assert summary["status"] == "finished" and summary["preset"] == "reference"
    assert set(summary["metrics"]) == keys


def test_delay_snapshot_reads_every_step_and_keeps_few_frames_of_long_episodes():
    exp, _ = train("fastweights-delay", steps=3)
    snap = exp.snapshot()
    assert np.allclose(snap.readout[-1], snap.output)
    assert snap.fast_weight_steps == list(range(exp.p["show_delay"] + 2))
    assert snap.test_delays == [] and snap.accuracy_by_delay == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.eta = 0.1  # a snapshot is a read-only hand-off to the page
    exp.evaluate()
    snap = exp.snapshot()
    assert snap.test_delays == list(range(3, 13)) and len(snap.accuracy_by_delay) == 10
    exp.update(show_delay=998)
    snap = exp.snapshot()
    steps = snap.fast_weight_steps
    assert len(steps) == len(snap.fast_weights) <= 200 and steps[0] == 0 and steps[-1] == 999
    assert len(snap.gate) == len(snap.fast_weight_norm) == 1000


def test_kv_snapshot_holds_each_write_and_both_rules_capacity():
    exp, _ = train("fastweights-kv", steps=200)
    snap = exp.snapshot()
    assert snap.fast_weights_each_write.shape == (5, 8, 8)
    assert np.allclose(snap.fast_weights_each_write[-1], snap.fast_weights)
    assert set(snap.capacity_cosine_by_rule) == set(snap.capacity_cosine_untrained) == {"sum", "delta"}
    assert snap.capacity_cosine == snap.capacity_cosine_by_rule["sum"]
    # one pair is always retrieved exactly, trained or not
    assert all(abs(c[0] - 1) < 1e-5 for c in snap.capacity_cosine_untrained.values())


def test_srwm_logs_per_task_and_ablated_accuracy_on_evaluation_steps():
    _, records = train("srwm", episodes=4, eval_every=2)
    evaluated = [r for r in records if "query_accuracy" in r]
    assert len(evaluated) == 2
    assert {"query_accuracy_ablated", "query_accuracy.XOR"} <= set(evaluated[0])
