"""Self-Contrastive Forward-Forward building blocks: pairs, shifts, the pair layer, the loss.

Chen et al. (2025), cited in `text.py`. A positive input is an image paired with
itself, a negative input an image paired with a different image of the same batch; no label
is ever used. `text.py` says what fflab implements where the paper leaves room.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from fflab.ff.core import EPS, ff_loss, goodness, normalise

NORMS = ("std", "l2", "rms", "none")
ACTIVATIONS = ("triangle", "relu")


def standardise_rows(x: torch.Tensor) -> torch.Tensor:
    """Each row minus its mean, divided by its standard deviation (the authors' `stdnorm`)."""
    std, mean = torch.std_mean(x, dim=-1, keepdim=True)
    return (x - mean) / (std + EPS)


def normalise_rows(x: torch.Tensor, how: str) -> torch.Tensor:
    """`std` standardises each row; `l2`, `rms` and `none` as in Forward-Forward."""
    return standardise_rows(x) if how == "std" else normalise(x, how)


def activate(z: torch.Tensor, how: str) -> torch.Tensor:
    """What a layer passes on: `relu`, or `triangle` = relu(z − mean over the units of z)."""
    return F.relu(z - z.mean(dim=1, keepdim=True)) if how == "triangle" else F.relu(z)


def partner_indices(n: int, gen: torch.Generator, device: torch.device | str = "cpu") -> torch.Tensor:
    """For each of `n` images, a different image of the batch: (i + r) mod n, one random r in [1, n−1]
    per batch (the batch rolled by r), so no image is ever paired with itself."""
    if n < 2:
        raise ValueError("a negative pair needs at least 2 images in the batch")
    r = int(torch.randint(1, n, (1,), generator=gen, device=gen.device).item())
    return (torch.arange(n, device=device) + r) % n


def make_pairs(first: torch.Tensor, second: torch.Tensor,
               gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Positive pairs (first_i, second_i) and negative pairs (first_i, second_j), j ≠ i, shape (N, 2, D).

    `second` is `first` itself, or another view of the same images (shifted). Returns the partner
    indices j too, so that a picture can say which image each negative was paired with.
    """
    partners = partner_indices(len(first), gen, first.device)
    positive = torch.stack([first, second], dim=1)
    negative = torch.stack([first, second[partners]], dim=1)
    return positive, negative, partners


def random_shift(images: torch.Tensor, image_shape: tuple[int, int], max_shift: int,
                 gen: torch.Generator) -> torch.Tensor:
    """Each flat image translated by a random whole number of pixels in [−max_shift, max_shift] on
    each axis, the uncovered border filled with 0 (as torchvision's RandomAffine translate)."""
    if max_shift <= 0:
        return images
    h, w = image_shape
    n = len(images)
    padded = F.pad(images.view(n, 1, h, w), (max_shift,) * 4)
    offsets = torch.randint(0, 2 * max_shift + 1, (n, 2), generator=gen, device=gen.device).to(images.device)
    out = torch.empty_like(images).view(n, h, w)
    for dy in range(2 * max_shift + 1):
        for dx in range(2 * max_shift + 1):
            pick = ((offsets[:, 0] == dy) & (offsets[:, 1] == dx)).nonzero(as_tuple=True)[0]
            if len(pick):
                out[pick] = padded[pick, 0, dy : dy + h, dx : dx + w]
    return out.view(n, h * w)


def scff_loss(g_pos: torch.Tensor, g_neg: torch.Tensor, threshold_pos: float, threshold_neg: float,
              penalty: float = 0.0) -> torch.Tensor:
    """softplus(θ₊ − g_pos) + softplus(g_neg − θ₋), each averaged over the batch, + λ·mean(g_pos).

    With θ₊ = θ₋ this is twice Forward-Forward's threshold loss; θ₋ > θ₊ leaves a margin in which
    neither term pushes. λ keeps the positives' goodness from growing without bound.
    """
    loss = 2.0 * ff_loss(g_pos - threshold_pos, g_neg - threshold_neg, 0.0)
    return loss + penalty * g_pos.mean() if penalty else loss


class PairLayer(nn.Module):
    """Normalise the input, then a linear map; `forward` returns the pre-activation z.

    The first layer (`pair_input`) takes pairs (N, 2, D): each image is normalised on its own and
    both go through the same weights, z = W x̂₁ + W x̂₂ + 2b = W(x̂₁ + x̂₂) + 2b, which is the
    concatenated input [x₁, x₂] through W = [W₁ W₂] with W₁ = W₂. Later layers take (N, D).
    """

    def __init__(self, in_features: int, out_features: int, norm: str, activation: str, pair_input: bool):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.norm, self.activation, self.pair_input = norm, activation, pair_input

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pair_input:
            summed = normalise_rows(x[:, 0], self.norm) + normalise_rows(x[:, 1], self.norm)
            return F.linear(summed, self.linear.weight, 2 * self.linear.bias)
        return self.linear(normalise_rows(x, self.norm))

    def goodness(self, z: torch.Tensor) -> torch.Tensor:
        """Mean square of relu(z) over the units, per sample (the authors' goodness)."""
        return goodness(F.relu(z), "mean")

    def passed_on(self, z: torch.Tensor) -> torch.Tensor:
        return activate(z, self.activation)
