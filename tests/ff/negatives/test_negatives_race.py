"""The `negatives` race: fairness between contestants, multi-seed figures, the CLI."""

import json

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.cli import main
from fflab.ff.negatives import NEGATIVE_STRATEGIES
from tests.training import advance

TINY = {"dataset": "digits", "hidden": (24, 24), "steps": 6, "eval_every": 3, "eval_samples": 100, "batch_size": 50}


def race(seed=0, preset="digits-race", **overrides):
    cls = get_experiment("negatives")
    return cls(cls.resolve_params(preset, {**TINY, **overrides}), seed=seed, device="cpu")


def record_batches(exp):
    """Wrap every contestant's next_batch to log the positive batch it trains on."""
    seen = {name: [] for name in exp.contestants}
    for name, contestant in exp.contestants.items():
        def logged(original=contestant.next_batch, name=name):
            x, y = original()
            seen[name].append((x.clone(), y.clone()))
            return x, y
        contestant.next_batch = logged
    return seen


def test_contestants_start_from_identical_weights():
    exp = race(strategies="wrong_label,masked,hard_label,hinton_hybrid")
    states = [c.state_dict() for c in exp.contestants.values()]
    for state in states[1:]:
        assert state.keys() == states[0].keys()
        assert all(torch.equal(state[k], states[0][k]) for k in state)
    other_seed = race(seed=1, strategies="wrong_label")
    w = "layers.0.linear.weight"
    assert not torch.equal(other_seed.contestants["wrong_label"].state_dict()[w], states[0][w])


def test_contestants_see_identical_positive_batches_in_the_same_order():
    exp = race()  # every strategy
    seen = record_batches(exp)
    advance(exp, 5)
    reference = seen["wrong_label"]
    assert len(reference) == 5
    assert len({tuple(y.tolist()) for _, y in reference}) > 1  # the batches do change from step to step
    for name, batches in seen.items():
        assert len(batches) == len(reference), name
        for (x, y), (x_ref, y_ref) in zip(batches, reference, strict=True):
            assert torch.equal(x, x_ref) and torch.equal(y, y_ref), name
        c = exp.contestants[name]
        # the overlaid positives (what the layers actually see) agree too
        assert torch.equal(c._examples[0], exp.contestants["wrong_label"]._examples[0]), name
        assert c.samples_seen == exp.contestants["wrong_label"].samples_seen and c.steps_done == 5


def test_the_batch_order_does_not_depend_on_who_races():
    a, b = race(strategies="wrong_label,hard_label"), race(strategies="masked")
    seen_a, seen_b = record_batches(a), record_batches(b)
    advance(a, 4)
    advance(b, 4)
    for (_, y_a), (_, y_b) in zip(seen_a["hard_label"], seen_b["masked"], strict=True):
        assert torch.equal(y_a, y_b)


def test_metrics_per_strategy_snapshot_and_ranking():
    exp = race(strategies="wrong_label,hinton_hybrid,class_confusion")
    records = advance(exp)
    names = ("wrong_label", "hinton_hybrid", "class_confusion")
    for record in records:
        assert all(f"loss.{s}" in record and f"separation.{s}" in record for s in names)
    assert all(f"test_accuracy.{s}" in records[2] for s in names) and "test_accuracy.wrong_label" not in records[0]
    snap = exp.snapshot()
    assert set(snap.examples) == set(names) and snap.strategies == names
    example = snap.examples["hinton_hybrid"]
    assert example.positive_images.shape == example.negative_images.shape
    assert example.positive_images.shape[1:] == (8, 8) and len(example.negative_labels) == len(example.positive_labels)
    assert set(snap.loss) == set(snap.separation) == set(snap.test_accuracy) == set(names)
    accuracies = [acc for _, acc in snap.ranking]
    assert accuracies == sorted(accuracies, reverse=True) and len(accuracies) == 3
    final = exp.final_metrics()
    assert set(final) == {f"test_accuracy.{s}" for s in names} | {"seeds_done"}


def test_several_seeds_give_mean_and_spread():
    exp = race(strategies="wrong_label,random_label", seeds=2, steps=3)
    assert exp.total_steps == 6
    records = advance(exp)
    assert [r["seed"] for r in records] == [0, 0, 0, 1, 1, 1]
    final = exp.final_metrics()
    assert final["seeds_done"] == 2
    for s in ("wrong_label", "random_label"):
        values = [r[s] for r in exp.seed_results]
        assert final[f"test_accuracy.{s}"] == pytest.approx(sum(values) / 2)
        assert final[f"test_accuracy_std.{s}"] == pytest.approx(abs(values[0] - values[1]) / 2**0.5)


def test_greedy_full_batch_race_and_live_changes():
    exp = race(preset="published-table", strategies="wrong_label,hybrid_mix", steps=2)
    assert exp.total_steps == 4
    advance(exp, 1)
    exp.update(lr=0.5, hybrid_alpha=0.2)
    for c in exp.contestants.values():
        assert c.optimizers[0].param_groups[0]["lr"] == 0.5 and c.p["hybrid_alpha"] == 0.2
    advance(exp, 3)
    assert set(exp.final_metrics()) == {"test_accuracy.wrong_label", "test_accuracy.hybrid_mix", "seeds_done"}


def test_state_round_trip():
    exp = race(strategies="wrong_label,masked")
    advance(exp, 2)
    clone = race(strategies="wrong_label,masked", seed=7)
    clone.load_state_dict(exp.state_dict())
    x = exp.x_test[:40]
    for name in ("wrong_label", "masked"):
        assert torch.equal(clone.contestants[name].predict(x), exp.contestants[name].predict(x))


def test_cli_digits_race_writes_an_accuracy_per_strategy(tmp_path, capsys):
    out = tmp_path / "race.json"
    code = main(["run", "negatives", "--preset", "digits-race", "--set", "steps=4", "eval_every=2", "hidden=16",
                 "batch_size=50", "--no-save", "--quiet", "--json", str(out)])
    assert code == 0, capsys.readouterr().err
    metrics = json.loads(out.read_text())["metrics"]
    for name in NEGATIVE_STRATEGIES:
        assert 0.0 <= metrics[f"test_accuracy.{name}"] <= 1.0
    assert not any(k.startswith("test_accuracy_std.") for k in metrics)
    code = main(["run", "negatives", "--preset", "digits-race", "--set", "strategies=wrong_label,masked", "seeds=2",
                 "steps=2", "hidden=16", "--no-save", "--quiet", "--json", str(out)])
    metrics = json.loads(out.read_text())["metrics"]
    assert code == 0 and {"test_accuracy_std.wrong_label", "test_accuracy_std.masked"} <= set(metrics)


@pytest.mark.parametrize("name", list(NEGATIVE_STRATEGIES))
def test_ff_trains_with_every_strategy(name):
    cls = get_experiment("ff")
    exp = cls(cls.resolve_params("digits-quick", {"negatives": name, "hidden": (16,), "steps": 3}), seed=0)
    for _ in range(3):
        record = exp.advance()
    assert record["loss.layer1"] == record["loss.layer1"]  # not NaN
    assert exp.snapshot().examples.negative_images.shape[1:] == (8, 8)


def test_records_carry_the_step_within_each_seed_for_curves_over_seeds():
    exp = race(strategies="wrong_label", seeds=2, steps=3)
    records = advance(exp)
    assert [r["seed_step"] for r in records] == [1, 2, 3, 1, 2, 3]
