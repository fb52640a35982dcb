"""What the `ff` page draws of a Forward-Forward net: goodness on a probe batch, weights, examples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflab.ff.snapshot import ClassifierSnapshot, ExampleBatch


@dataclass(frozen=True)
class FFSnapshot:
    classifier: ClassifierSnapshot
    goodness_pos: tuple[np.ndarray, ...]  # per layer, the goodness of each probe image with its true label
    goodness_neg: tuple[np.ndarray, ...]  # per layer, the goodness of each probe image's negative
    threshold: float  # θ
    loss_kind: str  # `threshold` or `symba`
    current_layer: int  # 1-based: the layer learning now (greedy), else the last
    schedule: str  # `simultaneous` or `greedy`
    first_layer_weights: np.ndarray  # (units, H, W)
    examples: ExampleBatch | None  # from the latest training batch; None before the first

    @property
    def marked_threshold(self) -> float | None:
        """θ where the loss has one (the threshold loss), None under SymBa."""
        return self.threshold if self.loss_kind == "threshold" else None

    @property
    def layer_in_training(self) -> int | None:
        """The 1-based layer learning alone (greedy schedule), None when every layer learns."""
        return self.current_layer if self.schedule == "greedy" else None
