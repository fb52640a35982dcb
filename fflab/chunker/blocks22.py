"""One block of the 22-symbol stream through the chunker system (A then C) and through the single net.

Each pass handles a batch of parallel streams and carries the recurrent states from block to
block (detached: BPTT runs within a block). Under `torch.no_grad()` the same code evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from fflab.chunker.models import RecurrentNet, one_hot
from fflab.chunker.streams import BLOCK_LEN, N_BLOCK_SYMBOLS
from fflab.chunker.surprise import compress, prob_of_actual, surprise_mask

C_INPUTS = N_BLOCK_SYMBOLS + 1  # the surprising symbol and its time stamp (position in the block / 21)


def make_automatizer(hidden: int) -> RecurrentNet:
    return RecurrentNet(N_BLOCK_SYMBOLS, hidden, {"next": N_BLOCK_SYMBOLS})


def make_chunker(hidden: int) -> RecurrentNet:
    return RecurrentNet(C_INPUTS, hidden, {"next": N_BLOCK_SYMBOLS, "label": 1})


def make_single(hidden: int) -> RecurrentNet:
    return RecurrentNet(N_BLOCK_SYMBOLS, hidden, {"next": N_BLOCK_SYMBOLS, "label": 1})


@dataclass
class ChunkerState:
    """What the chunker system carries from one block to the next, per stream."""

    automatizer: torch.Tensor  # (B, H_A)
    chunker: torch.Tensor  # (B, H_C)
    first_is_surprise: torch.Tensor  # (B,) bool: A failed to predict the first symbol of the coming block

    @classmethod
    def fresh(cls, automatizer: RecurrentNet, chunker: RecurrentNet, batch: int) -> ChunkerState:
        first = torch.ones(batch, dtype=torch.bool, device=automatizer.rnn.weight_hh_l0.device)  # stream start
        return cls(automatizer.initial_state(batch), chunker.initial_state(batch), first)


@dataclass
class ChunkerPass:
    loss_automatizer: torch.Tensor
    loss_chunker: torch.Tensor
    p_actual: torch.Tensor  # (B, 21): A's probability of the symbol after each position (the last: next block's)
    surprises: torch.Tensor  # (B, 21) bool: which symbols of this block C sees
    label_logit: torch.Tensor  # (B,) C's "started with a" read at the block's last step
    next_correct: torch.Tensor  # (B, 21) bool: A's argmax was the actual next symbol
    state: ChunkerState  # carried on (detached)


def next_targets(blocks: torch.Tensor, following_first: torch.Tensor) -> torch.Tensor:
    """What each position must predict: the rest of the block, then the next block's first symbol."""
    return torch.cat([blocks[:, 1:], following_first[:, None]], dim=1)


def chunker_pass(
    automatizer: RecurrentNet, chunker: RecurrentNet, blocks: torch.Tensor, labels: torch.Tensor,
    following_first: torch.Tensor, state: ChunkerState, threshold: float,
) -> ChunkerPass:
    """A predicts every next symbol; C runs only on A's surprises and reads the label at the block's end.

    C is recurrent on the compressed stream: its state changes at surprises only and is carried
    across blocks. It learns to predict its next input (the next surprise) and the label. The
    last surprise of a block has its next-input target only when the next block's first symbol
    is a surprise too (always, once A is trained: 1.00 surprises per block in the reference
    preset); otherwise that one target is left out, which spares holding a graph across blocks.
    """
    targets = next_targets(blocks, following_first)
    a_states = automatizer(one_hot(blocks, N_BLOCK_SYMBOLS), state.automatizer)
    a_logits = automatizer.read("next", a_states)
    loss_a = F.cross_entropy(a_logits.flatten(0, 1), targets.flatten())
    p_actual = prob_of_actual(a_logits, targets)
    missed = surprise_mask(p_actual, threshold)  # missed[:, t]: the symbol after position t
    surprises = torch.cat([state.first_is_surprise[:, None], missed[:, :-1]], dim=1)

    # C's stream: this block's surprises plus, for the last one's next-input target, the next block's first
    stream = torch.cat([blocks, following_first[:, None]], dim=1)
    compressed = compress(stream, torch.cat([surprises, missed[:, -1:]], dim=1))
    time_stamps = (compressed.positions.clamp(min=0).float() / BLOCK_LEN)[..., None]
    c_inputs = torch.cat([one_hot(compressed.symbols, N_BLOCK_SYMBOLS), time_stamps], dim=2)
    c_states = chunker(c_inputs, state.chunker)
    in_block = surprises.sum(dim=1)  # C's steps that belong to this block
    steps = torch.arange(compressed.width, device=blocks.device)[None, :]
    has_next = (steps + 1 < compressed.counts[:, None]) & (steps < in_block[:, None])
    c_logits = chunker.read("next", c_states[:, :-1])
    next_loss = F.cross_entropy(c_logits.flatten(0, 1), compressed.symbols[:, 1:].flatten(), reduction="none")
    mask = has_next[:, :-1].flatten().float()
    loss_next = (next_loss * mask).sum() / mask.sum().clamp(min=1.0)
    last = (in_block - 1).clamp(min=0)
    end_state = c_states[torch.arange(len(last), device=last.device), last]
    end_state = torch.where((in_block > 0)[:, None], end_state, state.chunker)  # no surprise: C did not move
    label_logit = chunker.read("label", end_state)[:, 0]
    loss_c = loss_next + F.binary_cross_entropy_with_logits(label_logit, labels)
    carried = ChunkerState(a_states[:, -1].detach(), end_state.detach(), missed[:, -1])
    return ChunkerPass(loss_a, loss_c, p_actual, surprises, label_logit.detach(),
                       a_logits.detach().argmax(-1) == targets, carried)


@dataclass
class SinglePass:
    loss: torch.Tensor
    label_logit: torch.Tensor
    next_correct: torch.Tensor
    state: torch.Tensor


def single_pass(net: RecurrentNet, blocks: torch.Tensor, labels: torch.Tensor, following_first: torch.Tensor,
                state: torch.Tensor) -> SinglePass:
    """One Elman net, BPTT within the block, does both: next symbol everywhere, the label at the last step."""
    targets = next_targets(blocks, following_first)
    states = net(one_hot(blocks, N_BLOCK_SYMBOLS), state)
    logits = net.read("next", states)
    label_logit = net.read("label", states[:, -1])[:, 0]
    loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten()) + F.binary_cross_entropy_with_logits(
        label_logit, labels)
    return SinglePass(loss, label_logit.detach(), logits.detach().argmax(-1) == targets, states[:, -1].detach())
