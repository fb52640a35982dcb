"""Autograd through the fast-weight writes against finite differences (float64, tiny instances)."""

import pytest
import torch
import torch.nn.functional as F
from torch.func import functional_call

from fflab.fastweights import delay, kv, srwm


def check_model_gradients(model, loss_of_model):
    model = model.double()
    names = [n for n, _ in model.named_parameters()]
    leaves = tuple(p.detach().clone().requires_grad_(True) for p in model.parameters())

    def loss(*params):
        return loss_of_model(lambda *args, **kw: functional_call(model, dict(zip(names, params, strict=True)), args,
                                                                 kw))

    assert torch.autograd.gradcheck(loss, leaves, eps=1e-6, atol=1e-6, rtol=1e-4)


def test_delay_gradients_match_finite_differences():
    gen = torch.Generator().manual_seed(0)
    model = delay.SlowProgrammer(pattern_bits=2, hidden=3, key_dim=2, generator=gen)
    x, target = delay.make_episodes(2, 2, delay=3, generator=gen)
    check_model_gradients(model, lambda f: F.mse_loss(f(x.double(), 0.5), target.double()))


@pytest.mark.parametrize("rule", ["sum", "delta"])
def test_kv_gradients_match_finite_differences(rule):
    gen = torch.Generator().manual_seed(0)
    keys, values, query = kv.make_episodes(2, 3, 4, 3, bias=1.0, noise=0.4, generator=gen)
    keys, values = keys.double(), values.double()
    weight = (torch.eye(4, dtype=torch.float64) + 0.3 * torch.randn(4, 4, generator=gen, dtype=torch.float64))

    def loss(w):
        y, _ = kv.retrieve(w, keys, values, query, rule, beta=0.8)
        return 0.5 * (y - values[torch.arange(2), query]).square().sum()

    assert torch.autograd.gradcheck(loss, (weight.requires_grad_(True),), eps=1e-6, atol=1e-6, rtol=1e-4)


def test_srwm_gradients_match_finite_differences():
    gen = torch.Generator().manual_seed(0)
    model = srwm.SelfReferentialNet(hidden=3, generator=gen)
    x, targets = srwm.make_episodes(torch.tensor([2, 0]), gen)
    check_model_gradients(model, lambda f: srwm.query_loss(f(x.double(), 0.5), targets.double()))


def test_srwm_gradient_flows_through_the_writes():
    """With self-modification on, the write heads get gradient; off, they get none."""
    gen = torch.Generator().manual_seed(0)
    model = srwm.SelfReferentialNet(hidden=4, generator=gen)
    x, targets = srwm.make_episodes(torch.tensor([2, 1, 0]), gen)
    for on in (True, False):
        model.zero_grad()
        srwm.query_loss(model(x, 0.5, self_modify=on), targets).backward()
        assert (model.a_row.grad is not None and model.a_row.grad.abs().sum() > 0) == on
