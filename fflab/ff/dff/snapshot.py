"""What the `dff` page draws of a Distance-Forward net: each layer's class × centre distances, its weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflab.ff.snapshot import ClassifierSnapshot, LayerEvaluation


@dataclass(frozen=True)
class DFFSnapshot:
    classifier: ClassifierSnapshot
    evaluation: LayerEvaluation  # of the latest evaluation (before the first, of a small held-out probe)
    distance: str  # `sphere` or `euclidean`
    margin: float
    predict: str  # the predictor that gives `test_accuracy`
    first_layer_weights: np.ndarray  # (units, H, W)

    @property
    def centre_distance(self) -> tuple[np.ndarray, ...]:
        """Per layer, (classes, classes): the mean distance from the held-out images of each true class (row)
        to each class centre (column)."""
        return self.evaluation.layer_matrices
