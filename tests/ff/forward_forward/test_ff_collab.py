"""Layer collaboration (Lorberbom et al. 2024): `ff`'s collab_gamma."""

import copy

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.ff.core import collaborative_goodness, ff_loss, goodness


def test_gamma_zero_leaves_the_goodness_alone():
    per_layer = [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 5.0])]
    assert all(a is b for a, b in zip(collaborative_goodness(per_layer, 0.0), per_layer, strict=True))


@pytest.mark.parametrize("gamma", [0.0, 0.7])
def test_gradient_reaches_each_layer_through_its_own_goodness_only(gamma):
    """Closed form: with z_k = g_k + γ Σ_{j≠k} g_j (others detached) and the threshold loss averaged over
    2N samples, ∂L/∂g_k,pos = −σ(θ − z_k,pos) / 2N and ∂L/∂g_k,neg = σ(z_k,neg − θ) / 2N."""
    theta = 2.0
    g_pos = [torch.tensor([1.5, 3.0, 0.5], requires_grad=True), torch.tensor([2.5, 0.2, 1.0], requires_grad=True)]
    g_neg = [torch.tensor([0.3, 2.2, 1.1], requires_grad=True), torch.tensor([0.8, 1.9, 0.1], requires_grad=True)]
    z_pos, z_neg = collaborative_goodness(g_pos, gamma), collaborative_goodness(g_neg, gamma)
    sum(ff_loss(p, n, theta) for p, n in zip(z_pos, z_neg, strict=True)).backward()
    n = 3
    for k, other in ((0, 1), (1, 0)):
        logit_pos = g_pos[k].detach() + gamma * g_pos[other].detach()
        logit_neg = g_neg[k].detach() + gamma * g_neg[other].detach()
        assert torch.allclose(g_pos[k].grad, -torch.sigmoid(theta - logit_pos) / (2 * n))
        assert torch.allclose(g_neg[k].grad, torch.sigmoid(logit_neg - theta) / (2 * n))


def _step_and_recompute(gamma):
    """One simultaneous step of a 2-layer `ff`, and the per-layer losses recomputed by hand from its batch."""
    cls = get_experiment("ff")
    exp = cls(cls.resolve_params("digits-quick", {"hidden": (16, 12), "collab_gamma": gamma}), seed=0)
    layers = copy.deepcopy(exp.layers)
    pairs = []
    original = exp._make_pair

    def recorded(*args, **kwargs):
        pairs.append(original(*args, **kwargs))
        return pairs[-1]

    exp._make_pair = recorded
    stats = exp.step()
    h_pos, h_neg = pairs[0]
    g_pos, g_neg = [], []
    with torch.no_grad():
        for layer in layers:  # positives and negatives in one pass, as the step does, so the sums match bit for bit
            out = layer(torch.cat([h_pos, h_neg]))
            h_pos, h_neg = out[: len(h_pos)], out[len(h_pos) :]
            g_pos.append(goodness(h_pos, "mean"))
            g_neg.append(goodness(h_neg, "mean"))
    return exp, stats, g_pos, g_neg


def test_gamma_zero_reproduces_the_independent_layer_loss_exactly():
    exp, stats, g_pos, g_neg = _step_and_recompute(0.0)
    for k in range(2):
        assert stats[f"loss.layer{k + 1}"] == ff_loss(g_pos[k], g_neg[k], exp.p["threshold"]).item()


def test_positive_gamma_adds_the_other_layers_goodness_to_each_logit():
    exp, stats, g_pos, g_neg = _step_and_recompute(0.7)
    theta = exp.p["threshold"]
    for k, other in ((0, 1), (1, 0)):
        expected = ff_loss(g_pos[k] + 0.7 * g_pos[other], g_neg[k] + 0.7 * g_neg[other], theta).item()
        independent = ff_loss(g_pos[k], g_neg[k], theta).item()
        assert stats[f"loss.layer{k + 1}"] == pytest.approx(expected, rel=1e-5)
        assert abs(expected - independent) > 1e-3
        assert stats[f"goodness_pos.layer{k + 1}"] == pytest.approx(g_pos[k].mean().item(), rel=1e-5)


def test_gamma_changes_live():
    cls = get_experiment("ff")
    exp = cls(cls.resolve_params("digits-quick", {"hidden": (16, 12), "steps": 4}), seed=0)
    exp.step()
    exp.update(collab_gamma=0.7)
    assert exp.p["collab_gamma"] == 0.7
    assert all(v == v for v in exp.step().values())
