"""What the Runs page shows of stored runs: each one's headline, the parameters that differ, curves to overlay."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from fflab.catalog import all_experiments
from fflab.metric_names import headline_value
from fflab.store.database import RunSummary

X_AXES = {"step": "training step", "samples": "training samples seen", "seconds": "seconds of training"}
NOT_METRICS = ("step", "elapsed_s")


def headline(run: RunSummary) -> tuple[str, float] | None:
    """The run's headline metric (declared by its experiment) and value; None when it has none stored."""
    cls = all_experiments().get(run.experiment)
    if cls is None:
        return None
    return headline_value(run.metrics, cls.headline, cls.headline_lower_is_better)


def differing_params(runs: Sequence[RunSummary]) -> dict[str, list[Any]]:
    """Parameter -> each run's value, for the parameters (and seed, preset) not equal across `runs`."""
    rows = [{"experiment": r.experiment, "preset": r.preset, "seed": r.seed, **r.params} for r in runs]
    names = dict.fromkeys(name for row in rows for name in row)
    return {name: [row.get(name) for row in rows] for name in names
            if len({repr(row.get(name)) for row in rows}) > 1}


def metric_names(histories: Sequence[Sequence[dict[str, float]]]) -> list[str]:
    """Every metric any of the histories logged, in the order first seen."""
    names: dict[str, None] = {}
    for history in histories:
        for record in history:
            names.update(dict.fromkeys(k for k in record if k not in NOT_METRICS))
    return list(names)


def series(history: Sequence[dict[str, float]], metric: str, x: str, batch_size: int | None = None,
           smoothing: float = 0.0) -> tuple[list[float], list[float]]:
    """(x, y) of one metric, x as steps, samples (steps × batch size) or seconds; exponentially smoothed.

    Smoothing as TensorBoard's: y_t = s·y_(t-1) + (1-s)·value, debiased, skipping non-finite values.
    """
    if x not in X_AXES:
        raise ValueError(f"x must be one of {', '.join(X_AXES)}, not {x!r}")
    if x == "samples" and not batch_size:
        raise ValueError("samples need the run's batch size")
    xs, ys = [], []
    for record in history:
        if metric not in record:
            continue
        step = record.get("step", float(len(xs) + 1))
        xs.append(record.get("elapsed_s", 0.0) if x == "seconds" else step * (batch_size or 1) if x == "samples"
                  else step)
        ys.append(float(record[metric]))
    return xs, _smooth(ys, smoothing) if smoothing > 0 else ys


def _smooth(values: list[float], s: float) -> list[float]:
    out, last, weight = [], 0.0, 0.0
    for value in values:
        if not math.isfinite(value):
            out.append(value)
            continue
        last = s * last + (1 - s) * value
        weight = s * weight + (1 - s)
        out.append(last / weight)
    return out


def batch_size_of(run: RunSummary) -> int | None:
    value = run.params.get("batch_size")
    return int(value) if isinstance(value, int | float) and value > 0 else None
