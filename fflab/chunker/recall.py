"""The pieces of `chunker-deep`: A with truncated BPTT, C on A's surprises, the full-BPTT baseline.

Every function takes a batch of trigger-recall sequences (B, T); see `fflab.chunker.streams`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from fflab.chunker.models import RecurrentNet, gradient_norm_by_depth, one_hot
from fflab.chunker.streams import N_DEEP_SYMBOLS, TRIGGERS
from fflab.chunker.surprise import Compressed, compress, prob_of_actual, surprise_mask

C_INPUTS = N_DEEP_SYMBOLS + 1  # the surprising symbol and its time stamp t / (T - 1)


def make_automatizer(hidden: int) -> RecurrentNet:
    return RecurrentNet(N_DEEP_SYMBOLS, hidden, {"next": N_DEEP_SYMBOLS})


def make_chunker(hidden: int) -> RecurrentNet:
    return RecurrentNet(C_INPUTS, hidden, {"next": N_DEEP_SYMBOLS})


def make_baseline(hidden: int) -> RecurrentNet:
    return RecurrentNet(N_DEEP_SYMBOLS, hidden, {"next": N_DEEP_SYMBOLS})


def two_way_choice(logits: torch.Tensor) -> torch.Tensor:
    """Which trigger (0 = A, 1 = B) the logits (B, V) favour, ignoring the other symbols: chance is ½."""
    return logits[:, list(TRIGGERS)].argmax(dim=1)


@dataclass
class AutomatizerPass:
    loss: torch.Tensor
    p_actual: torch.Tensor  # (B, T - 1): A's probability of the symbol at t + 1
    surprises: torch.Tensor  # (B, T) bool; t = 0 is a surprise by convention (nothing predicted it)


def automatizer_pass(net: RecurrentNet, sequences: torch.Tensor, truncation: int, threshold: float) -> AutomatizerPass:
    """Truncated BPTT in windows of `truncation` steps, all windows at once, for one update per batch.

    A forward pass without gradients gives the state entering each window; the windows then run
    again as one batch, from those states (detached), so no gradient crosses a window's start.
    """
    batch, T = sequences.shape
    inputs = one_hot(sequences[:, :-1], N_DEEP_SYMBOLS)  # A reads t = 0 .. T-2, predicts t + 1
    targets = sequences[:, 1:]
    steps = T - 1
    windows = -(-steps // truncation)
    pad = windows * truncation - steps
    with torch.no_grad():
        states = net(inputs)
    starts = torch.cat([net.initial_state(batch)[:, None], states[:, truncation - 1 : -1 : truncation]], dim=1)
    padded = F.pad(inputs, (0, 0, 0, pad))
    window_states = net(padded.reshape(batch * windows, truncation, -1), starts[:, :windows].reshape(-1, net.hidden))
    logits = net.read("next", window_states).reshape(batch, windows * truncation, -1)[:, :steps]
    loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten())
    p_actual = prob_of_actual(logits, targets)
    first = torch.ones(batch, 1, dtype=torch.bool, device=sequences.device)
    return AutomatizerPass(loss, p_actual, torch.cat([first, surprise_mask(p_actual, threshold)], dim=1))


@dataclass
class ChunkerPass:
    loss: torch.Tensor
    compressed: Compressed
    recall_choice: torch.Tensor  # (B,) C's two-way choice for the symbol at t = T - 1


def chunker_pass(net: RecurrentNet, sequences: torch.Tensor, surprises: torch.Tensor) -> ChunkerPass:
    """C runs on the compressed stream only, from a zero state per sequence, predicting each next surprise.

    Its recall answer is its prediction after the last surprise before t = T - 1.
    """
    T = sequences.shape[1]
    compressed = compress(sequences, surprises)
    time_stamps = (compressed.positions.clamp(min=0).float() / (T - 1))[..., None]
    states = net(torch.cat([one_hot(compressed.symbols, N_DEEP_SYMBOLS), time_stamps], dim=2))
    logits = net.read("next", states)
    has_next = compressed.valid[:, 1:]
    losses = F.cross_entropy(logits[:, :-1].flatten(0, 1), compressed.symbols[:, 1:].flatten(), reduction="none")
    mask = has_next.flatten().float()
    loss = (losses * mask).sum() / mask.sum().clamp(min=1.0)
    before_end = (compressed.valid & (compressed.positions < T - 1)).sum(dim=1)
    at = (before_end - 1).clamp(min=0)
    recall_logits = logits[torch.arange(len(at), device=at.device), at]
    return ChunkerPass(loss, compressed, two_way_choice(recall_logits.detach()))


@dataclass
class BaselinePass:
    loss: torch.Tensor
    recall_choice: torch.Tensor
    states: torch.Tensor
    recall_logits: torch.Tensor


def baseline_pass(net: RecurrentNet, sequences: torch.Tensor) -> BaselinePass:
    """One net, full BPTT over all T steps: the mean next-symbol loss on the filler plus the recall loss.

    The recall (one step in T) gets as much weight as all the filler together.
    """
    states = net(one_hot(sequences[:, :-1], N_DEEP_SYMBOLS))
    logits = net.read("next", states)
    filler_loss = F.cross_entropy(logits[:, :-1].flatten(0, 1), sequences[:, 1:-1].flatten())
    recall_logits = logits[:, -1]
    loss = filler_loss + F.cross_entropy(recall_logits, sequences[:, -1])
    return BaselinePass(loss, two_way_choice(recall_logits.detach()), states, recall_logits)


def recall_gradient_by_depth(net: RecurrentNet, sequences: torch.Tensor) -> np.ndarray:
    """‖∂(recall loss)/∂h_{T−2−d}‖ for d = 0 .. T − 2 (mean over the batch), for the baseline."""
    with torch.no_grad():
        states = net(one_hot(sequences[:, :-1], N_DEEP_SYMBOLS))
    last_state = states[:, -1].detach().requires_grad_(True)
    loss = F.cross_entropy(net.read("next", last_state), sequences[:, -1], reduction="sum")  # row b: sequence b's
    (dloss,) = torch.autograd.grad(loss, last_state)
    return gradient_norm_by_depth(net, states, states.shape[1] - 1, dloss)
