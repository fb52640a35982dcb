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


@pytest.mark.parametrize("rule", ["sum", "delta"])
def test_kv_single_episode_retrieval_matches_the_batched_one_in_value_and_gradient(rule):
    """Training uses `retrieve_one` (fewer ops); it must be the same function as `retrieve`."""
    gen = torch.Generator().manual_seed(1)
    keys, values, query = kv.make_episodes(3, 4, 5, 3, bias=1.0, noise=0.4, generator=gen)
    keys, values = keys.double(), values.double()
    weight = torch.eye(5, dtype=torch.float64) + 0.3 * torch.randn(5, 5, generator=gen, dtype=torch.float64)
    for b in range(3):
        w1, w2 = weight.clone().requires_grad_(True), weight.clone().requires_grad_(True)
        y_batched, _ = kv.retrieve(w1, keys[b : b + 1], values[b : b + 1], query[b : b + 1], rule, beta=0.8)
        y_one = kv.retrieve_one(w2, keys[b], values[b], int(query[b]), rule, beta=0.8)
        torch.testing.assert_close(y_one, y_batched[0])
        y_batched.square().sum().backward()
        y_one.square().sum().backward()
        torch.testing.assert_close(w2.grad, w1.grad)
    q = int(query[0])
    assert torch.autograd.gradcheck(lambda w: kv.retrieve_one(w, keys[0], values[0], q, rule, 0.8),
                                    (weight.clone().requires_grad_(True),), eps=1e-6, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("rule", ["sum", "delta"])
def test_kv_capacity_cosines_equal_retrieving_from_each_prefix(rule):
    gen = torch.Generator().manual_seed(2)
    keys, values, _ = kv.make_episodes(4, 6, 5, 3, bias=1.0, noise=0.4, generator=gen)
    queries = torch.stack([torch.randint(0, n, (4,), generator=gen) for n in range(1, 7)], dim=1)
    weight = torch.eye(5) + 0.3 * torch.randn(5, 5, generator=gen)
    curve = kv.capacity_cosines(weight, keys, values, queries, rule, beta=0.9)
    for n in range(1, 7):
        y, _ = kv.retrieve(weight, keys[:, :n], values[:, :n], queries[:, n - 1], rule, beta=0.9)
        expected = F.cosine_similarity(y, values[torch.arange(4), queries[:, n - 1]], dim=-1).mean()
        torch.testing.assert_close(curve[n - 1], expected)


def test_clipping_each_tensor_matches_clip_grad_norm_called_per_tensor() -> None:
    from fflab.fastweights.common import clip_each_tensor

    torch.manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(5, 3)) for _ in range(4)] + [torch.nn.Parameter(torch.randn(7))]
    grads = [torch.randn_like(p) * scale for p, scale in zip(params, (0.1, 3.0, 10.0, 0.5, 8.0), strict=True)]
    twins = [torch.nn.Parameter(p.detach().clone()) for p in params]
    for p, t, g in zip(params, twins, grads, strict=True):
        p.grad, t.grad = g.clone(), g.clone()
    clip_each_tensor(params, 2.0)
    for t in twins:
        torch.nn.utils.clip_grad_norm_(t, 2.0, foreach=False)
    for p, t in zip(params, twins, strict=True):
        torch.testing.assert_close(p.grad, t.grad)
    assert params[0].grad.norm() < 2.0 and abs(float(params[2].grad.norm()) - 2.0) < 1e-4  # short kept, long cut
