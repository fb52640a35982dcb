"""Surprise detection and the compressed stream.

A symbol is a *surprise* when the automatizer's probability of it, predicted one step
earlier, is below the threshold (`p < threshold`; a symbol nothing predicted, such as
the first of a stream, is a surprise by convention). The chunker sees only the
surprises: the compressed stream, left-aligned per sequence and padded.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


def prob_of_actual(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """(..., V) logits and (...) symbol indices -> the predicted probability of each actual symbol."""
    return torch.softmax(logits.detach(), dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)


def surprise_mask(p_actual: torch.Tensor, threshold: float) -> torch.Tensor:
    """True where the actual symbol was predicted with probability below `threshold`."""
    return p_actual < threshold


@dataclass
class Compressed:
    """The surprises of a batch, left-aligned: row b holds its `counts[b]` events first, then padding."""

    symbols: torch.Tensor  # (B, K) symbol indices (padding: 0)
    positions: torch.Tensor  # (B, K) the time step of each event (padding: -1)
    valid: torch.Tensor  # (B, K) bool
    counts: torch.Tensor  # (B,) events per row

    @property
    def width(self) -> int:
        return self.symbols.shape[1]


def compress(symbols: torch.Tensor, mask: torch.Tensor) -> Compressed:
    """Keep the (B, T) `symbols` where `mask` is set, in order, left-aligned; K = the most events in a row."""
    counts = mask.sum(dim=1)
    width = max(int(counts.max()) if counts.numel() else 0, 1)
    # a stable sort of "not an event" puts each row's events first, in time order
    order = torch.argsort((~mask).to(torch.int8), dim=1, stable=True)[:, :width]
    valid = torch.arange(width, device=mask.device).unsqueeze(0) < counts.unsqueeze(1)
    kept_symbols = torch.where(valid, symbols.gather(1, order), 0)
    kept_positions = torch.where(valid, order, -1)
    return Compressed(kept_symbols, kept_positions, valid, counts)
