"""Short training runs of chunker-22 and chunker-deep: learning, fairness, determinism, snapshots, the CLI."""

import json

import numpy as np
import pytest

from fflab.catalog import get_experiment
from fflab.chunker.chunker22 import Chunker22Snapshot
from fflab.chunker.deep import ChunkerDeepSnapshot
from fflab.cli import main
from fflab.params import ParamError

TINY = {
    "chunker-22": {"blocks": 80, "lr_a": 0.03, "lr_c": 0.03, "hidden_single": 8, "eval_blocks": 20, "show_blocks": 2},
    "chunker-deep": {"T": 50, "steps": 40, "lr_a": 0.03, "lr_c": 0.03, "eval_sequences": 50},
}


def train(name, seed=0, **overrides):
    cls = get_experiment(name)
    exp = cls(cls.resolve_params("reference", {**TINY[name], **overrides}), seed=seed)
    records = []
    while not exp.done:
        records.append(exp.advance())
    return exp, records


def test_chunker22_compresses_the_stream_and_learns_the_label():
    exp, records = train("chunker-22")
    assert records[0]["surprises_per_block"] > 15  # an untrained A is surprised by nearly everything
    assert np.mean([r["surprises_per_block"] for r in records[-10:]]) < 1.5  # then only by a or x
    assert records[-1]["loss_a"] < records[0]["loss_a"] / 5
    metrics = exp.final_metrics()
    assert metrics["label_accuracy"] > 0.95, metrics
    assert 0.9 < metrics["surprises_per_block"] < 1.2, metrics
    assert set(metrics) == {"label_accuracy", "label_accuracy_single", "surprises_per_block", "next_accuracy",
                            "next_accuracy_single"}


def test_chunker22_snapshot_has_the_ribbon_and_the_raster():
    exp, _ = train("chunker-22", blocks=30)
    snap = exp.snapshot()
    assert isinstance(snap, Chunker22Snapshot) and snap.block_len == 21
    n = 2 * 21
    assert snap.stream.shape == (n,) and snap.p_actual.shape == (n,) and snap.surprises.shape == (n,)
    assert np.isnan(snap.p_actual[0]) and np.all((snap.p_actual[1:] >= 0) & (snap.p_actual[1:] <= 1))
    # a surprise is exactly a probability below the threshold
    assert np.array_equal(snap.surprises[1:], snap.p_actual[1:] < snap.threshold)
    assert snap.raster.shape == (30, 21) and list(snap.raster_blocks) == list(range(1, 31))
    assert snap.label_prob.shape == (2,) and len(snap.symbol_names) == 22


def test_chunker_deep_recalls_the_trigger_from_two_surprises():
    exp, records = train("chunker-deep")
    assert records[-1]["compressed_length"] == 2.0
    metrics = exp.final_metrics()
    assert metrics["trigger_accuracy"] == 1.0 and metrics["compressed_length"] == 2.0, metrics
    assert 0.0 <= metrics["trigger_accuracy_baseline"] <= 1.0


def test_chunker_deep_baseline_gets_at_least_the_updates_and_the_time_of_a_and_c():
    exp, _ = train("chunker-deep", steps=5)
    metrics = exp.evaluate()
    assert metrics["updates_chunker"] == 10  # one update of A and one of C per step
    assert metrics["updates_baseline"] >= metrics["updates_chunker"]
    assert metrics["seconds_baseline"] >= metrics["seconds_chunker"] > 0


def test_chunker_deep_snapshot_has_the_compressed_stream_and_the_gradient_probe():
    exp, _ = train("chunker-deep", steps=3)
    snap = exp.snapshot()
    assert isinstance(snap, ChunkerDeepSnapshot) and snap.T == 50
    assert snap.sequence.shape == (50,) and snap.p_actual.shape == (50,) and snap.surprises[0]
    assert list(snap.event_positions) == list(np.nonzero(snap.surprises)[0])
    assert list(snap.event_symbols) == list(snap.sequence[snap.event_positions])
    assert snap.gradient_by_depth.shape == (49,) and snap.gradient_by_depth[0] > 0
    assert 0 <= snap.effective_depth_baseline <= 48


@pytest.mark.parametrize("name", ["chunker-22", "chunker-deep"])
def test_same_seed_same_numbers(name):
    few = {"chunker-22": {"blocks": 4}, "chunker-deep": {"steps": 3}}[name]
    drop = {"loss_baseline", "trigger_accuracy_baseline"}  # the baseline's update count follows wall time
    _, a = train(name, seed=3, **few)
    _, b = train(name, seed=3, **few)
    _, c = train(name, seed=4, **few)
    strip = [{k: v for k, v in r.items() if k not in drop} for r in a]
    assert strip == [{k: v for k, v in r.items() if k not in drop} for r in b]
    assert a != c


def test_live_changes_reach_the_optimisers_and_fixed_params_refuse():
    exp, _ = train("chunker-deep", steps=1)
    exp.update(lr_c=0.123, threshold=0.3)
    assert exp.optimizers["chunker"].param_groups[0]["lr"] == 0.123 and exp.p["threshold"] == 0.3
    assert exp.optimizers["automatizer"].param_groups[0]["lr"] == 0.03
    with pytest.raises(ParamError, match="T: cannot change"):
        exp.update(T=100)


def test_state_dict_round_trip():
    exp, _ = train("chunker-22", blocks=6)
    fresh, _ = train("chunker-22", blocks=1)
    assert fresh.evaluate() != exp.evaluate()
    fresh.load_state_dict(exp.state_dict())
    assert fresh.evaluate() == exp.evaluate()


@pytest.mark.parametrize(
    ("name", "short", "keys"),
    [
        ("chunker-22", ["blocks=5", "eval_blocks=5"], {"label_accuracy", "label_accuracy_single",
                                                       "surprises_per_block"}),
        ("chunker-deep", ["T=60", "steps=3", "eval_sequences=10"], {"trigger_accuracy", "trigger_accuracy_baseline",
                                                                   "compressed_length"}),
    ],
)
def test_cli_run_reports_the_metrics(name, short, keys, tmp_path):
    out = tmp_path / "run.json"
    code = main(["run", name, "--set", *short, "--json", str(out), "--no-save", "--quiet"])
    assert code == 0
    summary = json.loads(out.read_text())
    assert summary["status"] == "finished" and summary["preset"] == get_experiment(name).default_preset
    assert keys <= set(summary["metrics"])
