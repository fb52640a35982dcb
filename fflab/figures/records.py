"""Reading the run's metric log: downsampling, one series per key, throughput, latest value.

`records` is the list of metric dicts a run logs, one per step; any key may be missing from
any record (accuracy appears only on evaluation steps, greedy training logs one layer at a time).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

MAX_POINTS = 400
THROUGHPUT_WINDOW_S = 2.0

T = TypeVar("T")


def evenly(items: Sequence[T], max_points: int = MAX_POINTS) -> list[T]:
    """At most `max_points` items evenly spaced by index, always the first and the last."""
    if max_points < 1:
        raise ValueError(f"max_points must be at least 1, got {max_points}")
    n = len(items)
    if n <= max_points:
        return list(items)
    if max_points == 1:
        return [items[-1]]
    last = n - 1
    return [items[i * last // (max_points - 1)] for i in range(max_points)]


def downsample(records: Sequence[dict], max_points: int = MAX_POINTS, key: str | None = None) -> list[dict]:
    """At most `max_points` evenly spaced records, always keeping the last one.

    With `key`, only the records that carry it are considered, so a sparse series (accuracy,
    logged every few hundred steps) keeps its points however many records lie between them.
    """
    if key is not None:
        records = [r for r in records if key in r]
    return evenly(records, max_points)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def series(
    records: Iterable[dict], key: str, x_key: str = "step", max_points: int = MAX_POINTS
) -> tuple[list[float], list[float]]:
    """(x, y) of `key` against `x_key` over the records that carry both, downsampled.

    Non-finite values (a diverged run) stay as NaN, which plotly draws as a gap.
    """
    points = []
    for r in records:
        if key in r and x_key in r:
            x, y = _number(r[x_key]), _number(r[key])
            if x is not None and y is not None and math.isfinite(x):
                points.append((x, y if math.isfinite(y) else math.nan))
    points = evenly(points, max_points)
    return [p[0] for p in points], [p[1] for p in points]


def all_keys(records: Iterable[dict]) -> set[str]:
    """Every key that appears in any record."""
    return set().union(*records)


def latest(records: Sequence[dict], key: str) -> float | None:
    """The last logged value of `key`, or None when no record carries it."""
    for r in reversed(records):
        if key in r and r[key] is not None:
            return _number(r[key])
    return None


def throughput(records: Sequence[dict], window_s: float = THROUGHPUT_WINDOW_S) -> tuple[float, float]:
    """(samples per second over the last `window_s` of elapsed time, total elapsed seconds).

    The rate is measured between the newest record and the newest one at least `window_s`
    older; while the run is younger than that, it is the overall rate. (0.0, 0.0) when empty.
    """
    total = latest(records, "elapsed_s")
    if total is None:
        return 0.0, 0.0
    total = max(total, 0.0)
    newest = None
    anchor = None
    for r in reversed(records):
        t, s = _number(r.get("elapsed_s")), _number(r.get("samples"))
        if t is None or s is None:
            continue
        if newest is None:
            newest = (t, s)
        elif t <= newest[0] - window_s:
            anchor = (t, s)
            break
    if newest is None:
        return 0.0, total
    t1, s1 = newest
    if anchor is not None and t1 > anchor[0]:
        rate = (s1 - anchor[1]) / (t1 - anchor[0])
    else:
        rate = s1 / t1 if t1 > 0 else 0.0
    return (max(rate, 0.0) if math.isfinite(rate) else 0.0), total
