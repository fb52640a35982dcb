"""About how many bytes a layered classifier run holds at its peak: data, weights with optimiser state,
one step's activations, and one evaluation chunk. Rough on purpose (within a factor of about two): it
exists to refuse settings that would need tens of gigabytes, not to plan an allocation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FLOAT = 4
SIZES = {"digits": (1437, 360, 64, 10), "mnist": (60000, 10000, 784, 10), "fashion_mnist": (60000, 10000, 784, 10)}
SCORED_AT_ONCE = 2000  # `predict_batched`'s chunk
KNOBS = "batch_size (0 means the whole training set at once), hidden or eval_samples"


def classifier_bytes(params: Mapping[str, Any]) -> float | None:
    if params.get("dataset") not in SIZES:
        return None
    n_train, n_test, inputs, classes = SIZES[params["dataset"]]
    hidden = [int(h) for h in params.get("hidden") or ()]
    batch = n_train if not params.get("batch_size") else min(int(params["batch_size"]), n_train)
    data = (n_train + n_test) * inputs * FLOAT * 2  # on the device, and a scaled copy
    widths = [inputs, *hidden]
    weights = sum(a * b for a, b in zip(widths, widths[1:], strict=False)) * FLOAT * 4  # + grad, Adam's m and v
    step = batch * sum(hidden) * FLOAT * 2 * 3  # positive and negative passes, with what autograd keeps
    scored = min(int(params.get("eval_samples") or 0), SCORED_AT_ONCE)
    evaluation = scored * classes * max(hidden or [0]) * FLOAT * 2  # every label overlaid, two layers alive
    return float(data + weights + step + evaluation)
