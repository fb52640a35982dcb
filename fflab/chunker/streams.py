"""The two input streams: 22-symbol blocks, and trigger recall over T steps.

Symbols are integer indices; `*_SYMBOLS` name them for plots.
"""

from __future__ import annotations

import torch

# -- chunker-22: an endless stream of blocks `a b1 .. b20` or `x b1 .. b20` ------------
BLOCK_SYMBOLS: tuple[str, ...] = ("a", "x", *(f"b{i}" for i in range(1, 21)))
BLOCK_LEN = 21
SYMBOL_A, SYMBOL_X = 0, 1
N_BLOCK_SYMBOLS = len(BLOCK_SYMBOLS)  # 22


def make_blocks(starts_with_a: torch.Tensor) -> torch.Tensor:
    """(B,) bool -> (B, 21) symbol indices: `a` or `x`, then b1 .. b20."""
    batch = starts_with_a.shape[0]
    blocks = torch.arange(1, BLOCK_LEN + 1).repeat(batch, 1)  # b_i has index i + 1
    blocks[:, 0] = torch.where(starts_with_a, SYMBOL_A, SYMBOL_X)
    return blocks


class BlockStream:
    """B parallel endless streams of blocks, drawn from one seeded generator.

    `next_block()` returns the current block (B, 21), its labels (B,) ("starts with a") and the
    first symbol of the block after it (B,), which the last step of this block must predict.
    """

    def __init__(self, batch: int, generator: torch.Generator):
        self.generator = generator
        self.batch = batch
        self._upcoming = self._draw_starts()

    def _draw_starts(self) -> torch.Tensor:
        return torch.rand(self.batch, generator=self.generator) < 0.5

    def next_block(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        starts = self._upcoming
        self._upcoming = self._draw_starts()
        blocks = make_blocks(starts)
        following_first = torch.where(self._upcoming, SYMBOL_A, SYMBOL_X)
        return blocks, starts.float(), following_first


# -- chunker-deep: trigger, deterministic filler, the trigger again -------------------
DEEP_SYMBOLS: tuple[str, ...] = ("A", "B", "1", "2", "3", "4", "5")
TRIGGERS = (0, 1)
FILLER_CYCLE = 5
N_DEEP_SYMBOLS = len(DEEP_SYMBOLS)  # 7


def filler(length: int) -> torch.Tensor:
    """The filler at t = 1 .. length: 1, 2, 3, 4, 5, 1, 2, ... (indices 2 .. 6)."""
    return 2 + torch.arange(length) % FILLER_CYCLE


def trigger_sequences(batch: int, T: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, T) sequences `trigger, filler x (T - 2), trigger` and the triggers (B,), each A (0) or B (1)."""
    if T < 3:
        raise ValueError(f"T must be at least 3, got {T}")
    triggers = (torch.rand(batch, generator=generator) < 0.5).long()
    sequences = torch.empty(batch, T, dtype=torch.long)
    sequences[:, 0] = triggers
    sequences[:, 1 : T - 1] = filler(T - 2)
    sequences[:, T - 1] = triggers
    return sequences, triggers
