"""Building blocks of Distance-Forward learning (DF): class centres, distances, the N-pair margin loss.

Wu et al. (2024), cited in `text.py`. FF's goodness, read as
metric learning: a layer's activity should lie close to its own class's centre and far from the
others'. Each layer owns one learned centre per class in its activity space; its "goodness" for
class k is minus the distance to centre k, and its loss asks the true centre to be nearer than
every rival centre by a margin.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from fflab.ff.core import normalise

DISTANCES = ("sphere", "euclidean")
RIVALS = ("all", "hardest", "random")
UNIT_EPS = 1e-8  # a silent layer (all activities 0) sits at distance 2 from every centre


class DistanceLayer(nn.Module):
    """Normalise the input, linear, ReLU; plus one learned centre per class in the output space."""

    def __init__(self, in_features: int, out_features: int, num_classes: int, norm: str):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        # Positive, like the ReLU activities they are compared with, and spread apart by the noise.
        self.centres = nn.Parameter(torch.rand(num_classes, out_features))
        self.norm = norm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.linear(normalise(x, self.norm)))


def centre_distances(activity: torch.Tensor, centres: torch.Tensor, kind: str) -> torch.Tensor:
    """(N, units) activities and (K, units) centres → (N, K) squared distances.

    `sphere`: both scaled to unit length first, so d = 2 − 2·cos ∈ [0, 4] whatever the layer's
    scale (a margin then means the same in every layer and cannot be won by growing the weights).
    `euclidean`: the plain squared distance, averaged over units so wide and narrow layers compare.
    """
    if kind == "sphere":
        a, c = F.normalize(activity, dim=1, eps=UNIT_EPS), F.normalize(centres, dim=1, eps=UNIT_EPS)
        return (2.0 - 2.0 * a @ c.T).clamp_min(0.0)
    return (activity[:, None, :] - centres[None, :, :]).pow(2).mean(dim=2)


def rival_mask(distances: torch.Tensor, labels: torch.Tensor, rivals: str,
               generator: torch.Generator | None = None) -> torch.Tensor:
    """(N, K) booleans: which wrong classes each sample is compared against.

    `all`: every wrong class (the N-pair loss: K − 1 negatives per sample at once); `hardest`: the
    nearest wrong centre only; `random`: one wrong class drawn at random (FF's single wrong label).
    """
    n, k = distances.shape
    rows = torch.arange(n, device=distances.device)
    if rivals == "all":
        mask = torch.ones(n, k, dtype=torch.bool, device=distances.device)
        mask[rows, labels] = False
        return mask
    if rivals == "hardest":
        chosen = distances.detach().clone()
        chosen[rows, labels] = float("inf")
        index = chosen.argmin(dim=1)
    else:
        offset = torch.randint(1, k, (n,), generator=generator, device=distances.device)
        index = (labels + offset) % k
    mask = torch.zeros(n, k, dtype=torch.bool, device=distances.device)
    mask[rows, index] = True
    return mask


def n_pair_margin_loss(distances: torch.Tensor, labels: torch.Tensor, margin: float, scale: float,
                       mask: torch.Tensor | None = None) -> torch.Tensor:
    """mean over samples of log(1 + Σ_{k rival} exp(s · (d_true − d_k + m))).

    A smooth hinge on every rival at once: zero-ish once each rival centre is at least `margin`
    farther than the true one, growing linearly (slope `scale`) when a rival is nearer. With one
    rival this is SymBa's softplus(−α(g_pos − g_neg)) with goodness = −distance, shifted by m.
    """
    if mask is None:
        mask = rival_mask(distances, labels, "all")
    true = distances.gather(1, labels[:, None])
    terms = scale * (true - distances + margin)
    terms = terms.masked_fill(~mask, float("-inf"))
    return F.softplus(torch.logsumexp(terms, dim=1)).mean()


def true_and_nearest_rival(distances: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per sample, the distance to the true centre and to the nearest wrong centre."""
    rows = torch.arange(len(labels), device=distances.device)
    true = distances[rows, labels]
    others = distances.clone()
    others[rows, labels] = float("inf")
    return true, others.min(dim=1).values


def class_distance_matrix(distances: torch.Tensor, labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(K, K): row t, column k = mean distance of class-t images to centre k (NaN rows for absent classes)."""
    sums = torch.zeros(num_classes, num_classes, dtype=distances.dtype, device=distances.device)
    sums.index_add_(0, labels, distances)
    counts = torch.bincount(labels, minlength=num_classes).to(sums.dtype)[:, None]
    return sums / counts
