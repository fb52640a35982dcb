"""How a Forward-Forward net names a label: by goodness under each candidate label, or by a softmax head.

Hinton (2022), section 3.3: either run the net once per candidate label overlaid on the image and pick the
label with the most goodness (summed over the prediction layers), or run it once with a neutral label and
let a linear softmax head read the normalised activities.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from fflab.ff.core import FFLayer, layer_goodness_by_label, normalise, overlay_neutral


def prediction_layers(values: Sequence, skip_first: bool) -> list:
    """The per-layer `values` prediction reads: all of them, or all but the first with `skip_first` (Hinton)."""
    values = list(values)
    return values[1:] if skip_first and len(values) > 1 else values


@torch.no_grad()
def neutral_features(layers: Sequence[FFLayer], images: torch.Tensor, num_classes: int, strength: float,
                     norm: str, skip_first: bool) -> torch.Tensor:
    """Each prediction layer's length-normalised activity under the neutral label, concatenated."""
    h = overlay_neutral(images, num_classes, strength)
    features = []
    for layer in layers:
        h = layer(h)
        features.append(normalise(h, "l2" if norm == "none" else norm))
    return torch.cat(prediction_layers(features, skip_first), dim=1)


@torch.no_grad()
def goodness_scores(layers: Sequence[FFLayer], images: torch.Tensor, num_classes: int, strength: float,
                    how: str, skip_first: bool) -> torch.Tensor:
    """(N, classes): the goodness of each candidate label, summed over the prediction layers."""
    per_layer = layer_goodness_by_label(list(layers), images, num_classes, strength, how)
    if skip_first and len(layers) > 1:
        per_layer = per_layer[1:]
    return per_layer.sum(dim=0)


class SoftmaxHead(nn.Linear):
    """The softmax predictor: a linear layer on the neutral-label features, with its own Adam."""

    def __init__(self, in_features: int, num_classes: int, lr: float, device: torch.device):
        super().__init__(in_features, num_classes)
        self.to(device)
        self.optimizer = torch.optim.Adam(self.parameters(), lr=lr)

    def learn(self, features: torch.Tensor, labels: torch.Tensor) -> float:
        """One step of cross-entropy on these (detached) features; the batch's loss."""
        loss = F.cross_entropy(self(features), labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return float(loss.item())

    def set_learning_rate(self, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr
