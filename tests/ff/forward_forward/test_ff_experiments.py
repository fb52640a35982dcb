import pytest
import torch

from fflab.catalog import get_experiment
from fflab.ff.negatives import NEGATIVE_STRATEGIES


def train(name, steps, seed=0, preset="digits-quick", **overrides):
    cls = get_experiment(name)
    params = cls.resolve_params(preset, {"steps": steps, "eval_every": max(1, steps // 4), "hidden": (200, 200), **overrides})
    exp = cls(params, seed=seed, device="cpu")
    records = []
    while not exp.done:
        records.append(exp.advance())
    return exp, records


def test_ff_learns_digits_well_above_chance():
    exp, records = train("ff", 300)
    accuracies = [r["test_accuracy"] for r in records if "test_accuracy" in r]
    assert accuracies[-1] > 0.8, accuracies
    assert accuracies[-1] > accuracies[0]
    # positives end above negatives in every layer
    last = records[-1]
    assert last["goodness_pos.layer1"] > last["goodness_neg.layer1"]
    assert last["goodness_pos.layer2"] > last["goodness_neg.layer2"]
    assert exp.final_metrics()["test_accuracy"] > 0.8


def test_ff_loss_falls():
    _, records = train("ff", 200)
    first = sum(r["loss.layer1"] for r in records[:20]) / 20
    last = sum(r["loss.layer1"] for r in records[-20:]) / 20
    assert last < first - 0.05


@pytest.mark.parametrize(
    "overrides",
    [
        {"preset": "mpezeshki", "dataset": "digits"},
        {"schedule": "greedy"},
        {"predict": "softmax", "skip_first": True, "peer_norm": 0.03},
        {"loss": "symba", "goodness": "sum", "optimizer": "sgd", "lr": 0.05},
    ],
)
def test_ff_variants_beat_chance(overrides):
    exp, _ = train("ff", 150, **overrides)
    assert exp.final_metrics()["test_accuracy"] > 0.3, overrides


def test_greedy_schedule_trains_one_layer_after_another():
    exp, records = train("ff", 10, schedule="greedy")
    assert exp.total_steps == 20
    assert "loss.layer1" in records[0] and "loss.layer2" not in records[0]
    assert "loss.layer2" in records[-1] and "loss.layer1" not in records[-1]


def test_the_full_batch_greedy_steps_match_the_per_step_concatenated_path(monkeypatch):
    """On the full batch each layer's normalised input is made once per phase; the result must be what
    normalising [pos; neg] at every step gives (the path minibatches and PCL take)."""
    from fflab.ff.forward_forward.experiment import ForwardForward

    fast, fast_records = train("ff", 6, preset="mpezeshki", dataset="digits", hidden=(64, 64))
    monkeypatch.setattr(ForwardForward, "_normalised_once", lambda self: False)
    slow, slow_records = train("ff", 6, preset="mpezeshki", dataset="digits", hidden=(64, 64))
    assert len(fast_records) == len(slow_records) == 12
    for a, b in zip(fast_records, slow_records, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key], rel=1e-5, abs=1e-7), key
    assert fast.final_metrics()["test_accuracy"] == pytest.approx(slow.final_metrics()["test_accuracy"], abs=1e-3)


def test_same_seed_same_curve_other_seed_other_curve():
    _, a = train("ff", 30, seed=3)
    _, b = train("ff", 30, seed=3)
    _, c = train("ff", 30, seed=4)
    assert [r["loss.layer1"] for r in a] == [r["loss.layer1"] for r in b]
    assert [r["loss.layer1"] for r in a] != [r["loss.layer1"] for r in c]


def test_backprop_baseline_learns_digits():
    exp, _ = train("bp", 300)
    assert exp.final_metrics()["test_accuracy"] > 0.9


def test_live_learning_rate_reaches_the_optimiser():
    exp, _ = train("ff", 2)
    exp.update(lr=0.123, threshold=3.0)
    assert exp.optimizers[0].param_groups[0]["lr"] == 0.123 and exp.p["threshold"] == 3.0
    with pytest.raises(ValueError, match="hidden: cannot change while a run is going"):
        exp.update(hidden=(10,))


def test_snapshot_and_weights_round_trip():
    exp, _ = train("ff", 5)
    snap = exp.snapshot()
    assert len(snap.goodness_pos) == 2 and snap.first_layer_weights.shape[1:] == (8, 8)
    assert snap.examples.positive_images.shape == snap.examples.negative_images.shape
    assert snap.classifier.confusion.sum() > 0
    clone = get_experiment("ff")(exp.p, seed=9)
    clone.load_state_dict(exp.state_dict())
    x = exp.x_test[:50]
    assert torch.equal(clone.predict(x), exp.predict(x))


def test_wrong_label_never_equals_the_true_label():
    labels = torch.arange(10).repeat(100)
    gen = torch.Generator().manual_seed(0)
    _, wrong = NEGATIVE_STRATEGIES["wrong_label"].fn(torch.zeros(1000, 4), labels, 10, gen)
    assert not (wrong == labels).any()
    assert set(wrong.tolist()) == set(range(10))


def test_huge_learning_rate_is_reported_as_nan_not_hidden():
    exp, records = train("ff", 40, lr=1.0, optimizer="sgd", goodness="sum", norm="none", threshold=1.0)
    values = [v for r in records for k, v in r.items() if k.startswith("loss.")]
    assert any(v != v or v == float("inf") for v in values) or exp.final_metrics()["test_accuracy"] < 0.5
