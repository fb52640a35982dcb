"""Layer by layer on the full batch: a layer's input is the same at every step of its phase, so it is made once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from fflab.ff.core import FFLayer, normalise


class FullBatchInput:
    """Each layer's input, positives then negatives in one tensor, already normalised (the negatives drawn
    once, as mpezeshki does): no concatenating and normalising 2 × 60,000 rows at every step."""

    def __init__(self, norm: str):
        self.norm = norm
        self.made: tuple[int, torch.Tensor, int] | None = None  # layer, normalised [pos; neg], positives

    @torch.no_grad()
    def for_layer(self, layers: Sequence[FFLayer], index: int,
                  make_pair: Callable[[], tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, int]:
        if self.made is None:
            h_pos, h_neg = make_pair()
            self.made = (0, normalise(torch.cat([h_pos, h_neg]), self.norm), len(h_pos))
        at, x_normalised, n_pos = self.made
        while at < index:
            x_normalised = normalise(layers[at].activate(x_normalised), self.norm)
            at += 1
        self.made = (at, x_normalised, n_pos)
        return x_normalised, n_pos
