"""Naming a blow-up: a loss or goodness that grows far past its early level, before it reaches inf or NaN.

An Adam `lr=1` run of `ff` sends its loss from about 1 to 85,000 and its goodness
to 150,000, and still ends "finished" at 17.5% accuracy. It blows up at the second
step, so the watch compares from the first: each loss and goodness metric's early
level is the median magnitude of its first values (up to `EARLY` of them), and
it warns once per metric when a value exceeds `FACTOR` times that level (and at
least `FACTOR`, so a metric that starts near zero is not caught by noise),
naming the run's learning rates.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from typing import Any

from fflab.metric_names import base_of

EARLY = 20
FACTOR = 1000.0
WATCHED = ("loss", "goodness")


def learning_rates(params: Mapping[str, Any]) -> str:
    """The run's learning rates as `lr_a was 0.01, lr_c was 0.01` (every `lr`, `lr_*` and `*_lr` parameter)."""
    names = [n for n in params if n == "lr" or n.startswith("lr_") or n.endswith("_lr")]
    return ", ".join(f"{n} was {params[n]:g}" for n in names if isinstance(params[n], int | float))


class BlowUpWatch:
    """Fed each step's metrics; returns a warning the first time one of the watched metrics blows up."""

    def __init__(self, params: Mapping[str, Any]):
        self.params = params
        self.early: dict[str, list[float]] = {}
        self.warned: set[str] = set()

    def check(self, metrics: Mapping[str, float], step: int) -> list[str]:
        warnings = []
        for name, value in metrics.items():
            if self.warned or not any(w in base_of(name) for w in WATCHED) or not math.isfinite(value):
                continue
            seen = self.early.setdefault(name, [])
            if not seen:
                seen.append(abs(value))
                continue
            limit = FACTOR * max(statistics.median(seen), 1.0)
            if abs(value) <= limit:
                if len(seen) < EARLY:
                    seen.append(abs(value))
            else:
                self.warned.add(name)
                rates = learning_rates(self.params)
                warnings.append(
                    f"{name} reached {value:,.4g} at step {step}, over {FACTOR:,.0f}× its early level "
                    f"({statistics.median(seen):.3g}): the run is blowing up. Lower the learning rate"
                    + (f" ({rates})" if rates else "") + ".")
        return warnings
