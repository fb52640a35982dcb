import math

import torch

from fflab.ff.core import FFLayer, PeerNorm, ff_loss, goodness, normalise, overlay_labels, overlay_neutral


def test_goodness_is_sum_or_mean_of_squares():
    h = torch.tensor([[1.0, 2.0, 0.0], [3.0, 0.0, 4.0]])
    assert goodness(h, "sum").tolist() == [5.0, 25.0]
    assert torch.allclose(goodness(h, "mean"), torch.tensor([5 / 3, 25 / 3]))


def test_threshold_loss_matches_a_hand_computation():
    g_pos, g_neg, theta = torch.tensor([3.0, 1.0]), torch.tensor([0.5]), 2.0
    softplus = lambda z: math.log1p(math.exp(z))  # noqa: E731
    expected = (softplus(theta - 3.0) + softplus(theta - 1.0) + softplus(0.5 - theta)) / 3
    assert math.isclose(ff_loss(g_pos, g_neg, theta).item(), expected, rel_tol=1e-6)


def test_symba_loss_matches_a_hand_computation():
    g_pos, g_neg = torch.tensor([3.0, 1.0]), torch.tensor([1.0, 2.0])
    expected = (math.log1p(math.exp(-4 * 2.0)) + math.log1p(math.exp(-4 * -1.0))) / 2
    assert math.isclose(ff_loss(g_pos, g_neg, 0.0, "symba", 4.0).item(), expected, rel_tol=1e-6)


def test_layer_loss_gradient_matches_finite_differences():
    torch.manual_seed(0)
    layer = FFLayer(6, 5, "l2").double()
    x_pos, x_neg = torch.randn(4, 6, dtype=torch.double), torch.randn(4, 6, dtype=torch.double)

    def loss_of(weight):
        h_pos = torch.relu(normalise(x_pos, "l2") @ weight.T + layer.linear.bias)
        h_neg = torch.relu(normalise(x_neg, "l2") @ weight.T + layer.linear.bias)
        return ff_loss(goodness(h_pos, "mean"), goodness(h_neg, "mean"), 0.05)

    weight = layer.linear.weight.detach().clone().requires_grad_(True)
    assert torch.autograd.gradcheck(loss_of, (weight,))


def test_overlay_writes_a_one_hot_label_without_touching_the_input():
    images = torch.ones(2, 12)
    x = overlay_labels(images, torch.tensor([3, 0]), 10, 2.5)
    assert x[0, :10].tolist() == [0, 0, 0, 2.5, 0, 0, 0, 0, 0, 0]
    assert x[1, 0] == 2.5 and x[1, 1:10].sum() == 0
    assert x[:, 10:].eq(1).all() and images.eq(1).all()
    assert torch.allclose(overlay_neutral(images, 10, 1.0)[:, :10], torch.full((2, 10), 0.1))


def test_normalise_gives_unit_length_or_unit_rms():
    x = torch.tensor([[3.0, 4.0]])
    assert torch.allclose(normalise(x, "l2").norm(), torch.tensor(1.0), atol=1e-4)
    assert torch.allclose(normalise(x, "rms").pow(2).mean(), torch.tensor(1.0), atol=1e-4)
    assert normalise(x, "none") is x


def test_peer_norm_penalises_uneven_units_only():
    even = PeerNorm().loss(0, torch.ones(8, 4))
    uneven = PeerNorm().loss(0, torch.tensor([[1.0, 0.0, 0.0, 0.0]] * 8))
    assert even.item() == 0.0 and uneven.item() > 0.0
