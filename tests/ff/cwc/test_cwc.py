"""Channel-wise Competitive FF (`cwc`): CFSE blocks, the class-goodness loss, locality, learning, the CLI."""

import json
import math

import pytest
import torch

import fflab.ff.cwc.experiment as cwc_module
from fflab.catalog import get_experiment
from fflab.cli import main
from fflab.ff.cwc.core import cfse_blocks, class_goodness, class_goodness_matrix, cwc_loss, true_and_rival_goodness
from fflab.figures import class_goodness_figure, is_waiting
from fflab.params import ParamError
from tests.training import advance

pytestmark = pytest.mark.usefixtures("one_thread")

TINY = {"dataset": "digits", "channels": (10, 20, 20, 40), "batch_size": 64, "steps": 6, "epochs": 0.0,
        "eval_every": 3, "eval_samples": 100}


def build(**overrides):
    cls = get_experiment("cwc")
    return cls(cls.resolve_params("digits-quick", {**TINY, **overrides}), seed=0, device="cpu")


# -- blocks ----------------------------------------------------------------------------------
def test_cfse_net_alternates_standard_and_class_grouped_convolutions():
    blocks = cfse_blocks((20, 40, 60, 80), num_classes=10)
    assert [b.conv.groups for b in blocks] == [1, 10, 1, 10]
    assert blocks[1].conv.weight.shape == (40, 2, 3, 3)  # each output channel sees its class's 2 inputs
    h, shapes = torch.randn(5, 1, 8, 8), []
    for block in blocks:
        h = block(h)
        shapes.append(tuple(h.shape))
    assert shapes == [(5, 20, 8, 8), (5, 40, 4, 4), (5, 60, 4, 4), (5, 80, 2, 2)]
    assert [b.conv.groups for b in cfse_blocks((20, 40), 10, grouped=False)] == [1, 1]
    with pytest.raises(ValueError, match="25 is not a multiple of the 10 classes"):
        cfse_blocks((20, 25), 10)


def test_a_grouped_layer_keeps_each_class_group_to_itself():
    block = cfse_blocks((20, 40), num_classes=10)[1].eval()
    x = torch.randn(3, 20, 6, 6)
    nudged = x.clone()
    nudged[:, 4:6] += 1.0  # the input channels of class 2
    changed = (block(nudged) - block(x)).abs().amax(dim=(0, 2, 3)) > 0
    assert changed.nonzero().flatten().tolist() == [8, 9, 10, 11]  # class 2's output channels only


def test_experiment_refuses_channels_that_do_not_split_by_class():
    with pytest.raises(ParamError, match="channels: 15 is not a multiple of the 10 classes"):
        build(channels=(10, 15))
    with pytest.raises(ParamError, match="too often for 8×8 images"):
        build(channels=(10,) * 8)


# -- goodness and loss -------------------------------------------------------------------------
def test_class_goodness_is_each_groups_mean_square():
    activity = torch.zeros(1, 4, 2, 2)
    activity[0, 0] = 1.0  # group 0: channels 0-1, mean of squares = 4 / 8
    activity[0, 3, 0, 0] = 4.0  # group 1: channels 2-3, 16 / 8
    assert class_goodness(activity, 2).tolist() == [[0.5, 2.0]]


def test_cwc_loss_is_cross_entropy_over_the_class_goodness():
    goodness = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 3.0]])
    labels = torch.tensor([0, 2])
    by_hand = [-math.log(math.exp(2) / (math.exp(2) + 2)), -math.log(math.exp(3) / (1 + math.e + math.exp(3)))]
    assert math.isclose(cwc_loss(goodness, labels).item(), sum(by_hand) / 2, rel_tol=1e-6)
    true, rivals = true_and_rival_goodness(goodness, labels)
    assert true.tolist() == [2.0, 3.0] and rivals.tolist() == [0.0, 0.5]


def test_class_goodness_matrix_averages_by_true_class():
    goodness = torch.tensor([[4.0, 0.0, 1.0], [2.0, 2.0, 1.0], [0.0, 5.0, 0.0]])
    matrix = class_goodness_matrix(goodness, torch.tensor([0, 0, 1]), 3)
    assert matrix[:2].tolist() == [[3.0, 1.0, 1.0], [0.0, 5.0, 0.0]]
    assert torch.isnan(matrix[2]).all()  # no image of class 2


# -- training ------------------------------------------------------------------------------------
def test_no_gradient_reaches_a_lower_layer_from_a_higher_layers_loss(monkeypatch):
    exp = build()
    reached = []

    def checked_loss(goodness, labels):
        loss = cwc_loss(goodness, labels)
        layer = len(reached) % len(exp.blocks)
        if torch.is_grad_enabled():
            lower = [p for block in exp.blocks[:layer] for p in block.parameters()]
            own = list(exp.blocks[layer].parameters())
            grads = torch.autograd.grad(loss, lower + own, allow_unused=True, retain_graph=True)
            reached.append(([g is not None for g in grads[: len(lower)]], all(g is not None for g in grads[len(lower):])))
        return loss

    monkeypatch.setattr(cwc_module, "cwc_loss", checked_loss)
    advance(exp, 2)
    assert len(reached) == 2 * len(exp.blocks)
    for lower_reached, own_reached in reached:
        assert own_reached and not any(lower_reached)


def test_cwc_learns_digits_in_a_few_seconds():
    exp = build(steps=60, lr=0.003, eval_every=30, eval_samples=360)
    records = advance(exp)
    first = sum(r["loss.layer2"] for r in records[:5]) / 5
    last = sum(r["loss.layer2"] for r in records[-5:]) / 5
    assert last < first - 0.3
    assert records[-1]["goodness_pos.layer4"] > records[-1]["goodness_neg.layer4"]
    final = exp.final_metrics()
    for predictor in ("goodness", "goodness_last", "softmax"):
        assert final[f"test_accuracy.{predictor}"] > 0.85, final
    assert final["test_accuracy"] == final["test_accuracy.goodness"]


def test_layers_stop_learning_at_their_epoch():
    exp = build(batch_size=500, steps=5, layer_epochs=(1, 0))  # 1437 digits: epoch 1 ends in step 3
    records = advance(exp, 3)
    first = [p.detach().clone() for p in exp.blocks[0].parameters()]
    second = [p.detach().clone() for p in exp.blocks[1].parameters()]
    records += advance(exp, 2)
    assert [r["layers_learning"] for r in records] == [4, 4, 4, 3, 3]
    assert all(torch.equal(a, b) for a, b in zip(first, exp.blocks[0].parameters(), strict=True))
    assert not all(torch.equal(a, b) for a, b in zip(second, exp.blocks[1].parameters(), strict=True))


def test_live_changes_snapshot_figure_and_state_round_trip():
    exp = build()
    snap = exp.snapshot()  # before any evaluation: a probe of held-out images
    assert len(snap.class_goodness) == 4 and snap.class_goodness[0].shape == (10, 10)
    records = advance(exp)
    assert {"test_accuracy.goodness", "test_accuracy.softmax", "loss.layer4", "head_loss"} <= set(records[2])
    exp.update(lr=0.002, head_lr=0.05)
    assert exp.optimizers[3].param_groups[0]["lr"] == 0.002 and exp.head_optimizer.param_groups[0]["lr"] == 0.05
    snap = exp.snapshot()
    evaluation = snap.evaluation
    assert evaluation.images == 100 and evaluation.step == 6 and len(evaluation.layer_accuracy) == 4
    assert set(evaluation.predictor_accuracy) == {"goodness", "goodness_last", "softmax"}
    assert snap.first_layer_filters.shape == (10, 3, 3) and snap.classifier.confusion.sum() == 100
    assert not is_waiting(class_goodness_figure(snap.class_goodness, evaluation.layer_accuracy,
                                                snap.classifier.class_names, evaluation.images, evaluation.step))
    clone = get_experiment("cwc")(exp.p, seed=5)
    clone.load_state_dict(exp.state_dict())
    x = exp.x_test[:50]
    assert torch.equal(clone.predict(x), exp.predict(x))


def test_cli_runs_cwc(tmp_path, capsys):
    out = tmp_path / "cwc.json"
    code = main(["run", "cwc", "--preset", "digits-quick", "--set", "channels=10,20", "epochs=0", "steps=4",
                 "eval_every=2", "--max-seconds", "20", "--no-save", "--quiet", "--json", str(out)])
    assert code == 0, capsys.readouterr().err
    metrics = json.loads(out.read_text())["metrics"]
    assert {"test_accuracy.goodness", "test_accuracy.goodness_last", "test_accuracy.softmax"} <= set(metrics)
    assert 0.0 <= metrics["test_error"] <= 1.0
