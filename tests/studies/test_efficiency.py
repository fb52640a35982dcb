"""The efficiency experiment: activation memory against depth, the race to a target, layer-parallel FF, the CLI."""

from __future__ import annotations

import copy
import json

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.cli import EXIT_BAD_INPUT, main
from fflab.params import ParamError
from fflab.studies.efficiency.experiment import Efficiency
from fflab.studies.efficiency.measure import LayerPipeline, SavedActivationMeter
from tests.training import advance

pytestmark = pytest.mark.usefixtures("one_thread")

TINY = {"dataset": "digits", "width": 32, "depth": 2, "depths": (1, 2, 4, 8), "epochs": 2.0, "eval_every": 10,
        "eval_samples": 100, "parallel_steps": 0}


def build(**overrides) -> Efficiency:
    return Efficiency(Efficiency.resolve_params("digits-quick", {**TINY, **overrides}), seed=0)


def test_registered_with_presets_that_resolve():
    assert get_experiment("efficiency") is Efficiency
    for name in Efficiency.presets:
        Efficiency.resolve_params(name)


def test_backprop_activations_grow_linearly_with_depth_and_layer_local_ff_stays_flat():
    exp = build(depths=(1, 2, 4, 8))
    records = advance(exp, 4)
    assert exp.phase == "race"
    memory = exp.activation_bytes
    bp, ff, summed = (memory[name] for name in ("bp", "ff", "ff_summed"))
    # backprop keeps every layer's activations until its one backward: a fixed amount more per layer
    per_layer = bp[2] - bp[1]
    assert per_layer > 0
    for depth in (4, 8):
        assert bp[depth] - bp[1] == pytest.approx((depth - 1) * per_layer, rel=0.01)
    # FF trained layer by layer frees each graph before the next: past the first layer (narrower input), flat
    assert ff[2] == ff[4] == ff[8]
    assert ff[8] < bp[8] and ff[8] < summed[8] / 3
    # the FF page's step holds every layer's graph until one backward over the summed losses: it grows too
    assert summed[8] > summed[4] > summed[2] > summed[1]
    assert records[3]["memory_ratio.depth8"] == pytest.approx(bp[8] / ff[8])
    assert records[0]["memory_ratio.depth1"] < records[3]["memory_ratio.depth8"]


def test_meter_counts_a_saved_storage_once_leaves_weights_out_and_releases_after_backward():
    weight = torch.nn.Parameter(torch.randn(5, 7))
    x = torch.randn(3, 7)
    meter = SavedActivationMeter(exclude=[weight])
    with meter:
        hidden = torch.relu(x @ weight.t())  # mm saves x (and the weight, left out); relu saves its output
        loss = (hidden * hidden).sum()  # saves `hidden` twice: counted once
    assert meter.peak_bytes == x.nbytes + hidden.nbytes
    loss.backward()
    assert meter.live_bytes == 0


def test_layer_parallel_computes_what_the_sequential_pipeline_computes():
    exp = build(depth=3, parallel_steps=0)
    source = exp.racers["ff"]
    sequential = LayerPipeline(source, copy.deepcopy(source.layers), concurrent=False)
    concurrent = LayerPipeline(source, copy.deepcopy(source.layers), concurrent=True)
    start = copy.deepcopy(source.layers.state_dict())
    pairs = [source._make_pair(*source.next_batch(), source.gen, keep=False) for _ in range(4)]
    sequential.run(pairs[:1])
    # after one tick only layer 1 has trained: the others wait for its output
    after_one = sequential.layers.state_dict()
    assert not torch.equal(after_one["0.linear.weight"], start["0.linear.weight"])
    assert torch.equal(after_one["2.linear.weight"], start["2.linear.weight"])
    sequential.run(pairs[1:])
    concurrent.run(pairs[:1])
    concurrent.run(pairs[1:])
    for name, value in sequential.layers.state_dict().items():
        torch.testing.assert_close(concurrent.layers.state_dict()[name], value)


def test_a_whole_run_reports_time_accuracy_memory_and_speedup():
    exp = build(depths=(1, 3), parallel_steps=12, target_accuracy=0.1)
    planned = exp.total_steps
    records = advance(exp)
    assert exp.steps_done == planned == 2 + 2 + exp.race_steps  # 12 parallel steps: two blocks
    assert exp.done and exp.phase == "done"
    final = exp.final_metrics()
    for name in ("ff", "bp"):
        assert final[f"seconds_per_epoch.{name}"] > 0
        assert 0.0 <= final[f"test_accuracy.{name}"] <= 1.0
        curve = exp.snapshot().curves[name]
        first = next(i for i, accuracy in enumerate(curve.accuracy) if accuracy >= 0.1)  # about chance
        assert final[f"reached_target.{name}"] == 1.0
        assert final[f"time_to_target.{name}"] == curve.seconds[first]
        assert final[f"samples_to_target.{name}"] == curve.samples[first] == 100 * min(10 * (first + 1), exp.race_steps)
        for depth in (1, 3):
            assert final[f"activation_bytes.{name}.depth{depth}"] > 0
    assert final["time_ratio"] == pytest.approx(final["seconds_per_epoch.ff"] / final["seconds_per_epoch.bp"])
    assert set(final) >= {"memory_ratio.depth1", "memory_ratio.depth3", "parallel_speedup", "time_to_target_ratio"}
    assert final["parallel_speedup"] > 0 and exp.parallel.ticks == 12
    snap = exp.snapshot()
    evaluations = [r for r in records if "test_accuracy.ff" in r]
    assert len(snap.curves["ff"].accuracy) == len(evaluations) == -(-exp.race_steps // 10)
    assert snap.depths == (1, 3) and len(snap.activation_bytes["bp"]) == 2
    assert snap.parallel.ticks == 12 and snap.parallel.speedup == final["parallel_speedup"]
    # the training clocks only ever go forward, and evaluation is not counted in them
    seconds = snap.curves["bp"].seconds
    assert list(seconds) == sorted(seconds) and seconds[-1] == pytest.approx(exp.train_seconds["bp"])


def test_a_target_not_reached_is_said_so_without_a_time():
    exp = build(depths=(1,), target_accuracy=1.0, epochs=0.5)
    advance(exp)
    final = exp.final_metrics()
    assert final["reached_target.ff"] == 0.0 and "time_to_target.ff" not in final
    assert "time_to_target_ratio" not in final


def test_bad_input_is_refused_with_a_message_naming_the_parameter():
    with pytest.raises(ParamError, match="depths"):
        Efficiency.resolve_params(None, {"depths": "0,2"})
    with pytest.raises(ParamError, match="target_accuracy"):
        Efficiency.resolve_params(None, {"target_accuracy": 1.5})
    with pytest.raises(ParamError, match="width: .*million weights"):
        build(width=4000, depths=(32,))
    assert main(["run", "efficiency", "--set", "width=2", "--no-save", "--quiet"]) == EXIT_BAD_INPUT


def test_a_depth_of_one_skips_the_layer_parallel_test_and_says_why():
    exp = build(depth=1, depths=(1,), parallel_steps=20, epochs=0.2)
    assert exp.parallel_blocks == 0
    assert any("layer-parallel" in note for note in exp.notes)
    advance(exp)
    assert "parallel_speedup" not in exp.final_metrics()


def test_cli_prints_the_comparison(tmp_path, capsys):
    out = tmp_path / "efficiency.json"
    code = main(["run", "efficiency", "--preset", "digits-quick", "--set", "width=32", "depths=1,2", "epochs=1",
                 "eval_every=5", "parallel_steps=10", "--max-seconds", "20", "--no-save", "--quiet",
                 "--json", str(out)])
    assert code == 0, capsys.readouterr().err
    summary = json.loads(out.read_text())
    assert summary["status"] == "finished"
    metrics = summary["metrics"]
    expected = {"seconds_per_epoch.ff", "seconds_per_epoch.bp", "time_ratio", "test_accuracy.ff", "test_accuracy.bp",
                "activation_bytes.ff.depth2", "activation_bytes.bp.depth2", "memory_ratio.depth2", "parallel_speedup"}
    assert expected <= set(metrics)
    assert "time_ratio" in capsys.readouterr().out
