"""Layer by layer on the full batch: a layer's input is the same at every step of its phase, so it is made once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import torch

from fflab.ff.core import FFLayer, normalise

Inputs = TypeVar("Inputs")


class FullBatchInput(Generic[Inputs]):
    """Each layer's input on the full batch (the negatives drawn once, as mpezeshki does), made once per layer
    phase: `first()` makes layer 0's, `advance(layer, inputs)` the next layer's from the last. No gradient:
    the layers below the one training are frozen."""

    def __init__(self, first: Callable[[], Inputs], advance: Callable[[FFLayer, Inputs], Inputs]):
        self.first, self.advance = first, advance
        self.made: tuple[int, Inputs] | None = None  # the layer these inputs feed, and them

    @torch.no_grad()
    def for_layer(self, layers: Sequence[FFLayer], index: int) -> Inputs:
        if self.made is None:
            self.made = (0, self.first())
        at, inputs = self.made
        while at < index:
            inputs = self.advance(layers[at], inputs)
            at += 1
        self.made = (at, inputs)
        return inputs


def normalised_pair(norm: str, make_pair: Callable[[], tuple[torch.Tensor, torch.Tensor]]) -> FullBatchInput:
    """Plain layers' inputs: positives then negatives in one tensor, already normalised, and how many positives
    (no concatenating and normalising 2 × 60,000 rows at every step); a layer runs on them with `activate`."""

    def first() -> tuple[torch.Tensor, int]:
        h_pos, h_neg = make_pair()
        return normalise(torch.cat([h_pos, h_neg]), norm), len(h_pos)

    def advance(layer: FFLayer, inputs: tuple[torch.Tensor, int]) -> tuple[torch.Tensor, int]:
        return normalise(layer.activate(inputs[0]), norm), inputs[1]

    return FullBatchInput(first, advance)


def separate_pair(make_pair: Callable[[], tuple[torch.Tensor, torch.Tensor]]) -> FullBatchInput:
    """Layers that are more than `activate` (PCL's): positives and negatives apart, each run through the layer."""

    def advance(layer: FFLayer, inputs: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        return layer(inputs[0]), layer(inputs[1])

    return FullBatchInput(make_pair, advance)
