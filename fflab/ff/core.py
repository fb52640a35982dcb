"""Forward-Forward building blocks: label overlay, goodness, the layer-local losses.

Hinton (2022), cited in `fflab/ff/forward_forward/text.py`.
Each layer sees its input normalised (so the previous layer's goodness cannot leak
through), applies a linear map and a ReLU, and is trained to make its goodness
high for positive data and low for negative data.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from fflab.metric_names import layer_metric

EPS = 1e-4


def overlay_labels(images: torch.Tensor, labels: torch.Tensor, num_classes: int, strength: float) -> torch.Tensor:
    """Replace the first `num_classes` pixels by a one-hot label of height `strength`."""
    x = images.clone()
    x[:, :num_classes] = 0.0
    x[torch.arange(len(labels), device=x.device), labels] = strength
    return x


def overlay_neutral(images: torch.Tensor, num_classes: int, strength: float) -> torch.Tensor:
    """Every label slot at `strength / num_classes` (Hinton's neutral label for the softmax head)."""
    x = images.clone()
    x[:, :num_classes] = strength / num_classes
    return x


def normalise(x: torch.Tensor, how: str) -> torch.Tensor:
    """Length-normalise each row: `l2` to unit length, `rms` to unit root-mean-square, `none`."""
    if how == "l2":
        return x / (x.norm(dim=1, keepdim=True) + EPS)
    if how == "rms":
        return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + EPS)
    return x


def goodness(h: torch.Tensor, how: str) -> torch.Tensor:
    """Per-sample goodness: the sum or the mean of the squared activities."""
    squares = h.pow(2)
    return squares.sum(dim=1) if how == "sum" else squares.mean(dim=1)


def ff_loss(g_pos: torch.Tensor, g_neg: torch.Tensor, threshold: float, kind: str = "threshold", alpha: float = 4.0) -> torch.Tensor:
    """The layer-local loss.

    `threshold`: softplus(θ − g_pos) and softplus(g_neg − θ), averaged over all 2N samples
    (the logistic loss on p(positive) = σ(g − θ)). `symba`: softplus(−α(g_pos − g_neg)),
    the SymBa loss of Lee & Song (2023), which compares pairs and has no threshold.
    """
    if kind == "symba":
        return F.softplus(-alpha * (g_pos - g_neg)).mean()
    return torch.cat([F.softplus(threshold - g_pos), F.softplus(g_neg - threshold)]).mean()


def collaborative_goodness(per_layer: list[torch.Tensor], gamma: float) -> list[torch.Tensor]:
    """Each layer's goodness plus γ times the sum of the other layers' goodness, detached.

    Layer collaboration (Lorberbom et al. 2024, cited in `fflab/studies/text.py`): the logit
    σ(g_k + γ Σ_{j≠k} g_j − θ) of layer k lets it see how the whole net scores a sample, while the
    gradient still reaches layer k only through its own g_k. γ = 0 returns the goodness unchanged.
    """
    if gamma == 0:
        return list(per_layer)
    total = torch.stack([g.detach() for g in per_layer]).sum(dim=0)
    return [g + gamma * (total - g.detach()) for g in per_layer]


class FFLayer(nn.Module):
    """Normalise the input, then linear and ReLU."""

    def __init__(self, in_features: int, out_features: int, norm: str):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.norm = norm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activate(normalise(x, self.norm))

    def activate(self, x_normalised: torch.Tensor) -> torch.Tensor:
        """The layer on an input already normalised (ReLU in place: the linear's backward needs only its input)."""
        return F.relu_(self.linear(x_normalised))


class PeerNorm:
    """Hinton's peer normalisation: a running mean of each unit's activity on positive data,
    penalised for straying from the layer's average, so that no unit stays dead or always on."""

    def __init__(self, momentum: float = 0.9):
        self.momentum = momentum
        self.running: dict[int, torch.Tensor] = {}

    def loss(self, layer_index: int, h_pos: torch.Tensor) -> torch.Tensor:
        mean_activity = h_pos.mean(dim=0)
        previous = self.running.get(layer_index)
        if previous is None:
            previous = mean_activity.detach()
        running = previous.detach() * self.momentum + mean_activity * (1 - self.momentum)
        self.running[layer_index] = running.detach()
        return (running - running.mean()).pow(2).mean()


def layer_goodness_by_label(
    layers: list[FFLayer], images: torch.Tensor, num_classes: int, strength: float, how: str
) -> torch.Tensor:
    """Goodness of every layer for every candidate label: shape (layers, N, classes)."""
    n = len(images)
    per_label = []
    for label in range(num_classes):
        h = overlay_labels(images, torch.full((n,), label, device=images.device, dtype=torch.long), num_classes, strength)
        per_layer = []
        for layer in layers:
            h = layer(h)
            per_layer.append(goodness(h, how))
        per_label.append(torch.stack(per_layer))
    return torch.stack(per_label, dim=2)


@torch.no_grad()
def dead_unit_fractions(layers: list[nn.Module], images: torch.Tensor, num_classes: int,
                        strength: float) -> dict[str, float]:
    """Per layer, `dead_fraction.layerN`: the share of its units that output exactly zero for every image
    under every candidate label (every input the goodness predictor shows the net)."""
    alive: list[torch.Tensor | None] = [None] * len(layers)
    for label in range(num_classes):
        h = overlay_labels(images, torch.full((len(images),), label, device=images.device), num_classes, strength)
        for i, layer in enumerate(layers):
            h = layer(h)
            fired = (h > 0).any(dim=0)
            alive[i] = fired if alive[i] is None else alive[i] | fired
    return {layer_metric("dead_fraction", i): 1.0 - float(a.float().mean()) for i, a in enumerate(alive)}
