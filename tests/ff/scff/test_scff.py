"""Self-Contrastive Forward-Forward: pairs, layer locality, learning on digits, features, transfer."""

from __future__ import annotations

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.ff.core import ff_loss
from fflab.ff.scff.core import make_pairs, partner_indices, random_shift, scff_loss
from fflab.ff.scff.experiment import SelfContrastiveFF
from fflab.params import ParamError
from fflab.studies.transfer import Transfer

pytestmark = pytest.mark.usefixtures("one_thread")

FAST = {"dataset": "digits", "hidden": (32, 32), "batch_size": 100, "epochs": 1.0, "eval_every": 1000}


def scff(seed: int = 0, **overrides) -> SelfContrastiveFF:
    return SelfContrastiveFF(SelfContrastiveFF.params.resolve({**FAST, **overrides}), seed=seed)


def run_to_end(exp) -> list[dict[str, float]]:
    records = []
    while not exp.done:
        records.append(exp.advance())
    return records


@torch.no_grad()
def pair_goodness(exp: SelfContrastiveFF, images: torch.Tensor) -> list[tuple[float, float]]:
    """Per layer, the mean goodness of positive and of negative pairs of `images`."""
    h_pos, h_neg, _ = exp.make_pairs(images)
    out = []
    for layer in exp.layers:
        z_pos, z_neg = layer(h_pos), layer(h_neg)
        out.append((float(layer.goodness(z_pos).mean()), float(layer.goodness(z_neg).mean())))
        h_pos, h_neg = layer.passed_on(z_pos), layer.passed_on(z_neg)
    return out


def test_registered_and_every_preset_resolves():
    assert get_experiment("scff") is SelfContrastiveFF
    for name in SelfContrastiveFF.presets:
        SelfContrastiveFF.resolve_params(name)
    assert SelfContrastiveFF.presets["published"].published and SelfContrastiveFF.presets["published"].source


def test_positives_pair_an_image_with_itself_and_negatives_with_another():
    gen = torch.Generator().manual_seed(0)
    images = torch.randn(7, 5)
    for _ in range(20):
        positive, negative, partners = make_pairs(images, images, gen)
        assert positive.shape == negative.shape == (7, 2, 5)
        assert torch.equal(positive[:, 0], images) and torch.equal(positive[:, 1], images)
        assert torch.equal(negative[:, 0], images) and torch.equal(negative[:, 1], images[partners])
        assert (partners != torch.arange(7)).all(), "a negative never pairs an image with itself"
        assert sorted(partners.tolist()) == list(range(7)), "each image is some negative's partner once"
        assert not (negative[:, 0] == negative[:, 1]).all(dim=1).any()


def test_partners_vary_between_batches_and_need_two_images():
    gen = torch.Generator().manual_seed(0)
    draws = {tuple(partner_indices(5, gen).tolist()) for _ in range(40)}
    assert len(draws) == 4  # the batch rolled by 1, 2, 3 or 4
    with pytest.raises(ValueError):
        partner_indices(1, gen)
    with pytest.raises(ParamError, match="batch_size"):
        scff(batch_size=1)


def test_shifts_translate_each_image_by_at_most_the_given_pixels():
    gen = torch.Generator().manual_seed(0)
    images = torch.zeros(50, 8 * 8)
    images[:, 3 * 8 + 4] = 1.0  # one bright pixel at row 3, column 4
    assert random_shift(images, (8, 8), 0, gen) is images
    moved = random_shift(images, (8, 8), 2, gen).view(50, 8, 8)
    assert torch.equal(moved.sum(dim=(1, 2)), torch.ones(50))  # nothing falls off the 8x8 border from there
    rows, cols = moved.nonzero(as_tuple=True)[1:]
    assert (rows - 3).abs().max() <= 2 and (cols - 4).abs().max() <= 2
    assert len({(int(r), int(c)) for r, c in zip(rows, cols, strict=True)}) > 5


def test_the_loss_is_twice_ff_loss_with_equal_thresholds_and_has_a_margin_otherwise():
    g_pos, g_neg = torch.tensor([3.0, 5.0]), torch.tensor([1.0, 4.0])
    assert scff_loss(g_pos, g_neg, 2.0, 2.0) == pytest.approx(2 * float(ff_loss(g_pos, g_neg, 2.0)))
    assert scff_loss(g_pos, g_neg, 2.0, 2.0, penalty=0.1) == pytest.approx(
        2 * float(ff_loss(g_pos, g_neg, 2.0)) + 0.4)
    # a wider margin θ₋ > θ₊ asks less of the negatives
    assert scff_loss(g_pos, g_neg, 2.0, 6.0) < scff_loss(g_pos, g_neg, 2.0, 2.0)


def test_no_gradient_crosses_a_layer():
    exp = scff()
    x, _ = exp.next_batch()
    h_pos, h_neg = exp._inputs_of(0, x)
    h_pos.requires_grad_(True)
    _, _, _, a_pos, a_neg = exp.layer_loss(0, h_pos, h_neg)
    assert not a_pos.requires_grad and not a_neg.requires_grad, "what a layer passes on is detached"
    loss, *_ = exp.layer_loss(1, a_pos, a_neg)
    loss.backward()
    assert all(p.grad is None for p in exp.layers[0].parameters())
    assert all(p.grad is not None for p in exp.layers[1].parameters())


def test_the_first_layer_learns_the_same_with_or_without_a_second():
    one, two = scff(hidden=(32,)), scff(hidden=(32, 32))
    for _ in range(5):
        one.advance(), two.advance()
    assert torch.equal(one.layers[0].linear.weight, two.layers[0].linear.weight)
    assert not torch.equal(two.layers[0].linear.weight, scff(hidden=(32, 32)).layers[0].linear.weight)


def test_learning_separates_positives_from_negatives_and_the_probe_reads_the_digits():
    exp = scff(hidden=(100, 100), epochs=8.0, lr=0.003)
    held_out = exp.x_test[:300]
    before = pair_goodness(exp, held_out)
    records = run_to_end(exp)
    after = pair_goodness(exp, held_out)
    for (pos0, neg0), (pos1, neg1) in zip(before, after, strict=True):
        assert pos1 - neg1 > 0.8, "after training, held-out positives have clearly more goodness than negatives"
        assert pos1 - neg1 > (pos0 - neg0) + 0.5
    assert records[-1]["loss.layer1"] < records[0]["loss.layer1"]
    final = exp.final_metrics()
    assert final["test_accuracy"] > 0.8  # chance is 0.1; the layers never saw a label


def test_features_are_the_standardised_layer_outputs_concatenated():
    exp = scff(hidden=(32, 16))
    features = exp.features(exp.x_test[:10])
    assert features.shape == (10, 48)
    assert torch.isfinite(features).all()
    assert torch.allclose(features[:, :32].mean(dim=1), torch.zeros(10), atol=1e-5)
    assert torch.allclose(features[:, 32:].std(dim=1), torch.ones(10), atol=1e-2)


def test_greedy_trains_one_layer_at_a_time_then_only_the_probe():
    exp = scff(schedule="greedy", epochs=0.2, probe_epochs=0.2)
    phase = exp.steps_per_phase
    assert exp.total_steps == 2 * phase + exp.probe_steps and exp.probe_steps == phase
    second = exp.layers[1].linear.weight.clone()
    for _ in range(phase):
        assert set(k for k in exp.advance() if k.startswith("loss.")) == {"loss.layer1"}
    assert torch.equal(exp.layers[1].linear.weight, second), "layer 2 waits for layer 1's phase to end"
    first = exp.layers[0].linear.weight.clone()
    for _ in range(phase):
        assert set(k for k in exp.advance() if k.startswith("loss.")) == {"loss.layer2"}
    assert torch.equal(exp.layers[0].linear.weight, first)
    frozen = [p.clone() for p in exp.layers.parameters()]
    head = exp.head.weight.clone()
    records = run_to_end(exp)
    assert all("probe_loss" in r and not any(k.startswith("loss.") for k in r) for r in records)
    assert all(torch.equal(a, b) for a, b in zip(frozen, exp.layers.parameters(), strict=True))
    assert not torch.equal(head, exp.head.weight)


def test_snapshot_shows_the_pairs_the_first_layer_got():
    exp = scff(shift=1)
    exp.step()
    snap = exp.snapshot()
    pos, neg = snap.pairs.positive_pairs, snap.pairs.negative_pairs
    assert pos.shape == neg.shape == (8, 2, 8, 8)
    assert (pos[:, 0] == pos[:, 1]).all() and (pos[:, 0] == neg[:, 0]).all()
    assert not (neg[:, 0] == neg[:, 1]).all(axis=(1, 2)).any()
    assert len(snap.pairs.pair_labels) == len(snap.pairs.partner_labels) == 8


def test_transfer_accepts_scff():
    params = Transfer.params.resolve({"task": "digits-low-to-high", "models": ("scff",), "hidden": (16, 16),
                                      "epochs": 2.0, "probe_steps": 20, "probe_samples": 200})
    exp = Transfer(params, seed=0)
    run_to_end(exp)
    final = exp.final_metrics()
    assert 0.2 < final["transfer_accuracy.scff"] <= 1.0  # 5 target classes: chance is 0.2
    assert 0.0 <= final["source_accuracy.scff"] <= 1.0
