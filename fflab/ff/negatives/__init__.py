"""Ways of making negative data for supervised Forward-Forward.

The registry (`NEGATIVE_STRATEGIES`, name -> `NegativeStrategy` with `fn` and a one-line
`help`), the common signature and its `NegativeContext` live in `registry`; importing
this package registers the strategies in the order they are listed on the page.
"""

from fflab.ff.negatives import basic, images, scored  # noqa: F401  (registers them, in this order)
from fflab.ff.negatives.images import blurred_masks
from fflab.ff.negatives.registry import (
    KNOB_DEFAULTS,
    NEGATIVE_KNOBS,
    NEGATIVE_STRATEGIES,
    NegativeContext,
    NegativePool,
    NegativeStrategy,
    negative_strategy,
    random_wrong_labels,
)

__all__ = [
    "KNOB_DEFAULTS",
    "NEGATIVE_KNOBS",
    "NEGATIVE_STRATEGIES",
    "NegativeContext",
    "NegativePool",
    "NegativeStrategy",
    "blurred_masks",
    "negative_strategy",
    "random_wrong_labels",
]
