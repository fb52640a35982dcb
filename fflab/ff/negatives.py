"""Ways of making negative data for supervised Forward-Forward.

Every strategy has the same signature: positive images (N, D, before any label
overlay), their labels and a `torch.Generator` in; negative images and the labels
to overlay on them out. The caller overlays the labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

NegativeFn = Callable[[torch.Tensor, torch.Tensor, int, torch.Generator], tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class NegativeStrategy:
    name: str
    fn: NegativeFn
    help: str


NEGATIVE_STRATEGIES: dict[str, NegativeStrategy] = {}


def negative_strategy(name: str, help: str) -> Callable[[NegativeFn], NegativeFn]:
    def wrap(fn: NegativeFn) -> NegativeFn:
        NEGATIVE_STRATEGIES[name] = NegativeStrategy(name, fn, help)
        return fn

    return wrap


def random_wrong_labels(labels: torch.Tensor, num_classes: int, gen: torch.Generator) -> torch.Tensor:
    """A uniformly random label different from each true label."""
    offset = torch.randint(1, num_classes, labels.shape, generator=gen, device=gen.device).to(labels.device)
    return (labels + offset) % num_classes


@negative_strategy("wrong_label", "The same image with a uniformly random wrong label (Hinton's supervised recipe).")
def wrong_label(images: torch.Tensor, labels: torch.Tensor, num_classes: int, gen: torch.Generator):
    return images, random_wrong_labels(labels, num_classes, gen)


@negative_strategy(
    "random_label",
    "The same image with a uniformly random label that may equal the true one (mpezeshki's code; "
    "about 1 in 10 negatives is then a positive).",
)
def random_label(images: torch.Tensor, labels: torch.Tensor, num_classes: int, gen: torch.Generator):
    drawn = torch.randint(0, num_classes, labels.shape, generator=gen, device=gen.device)
    return images, drawn.to(labels.device)
