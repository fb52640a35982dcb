"""Building blocks of Channel-wise Competitive Forward-Forward (CwC-FF).

Papachristodoulou et al. (2024), cited in `text.py`. Every layer's output
channels are split into one group per class, in order: channels [k·C/K, (k+1)·C/K) belong to
class k. A group's goodness is the mean of its squared activities (over its channels and all
positions), and the layer's loss is the cross-entropy of the K group goodnesses against the true
class, so no negative data is needed: the other classes' groups are the competition.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

BN_EPS = 1e-4  # as in the authors' code (andreaspapac/CwComp)


class CwCBlock(nn.Module):
    """conv 3×3 (padding 1) → ReLU → optional 2×2 max-pool → BatchNorm.

    With `groups` = number of classes the convolution is grouped: class k's output channels see
    only class k's input channels (the "channel-wise feature separator" half of a CFSE block).
    """

    def __init__(self, in_channels: int, out_channels: int, groups: int, pool: bool, kernel_size: int = 3):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, groups=groups)
        self.pool = nn.MaxPool2d(2) if pool else nn.Identity()
        self.norm = nn.BatchNorm2d(out_channels, eps=BN_EPS)
        self.groups = groups

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.pool(F.relu(self.conv(x))))


def cfse_blocks(channels: tuple[int, ...], num_classes: int, in_channels: int = 1, grouped: bool = True,
                kernel_size: int = 3) -> nn.ModuleList:
    """The CFSE net: layers alternate standard and class-grouped convolutions; the grouped ones pool.

    Layer 1 is standard, layer 2 grouped and pooled, layer 3 standard, layer 4 grouped and pooled,
    and so on. `grouped=False` makes every convolution standard (the paper's FF-CNN ablation).
    Every width must be a multiple of `num_classes`, since every layer is scored by class group.
    """
    bad = [c for c in channels if c % num_classes]
    if bad:
        raise ValueError(f"channels: {bad[0]} is not a multiple of the {num_classes} classes; every layer's "
                         f"channels are split into one equal group per class")
    blocks = []
    for i, out_channels in enumerate(channels):
        second = i % 2 == 1
        groups = num_classes if (second and grouped) else 1
        blocks.append(CwCBlock(in_channels, out_channels, groups, pool=second, kernel_size=kernel_size))
        in_channels = out_channels
    return nn.ModuleList(blocks)


def class_goodness(activity: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(N, C, H, W) activities → (N, K) goodness: each class group's mean squared activity."""
    n, c = activity.shape[:2]
    return activity.reshape(n, num_classes, c // num_classes, -1).pow(2).mean(dim=(2, 3))


def cwc_loss(goodness_by_class: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the class-goodness matrix against the true labels (the goodness are the logits)."""
    return F.cross_entropy(goodness_by_class, labels)


def true_and_rival_goodness(goodness_by_class: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per sample, the true class group's goodness and the mean of the other groups' goodness."""
    true = goodness_by_class.gather(1, labels[:, None]).squeeze(1)
    rivals = (goodness_by_class.sum(dim=1) - true) / (goodness_by_class.shape[1] - 1)
    return true, rivals


def class_goodness_matrix(goodness_by_class: torch.Tensor, labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(K, K): row t, column k = mean goodness of class k's group over the images of true class t (NaN if none)."""
    sums = torch.zeros(num_classes, num_classes, dtype=goodness_by_class.dtype, device=goodness_by_class.device)
    sums.index_add_(0, labels, goodness_by_class)
    counts = torch.bincount(labels, minlength=num_classes).to(sums.dtype)[:, None]
    return sums / counts
