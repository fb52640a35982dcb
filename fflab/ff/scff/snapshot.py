"""What the `scff` page draws of a Self-Contrastive FF net: the pairs it learns from, its phase, its weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflab.ff.snapshot import ClassifierSnapshot


@dataclass(frozen=True)
class PairBatch:
    """The first pairs of the latest batch as the first layer got them, and the classes of their images."""

    positive_pairs: np.ndarray  # (n, 2, H, W): each image beside itself
    negative_pairs: np.ndarray  # (n, 2, H, W): each image beside another one of the batch
    pair_labels: tuple[int, ...]  # the class of each pair's first image
    partner_labels: tuple[int, ...]  # the class of each negative pair's second image


@dataclass(frozen=True)
class SCFFSnapshot:
    classifier: ClassifierSnapshot
    current_layer: int  # 1-based: the layer learning now (greedy), else the last
    schedule: str  # `greedy` or `simultaneous`
    probing: bool  # training is over and only the probe learns
    threshold_pos: tuple[float, ...]  # θ₊ per layer, the last repeating
    threshold_neg: tuple[float, ...]  # θ₋ per layer, the last repeating
    first_layer_weights: np.ndarray  # (units, H, W), the weights of the pair's first image
    pairs: PairBatch | None  # None before the first training step
