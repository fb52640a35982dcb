"""Small Elman (tanh) recurrent nets with named linear heads, and the baseline's gradient-flow probe.

The recurrence runs in `torch.nn.RNN` (its time loop is in C++), so a step costs a few
torch calls however long the sequence; heads are applied to all time steps at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class RecurrentNet(nn.Module):
    """h_t = tanh(W_ih x_t + W_hh h_{t-1} + b); each head is a linear read-out of h_t."""

    def __init__(self, n_in: int, hidden: int, heads: Mapping[str, int]):
        super().__init__()
        self.n_in = n_in
        self.hidden = hidden
        self.rnn = nn.RNN(n_in, hidden, nonlinearity="tanh", batch_first=True)
        self.heads = nn.ModuleDict({name: nn.Linear(hidden, size) for name, size in heads.items()})

    def initial_state(self, batch: int) -> torch.Tensor:
        weight = self.rnn.weight_hh_l0
        return torch.zeros(batch, self.hidden, device=weight.device, dtype=weight.dtype)

    def forward(self, inputs: torch.Tensor, state: torch.Tensor | None = None) -> torch.Tensor:
        """(B, T, n_in) inputs and a (B, H) state -> the hidden states (B, T, H) after each step."""
        h0 = None if state is None else state.unsqueeze(0).contiguous()
        states, _ = self.rnn(inputs.to(self.rnn.weight_ih_l0.dtype), h0)
        return states

    def read(self, head: str, states: torch.Tensor) -> torch.Tensor:
        return self.heads[head](states)


def one_hot(symbols: torch.Tensor, n_symbols: int) -> torch.Tensor:
    return F.one_hot(symbols, n_symbols).float()


def recurrent_weights(net: RecurrentNet) -> torch.Tensor:
    return net.rnn.weight_hh_l0


@torch.no_grad()
def gradient_norm_by_depth(
    net: RecurrentNet, states: torch.Tensor, last: int, dloss_dstate: torch.Tensor
) -> np.ndarray:
    """‖∂L/∂h_{last−d}‖ for d = 0 .. last, mean over the batch, by the chain rule in float64.

    `states` (B, T, H) are the net's hidden states, `dloss_dstate` (B, H) is ∂L/∂h_last for a loss
    that reads only h_last. Going back one step multiplies by W_hhᵀ diag(1 − h²):
    ∂L/∂h_{t−1} = W_hhᵀ ((1 − h_t²) ⊙ ∂L/∂h_t). Float64 keeps the vanishing tail above underflow
    longer.
    """
    w_hh = recurrent_weights(net).detach().double()
    h = states.detach().double()
    grad = dloss_dstate.detach().double()
    norms = [grad.norm(dim=1).mean()]
    for depth in range(1, last + 1):
        t = last - depth + 1
        grad = (grad * (1 - h[:, t] ** 2)) @ w_hh
        norms.append(grad.norm(dim=1).mean())
    return torch.stack(norms).cpu().numpy()


def effective_depth(norms: Sequence[float] | np.ndarray, fraction: float = 0.01) -> int:
    """The largest distance back at which the gradient norm is still ≥ `fraction` of its value at distance 0."""
    norms = np.asarray(norms, dtype=np.float64)
    if len(norms) == 0 or not norms[0] > 0:
        return 0
    above = np.nonzero(norms >= fraction * norms[0])[0]
    return int(above.max())
