"""The update rules against their closed forms."""

import torch

from fflab.fastweights.rules import (
    cumulative_gated_writes,
    delta_rule,
    delta_rule_states,
    gated_write,
    pointer_write,
    sum_rule,
    sum_rule_states,
)


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_sum_rule_is_the_sum_of_outer_products():
    keys = torch.randn(3, 5, 4, generator=gen(), dtype=torch.float64)
    values = torch.randn(3, 5, 2, generator=gen(1), dtype=torch.float64)
    expected = torch.stack([sum(torch.outer(values[b, t], keys[b, t]) for t in range(5)) for b in range(3)])
    torch.testing.assert_close(sum_rule(keys, values), expected)


def test_delta_rule_follows_its_recursion():
    keys = torch.randn(5, 4, generator=gen(), dtype=torch.float64)
    values = torch.randn(5, 3, generator=gen(1), dtype=torch.float64)
    w = torch.zeros(3, 4, dtype=torch.float64)
    for k, v in zip(keys, values, strict=True):
        w = w + 0.7 * torch.outer(v - w @ k, k)
    torch.testing.assert_close(delta_rule(keys, values, beta=0.7), w)


def test_delta_rule_stores_exactly_under_orthonormal_keys_and_overwrites():
    keys = torch.linalg.qr(torch.randn(4, 4, generator=gen(), dtype=torch.float64))[0].T  # rows orthonormal
    values = torch.randn(4, 3, generator=gen(1), dtype=torch.float64)
    w = delta_rule(keys, values)
    torch.testing.assert_close(w @ keys.T, values.T)
    torch.testing.assert_close(w, sum_rule(keys, values))  # orthogonal keys: no interference, same as the sum
    # writing a new value under an old unit key replaces it (the sum rule would add them)
    again = delta_rule(torch.cat([keys, keys[:1]]), torch.cat([values, -values[:1]]))
    torch.testing.assert_close(again @ keys[0], -values[0])


def test_gated_write_is_a_scaled_rank_one_update():
    w = torch.randn(2, 3, 4, generator=gen(), dtype=torch.float64)
    k = torch.randn(2, 4, generator=gen(1), dtype=torch.float64)
    v = torch.randn(2, 3, generator=gen(2), dtype=torch.float64)
    g = torch.tensor([0.25, 0.0], dtype=torch.float64)
    out = gated_write(w, k, v, g, eta=0.5)
    torch.testing.assert_close(out[0], w[0] + 0.5 * 0.25 * torch.outer(v[0], k[0]))
    torch.testing.assert_close(out[1], w[1])  # a closed gate writes nothing
    assert torch.linalg.matrix_rank(out[0] - w[0], atol=1e-9) == 1


def test_cumulative_writes_equal_folding_the_single_write():
    keys = torch.randn(2, 6, 4, generator=gen(), dtype=torch.float64)
    values = torch.randn(2, 6, 3, generator=gen(1), dtype=torch.float64)
    gates = torch.rand(2, 6, generator=gen(2), dtype=torch.float64)
    history = cumulative_gated_writes(keys, values, gates, eta=0.5)
    w = torch.zeros(2, 3, 4, dtype=torch.float64)
    for t in range(6):
        w = gated_write(w, keys[:, t], values[:, t], gates[:, t], eta=0.5)
        torch.testing.assert_close(history[:, t], w)


def test_pointer_write_puts_value_where_the_pointers_point():
    w = torch.zeros(1, 3, 3, dtype=torch.float64)
    row = torch.tensor([[0.0, 1.0, 0.0]], dtype=torch.float64)
    col = torch.tensor([[0.0, 0.0, 1.0]], dtype=torch.float64)
    out = pointer_write(w, row, col, torch.tensor([-0.8], dtype=torch.float64), torch.tensor([0.5], dtype=torch.float64),
                        eta=0.5)
    expected = torch.zeros(3, 3, dtype=torch.float64)
    expected[1, 2] = 0.5 * 0.5 * -0.8
    torch.testing.assert_close(out[0], expected)


def test_rule_states_are_the_rules_over_each_prefix():
    keys = torch.randn(2, 5, 4, generator=gen(), dtype=torch.float64)
    values = torch.randn(2, 5, 3, generator=gen(1), dtype=torch.float64)
    delta, summed = delta_rule_states(keys, values, beta=0.6), sum_rule_states(keys, values)
    assert delta.shape == summed.shape == (2, 5, 3, 4)
    for n in range(5):
        torch.testing.assert_close(delta[:, n], delta_rule(keys[:, : n + 1], values[:, : n + 1], beta=0.6))
        torch.testing.assert_close(summed[:, n], sum_rule(keys[:, : n + 1], values[:, : n + 1]))
