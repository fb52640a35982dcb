"""What the `bp` page draws of the backprop baseline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflab.ff.snapshot import ClassifierSnapshot


@dataclass(frozen=True)
class BackpropSnapshot:
    classifier: ClassifierSnapshot
    first_layer_weights: np.ndarray  # (units, H, W)
