"""What the `cwc` page draws of a CwC-FF net: each layer's class-goodness matrix, its filters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflab.ff.snapshot import ClassifierSnapshot, LayerEvaluation


@dataclass(frozen=True)
class CwCSnapshot:
    classifier: ClassifierSnapshot
    evaluation: LayerEvaluation  # of the latest evaluation (before the first, of a small held-out probe)
    predict: str  # the predictor that gives `test_accuracy`
    channels: tuple[int, ...]  # per layer
    grouped: bool
    layers_learning: tuple[bool, ...]  # per layer: still learning at this epoch
    first_layer_filters: np.ndarray  # (channels, 3, 3)

    @property
    def class_goodness(self) -> tuple[np.ndarray, ...]:
        """Per layer, (classes, classes): the mean goodness of each class group (column) over the held-out
        images of each true class (row)."""
        return self.evaluation.layer_matrices
