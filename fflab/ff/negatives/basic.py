"""Negatives that keep the positive image and change only its label."""

from __future__ import annotations

import torch

from fflab.ff.negatives.registry import NegativeContext, negative_strategy, random_wrong_labels


@negative_strategy("wrong_label", "The same image with a uniformly random wrong label (Hinton's supervised recipe).")
def wrong_label(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """The positive image itself, labelled with one of the other `num_classes − 1` labels, uniformly."""
    return images, random_wrong_labels(labels, ctx.num_classes, ctx.generator)


@negative_strategy(
    "random_label",
    "The same image with a uniformly random label that may equal the true one (mpezeshki's code; "
    "about 1 in 10 negatives is then a positive).",
)
def random_label(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """The positive image with a label drawn uniformly from all `num_classes` labels, the true one included."""
    drawn = torch.randint(0, ctx.num_classes, labels.shape, generator=ctx.generator, device=ctx.generator.device)
    return images, drawn.to(labels.device)
