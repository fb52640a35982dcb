"""What every image classifier's snapshot shares: its confusion matrix and what labels the pictures.

Each experiment's own snapshot (`FFSnapshot`, `CwCSnapshot`, ...) holds one `ClassifierSnapshot` as its
`classifier`, beside what only it draws. Snapshots are frozen: the runner hands the same one to every
reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassifierSnapshot:
    confusion: np.ndarray  # (classes, classes) counts of the latest scoring: rows true, columns predicted
    class_names: tuple[str, ...]
    image_shape: tuple[int, int]
    dataset: str
    eval_samples: int  # held-out images scored at each evaluation while training

    @property
    def chance(self) -> float | None:
        """The accuracy of guessing (1 / classes)."""
        return 1 / len(self.class_names) if self.class_names else None


@dataclass(frozen=True)
class ExampleBatch:
    """The first positives of a training batch and the negatives made from them, each label overlaid."""

    positive_images: np.ndarray  # (n, H, W)
    positive_labels: tuple[int, ...]
    negative_images: np.ndarray  # (n, H, W)
    negative_labels: tuple[int, ...]


@dataclass(frozen=True)
class LayerEvaluation:
    """One evaluation of a classifier whose layers each classify (CwC, DFF), as its pictures show it."""

    layer_matrices: tuple[np.ndarray, ...]  # per layer, (classes, classes): row true class, column class
    layer_accuracy: tuple[float, ...]  # each layer's accuracy as a classifier on its own
    predictor_accuracy: Mapping[str, float]  # every predictor's accuracy, by name
    images: int  # held-out images scored
    step: int  # training steps the scored weights had had
