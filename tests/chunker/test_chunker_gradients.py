"""The hand-written gradient-by-depth probe and A's windowed truncated BPTT, against autograd and finite differences."""

import torch
import torch.nn.functional as F

from fflab.chunker.models import RecurrentNet, effective_depth, gradient_norm_by_depth, one_hot
from fflab.chunker.recall import automatizer_pass, make_automatizer, recall_gradient_by_depth
from fflab.chunker.streams import trigger_sequences


def tiny_net(seed=0, hidden=4, n_in=3):
    torch.manual_seed(seed)
    net = RecurrentNet(n_in, hidden, {"next": n_in}).double()
    with torch.no_grad():
        net.rnn.weight_hh_l0.mul_(3.0)  # large enough that the gradient does not vanish in a few steps
    return net


def unrolled_loss(net, inputs, target, start_state, start):
    """The loss at the last step, running the cell by hand from `start_state` at time `start`."""
    w_ih, w_hh = net.rnn.weight_ih_l0, net.rnn.weight_hh_l0
    bias = net.rnn.bias_ih_l0 + net.rnn.bias_hh_l0
    h = start_state
    for t in range(start + 1, inputs.shape[1]):
        h = torch.tanh(inputs[:, t] @ w_ih.T + h @ w_hh.T + bias)
    return F.cross_entropy(net.read("next", h), target, reduction="sum")


def test_gradient_norm_by_depth_matches_finite_differences():
    net = tiny_net()
    inputs = one_hot(torch.tensor([[0, 1, 2, 0, 1, 2, 2]]), 3).double()
    target = torch.tensor([1])
    with torch.no_grad():
        states = net(inputs)
    last = states.shape[1] - 1
    h_last = states[:, last].clone().requires_grad_(True)
    (dloss,) = torch.autograd.grad(F.cross_entropy(net.read("next", h_last), target, reduction="sum"), h_last)
    norms = gradient_norm_by_depth(net, states, last, dloss)
    assert norms.shape == (last + 1,)
    eps = 1e-6
    for depth in (0, 1, 3, last):
        t = last - depth
        base = states[:, t].detach()
        numeric = torch.zeros(net.hidden, dtype=torch.float64)
        with torch.no_grad():
            for i in range(net.hidden):
                bump = torch.zeros_like(base)
                bump[0, i] = eps
                numeric[i] = (unrolled_loss(net, inputs, target, base + bump, t)
                              - unrolled_loss(net, inputs, target, base - bump, t)) / (2 * eps)
        assert abs(norms[depth] - numeric.norm().item()) < 1e-6 * max(1.0, numeric.norm().item()), depth


def test_recall_gradient_matches_autograd_through_the_unrolled_net():
    torch.manual_seed(1)
    net = RecurrentNet(7, 5, {"next": 7})
    sequences, _ = trigger_sequences(3, 15, torch.Generator().manual_seed(0))
    norms = recall_gradient_by_depth(net, sequences)
    inputs = one_hot(sequences[:, :-1], 7)
    w_ih, w_hh = net.rnn.weight_ih_l0, net.rnn.weight_hh_l0
    bias = net.rnn.bias_ih_l0 + net.rnn.bias_hh_l0
    h = torch.zeros(3, 5)
    hs = []
    for t in range(inputs.shape[1]):
        h = torch.tanh(inputs[:, t] @ w_ih.T + h @ w_hh.T + bias)
        h.retain_grad()
        hs.append(h)
    F.cross_entropy(net.read("next", h), sequences[:, -1], reduction="sum").backward()
    expected = [hs[-1 - d].grad.norm(dim=1).mean().item() for d in range(len(hs))]
    assert torch.allclose(torch.tensor(norms, dtype=torch.float32), torch.tensor(expected), rtol=1e-4, atol=1e-9)


def test_effective_depth_is_the_farthest_distance_still_above_one_percent():
    assert effective_depth([1.0, 0.5, 0.02, 0.009, 0.011, 0.0]) == 4
    assert effective_depth([1.0, 0.001]) == 0
    assert effective_depth([]) == 0 and effective_depth([0.0, 0.0]) == 0


def test_windowed_truncated_bptt_equals_a_loop_over_windows():
    """All windows at once give the same loss and gradient as running them one after another."""
    torch.manual_seed(2)
    net = make_automatizer(6).double()
    sequences, _ = trigger_sequences(2, 17, torch.Generator().manual_seed(0))  # 16 steps: windows of 5, padded
    out = automatizer_pass(net, sequences, truncation=5, threshold=0.5)
    grads = torch.autograd.grad(out.loss, list(net.parameters()))

    inputs, targets = one_hot(sequences[:, :-1], 7).double(), sequences[:, 1:]
    state, total = net.initial_state(2).double(), 0.0
    for start in range(0, 16, 5):
        states = net(inputs[:, start : start + 5], state.detach())
        total = total + F.cross_entropy(net.read("next", states).flatten(0, 1), targets[:, start : start + 5].flatten(),
                                        reduction="sum")
        state = states[:, -1]
    loop_loss = total / targets.numel()
    loop_grads = torch.autograd.grad(loop_loss, list(net.parameters()))
    assert torch.allclose(out.loss, loop_loss)
    for got, want in zip(grads, loop_grads, strict=True):
        assert torch.allclose(got, want, atol=1e-10)
    assert out.surprises[:, 0].all() and out.surprises.shape == (2, 17)
