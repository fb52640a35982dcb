"""Fast-weight update rules, as pure torch functions (differentiable, any dtype, leading batch dims).

Conventions: a fast weight matrix maps keys to values, shape (..., d_val, d_key), so a read is
`W @ q` and a write of value v at key k adds the outer product v kᵀ.
"""

from __future__ import annotations

import torch


def gated_write(fast_weights: torch.Tensor, key: torch.Tensor, value: torch.Tensor, gate: torch.Tensor,
                eta: float) -> torch.Tensor:
    """One rank-1 write: W + η·g·v kᵀ (Schmidhuber 1992). key (..., d_k), value (..., d_v), gate (...)."""
    return fast_weights + eta * gate[..., None, None] * value[..., :, None] * key[..., None, :]


def cumulative_gated_writes(keys: torch.Tensor, values: torch.Tensor, gates: torch.Tensor,
                            eta: float) -> torch.Tensor:
    """W_fast after every step of a sequence of gated writes from zero, all at once.

    keys (B, T, d_k), values (B, T, d_v), gates (B, T) -> (B, T, d_v, d_k), where entry t is
    η Σ_{s≤t} g_s v_s k_sᵀ. Since no write depends on W_fast, this equals folding `gated_write`.
    """
    writes = eta * gates[..., None, None] * values[..., :, None] * keys[..., None, :]
    return writes.cumsum(dim=1)


def sum_rule(keys: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """W = Σ_t v_t k_tᵀ. keys (..., N, d_k), values (..., N, d_v) -> (..., d_v, d_k)."""
    return values.transpose(-1, -2) @ keys


def delta_rule(keys: torch.Tensor, values: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """Sequential delta-rule writes from zero (Schlag, Irie & Schmidhuber 2021):

    W_t = W_{t-1} + β (v_t − W_{t-1} k_t) k_tᵀ, so each write replaces what the key retrieved by its value
    instead of adding to it. keys (..., N, d_k), values (..., N, d_v) -> (..., d_v, d_k).
    """
    shape = (*keys.shape[:-2], values.shape[-1], keys.shape[-1])
    fast_weights = keys.new_zeros(shape)
    for t in range(keys.shape[-2]):
        k, v = keys[..., t, :], values[..., t, :]
        retrieved = (fast_weights @ k[..., None])[..., 0]
        fast_weights = fast_weights + beta * (v - retrieved)[..., :, None] * k[..., None, :]
    return fast_weights


def delta_rule_states(keys: torch.Tensor, values: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """`delta_rule`'s W after each write: keys (..., N, d_k), values (..., N, d_v) -> (..., N, d_v, d_k),
    where entry t is the delta rule over the first t + 1 pairs."""
    fast_weights = keys.new_zeros((*keys.shape[:-2], values.shape[-1], keys.shape[-1]))
    states = []
    for t in range(keys.shape[-2]):
        k, v = keys[..., t, :], values[..., t, :]
        retrieved = (fast_weights @ k[..., None])[..., 0]
        fast_weights = fast_weights + beta * (v - retrieved)[..., :, None] * k[..., None, :]
        states.append(fast_weights)
    return torch.stack(states, dim=-3)


def sum_rule_states(keys: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """`sum_rule`'s W after each write, (..., N, d_v, d_k): the running sum of v_t k_tᵀ."""
    return (values[..., :, :, None] * keys[..., :, None, :]).cumsum(dim=-3)


def pointer_write(fast_weights: torch.Tensor, row: torch.Tensor, col: torch.Tensor, value: torch.Tensor,
                  gate: torch.Tensor, eta: float) -> torch.Tensor:
    """The self-referential write: W + η·g·val·row colᵀ, with soft pointers row (..., n), col (..., n)
    and scalars value, gate (...)."""
    return fast_weights + eta * (gate * value)[..., None, None] * row[..., :, None] * col[..., None, :]
