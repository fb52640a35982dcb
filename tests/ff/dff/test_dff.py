"""Distance-Forward (`dff`): distances to class centres, the N-pair margin loss, locality, learning, the CLI."""

import json
import math

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.cli import main
from fflab.ff.dff.core import (
    centre_distances,
    class_distance_matrix,
    n_pair_margin_loss,
    rival_mask,
    true_and_nearest_rival,
)
from fflab.figures import centre_distance_figure, is_waiting
from tests.training import advance

pytestmark = pytest.mark.usefixtures("one_thread")

TINY = {"dataset": "digits", "hidden": (32, 32), "batch_size": 64, "steps": 6, "epochs": 0.0, "eval_every": 3,
        "eval_samples": 100}


def build(**overrides):
    cls = get_experiment("dff")
    return cls(cls.resolve_params("digits-quick", {**TINY, **overrides}), seed=0, device="cpu")


# -- distances and the loss -------------------------------------------------------------------
def test_distances_on_the_sphere_ignore_scale_and_euclidean_ones_average_over_units():
    activity = torch.tensor([[3.0, 0.0]])
    centres = torch.tensor([[1.0, 0.0], [0.0, 5.0], [-2.0, 0.0]])
    assert torch.allclose(centre_distances(activity, centres, "sphere"), torch.tensor([[0.0, 2.0, 4.0]]), atol=1e-4)
    assert centre_distances(activity, centres, "euclidean").tolist() == [[2.0, 17.0, 12.5]]


def test_n_pair_margin_loss_by_hand():
    distances = torch.tensor([[0.2, 1.0, 0.5], [0.9, 0.3, 0.4]])
    labels = torch.tensor([0, 2])
    margin, scale = 0.1, 2.0
    first = math.log(1 + math.exp(scale * (0.2 - 1.0 + margin)) + math.exp(scale * (0.2 - 0.5 + margin)))
    second = math.log(1 + math.exp(scale * (0.4 - 0.9 + margin)) + math.exp(scale * (0.4 - 0.3 + margin)))
    loss = n_pair_margin_loss(distances, labels, margin, scale)
    assert math.isclose(loss.item(), (first + second) / 2, rel_tol=1e-6)
    hardest = rival_mask(distances, labels, "hardest")
    assert hardest.tolist() == [[False, False, True], [False, True, False]]
    only_hardest = math.log(1 + math.exp(scale * (0.2 - 0.5 + margin)))
    assert math.isclose(n_pair_margin_loss(distances[:1], labels[:1], margin, scale, hardest[:1]).item(),
                        only_hardest, rel_tol=1e-6)
    # A rival nearer than the true centre costs more than one beyond the margin.
    assert n_pair_margin_loss(torch.tensor([[0.5, 0.2]]), labels[:1], 0.1, 2.0) > \
        n_pair_margin_loss(torch.tensor([[0.2, 0.5]]), labels[:1], 0.1, 2.0)


def test_rivals_are_wrong_classes_only():
    distances = torch.rand(200, 10)
    labels = torch.randint(0, 10, (200,))
    rows = torch.arange(200)
    every = rival_mask(distances, labels, "all")
    assert every.sum(dim=1).eq(9).all() and not every[rows, labels].any()
    one = rival_mask(distances, labels, "random", torch.Generator().manual_seed(0))
    assert one.sum(dim=1).eq(1).all() and not one[rows, labels].any()
    assert len(set(one.float().argmax(dim=1).tolist())) == 10  # the wrong class varies


def test_true_and_nearest_rival_and_the_class_matrix():
    distances = torch.tensor([[0.2, 1.0, 0.5], [0.9, 0.3, 0.4], [0.1, 0.2, 0.3]])
    true, rival = true_and_nearest_rival(distances, torch.tensor([0, 2, 0]))
    assert torch.allclose(true, torch.tensor([0.2, 0.4, 0.1])) and torch.allclose(rival, torch.tensor([0.5, 0.3, 0.2]))
    matrix = class_distance_matrix(distances, torch.tensor([0, 0, 1]), 3)
    assert torch.allclose(matrix[:2], torch.tensor([[0.55, 0.65, 0.45], [0.1, 0.2, 0.3]]))
    assert torch.isnan(matrix[2]).all()  # no image of class 2


# -- training ------------------------------------------------------------------------------------
@pytest.mark.parametrize("gamma", [0.0, 0.7])
def test_each_layers_loss_reaches_only_its_own_weights_and_centres(gamma):
    exp = build(hidden=(16, 16, 16), collab_gamma=gamma)
    x, y = exp.next_batch()
    losses = exp.layer_losses(exp.layer_distances(x), y)
    params = [list(layer.parameters()) for layer in exp.layers]
    for i, loss in enumerate(losses):
        for j, own in enumerate(params):
            grads = torch.autograd.grad(loss, own, allow_unused=True, retain_graph=True)
            reached = [g is not None and bool(g.abs().sum() > 0) for g in grads]
            assert all(reached) if i == j else not any(reached), (i, j, reached)


def test_dff_learns_digits_in_a_few_seconds():
    exp = build(hidden=(64, 64), steps=120, lr=0.003, eval_every=60, eval_samples=360)
    records = advance(exp)
    first = sum(r["loss.layer2"] for r in records[:5]) / 5
    last = sum(r["loss.layer2"] for r in records[-5:]) / 5
    assert last < first / 2
    assert records[-1]["distance_rival.layer2"] > records[-1]["distance_true.layer2"]
    final = exp.final_metrics()
    assert final["test_accuracy.all_layers"] > 0.85 and final["test_accuracy.last_layer"] > 0.85, final
    assert final["test_accuracy"] == final["test_accuracy.all_layers"]
    assert exp.snapshot().evaluation.step == 120  # the final evaluation scored the weights after 120 steps


def test_live_changes_snapshot_figure_and_state_round_trip():
    exp = build()
    snap = exp.snapshot()  # before any evaluation: a probe of held-out images
    assert len(snap.centre_distance) == 2 and snap.centre_distance[0].shape == (10, 10)
    records = advance(exp)
    assert {"test_accuracy.all_layers", "test_accuracy.last_layer", "loss.layer2", "distance_true.layer1"} <= set(
        records[2])
    exp.update(lr=0.002, margin=0.3, predict="last_layer")
    assert exp.optimizers[1].param_groups[0]["lr"] == 0.002
    snap = exp.snapshot()
    evaluation = snap.evaluation
    assert evaluation.images == 100 and evaluation.step == 6 and len(evaluation.layer_accuracy) == 2
    assert snap.classifier.confusion.sum() == 100 and snap.distance == "sphere"
    assert not is_waiting(centre_distance_figure(snap.centre_distance, evaluation.layer_accuracy,
                                                 snap.classifier.class_names, evaluation.images, evaluation.step))
    clone = get_experiment("dff")(exp.p, seed=5)
    clone.load_state_dict(exp.state_dict())
    x = exp.x_test[:50]
    assert torch.equal(clone.predict(x), exp.predict(x))
    assert torch.equal(clone.layers[1].centres, exp.layers[1].centres)


def test_cli_runs_dff(tmp_path, capsys):
    out = tmp_path / "dff.json"
    code = main(["run", "dff", "--preset", "digits-quick", "--set", "hidden=16", "epochs=0", "steps=4",
                 "eval_every=2", "rivals=hardest", "--max-seconds", "20", "--no-save", "--quiet", "--json", str(out)])
    assert code == 0, capsys.readouterr().err
    metrics = json.loads(out.read_text())["metrics"]
    assert {"test_accuracy.all_layers", "test_accuracy.last_layer", "train_accuracy"} <= set(metrics)
    assert 0.0 <= metrics["test_error"] <= 1.0
