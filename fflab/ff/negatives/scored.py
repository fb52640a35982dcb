"""Negatives whose label the network itself chooses."""

from __future__ import annotations

import torch

from fflab.ff.negatives.registry import NegativeContext, negative_strategy


@negative_strategy(
    "hard_label",
    "The same image with a wrong label drawn in proportion to the network's current preference for it.",
    needs=("label_scores",),
)
def hard_label(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """Image: the positive. Label: drawn from softmax(scores) with the true label's probability set to
    0 and the rest renormalised, where scores = `ctx.label_scores(images)`, the network's current
    logits for every label (in `ff`: the goodness summed over the prediction layers for each overlaid
    label, or the softmax head's logits when `predict` is softmax). So labels the network confuses with
    the true one become negatives more often (Hinton 2022, §3.3: hard negative labels chosen by the
    network's predictions). The scores are computed without gradients."""
    if ctx.label_scores is None:
        raise ValueError("hard_label needs the network's scores: give the context label_scores")
    with torch.no_grad():
        scores = ctx.label_scores(images).float()
    probs = torch.softmax(scores, dim=1)
    probs = probs.clamp_min(1e-12).scatter(1, labels.view(-1, 1).to(probs.device), 0.0)
    drawn = torch.multinomial(probs.to(ctx.generator.device), 1, generator=ctx.generator).view(-1)
    return images, drawn.to(labels.device)
