"""Metric names, made and parsed in one place.

A metric is named `base` or `base.part`: `loss`, `loss.layer1` (layer 1's loss), `test_accuracy.wrong_label`
(one contestant's), `activation_bytes.ff.depth3` (a part may itself hold dots: everything after the first dot
is the part). Saved runs and published figures use these names, so they never change; build and read them
here rather than with f-strings and `split(".")`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

SEPARATOR = "."
_LAYER_PART = re.compile(r"layer(\d+)")
_DEPTH_PART = re.compile(r"depth(\d+)")


def metric(base: str, *parts: str) -> str:
    """`base.part1.part2...`, e.g. metric("test_accuracy", "wrong_label") -> "test_accuracy.wrong_label"."""
    return SEPARATOR.join((base, *parts))


def split_metric(name: str) -> tuple[str, str | None]:
    """(base, part) at the first dot: "loss.layer1" -> ("loss", "layer1"); "loss" -> ("loss", None)."""
    base, dot, part = name.partition(SEPARATOR)
    return base, (part if dot else None)


def base_of(name: str) -> str:
    """The name before its first dot: "goodness_pos.layer2" -> "goodness_pos"."""
    return split_metric(name)[0]


def part_of(name: str) -> str | None:
    """What follows the first dot, or None: "test_accuracy.γ=0.3" -> "γ=0.3"."""
    return split_metric(name)[1]


def layer_metric(base: str, index: int) -> str:
    """The metric of layer `index` (0-based; the name counts from 1): layer_metric("loss", 0) -> "loss.layer1"."""
    return metric(base, f"layer{index + 1}")


def layer_of(name: str) -> int | None:
    """The 0-based layer index of a `base.layerN` name, else None: layer_of("loss.layer2") -> 1."""
    part = part_of(name)
    match = _LAYER_PART.fullmatch(part) if part is not None else None
    return int(match[1]) - 1 if match else None


def layer_indices(names: Iterable[str], base: str) -> list[int]:
    """The 0-based index of every `base.layerN` among `names`, in order (layer 10 after layer 2)."""
    return sorted({index for name in names if base_of(name) == base and (index := layer_of(name)) is not None})


def depth_metric(base: str, depth: int, series: str | None = None) -> str:
    """A measurement at a net depth: depth_metric("memory_ratio", 3) -> "memory_ratio.depth3";
    depth_metric("activation_bytes", 3, "ff") -> "activation_bytes.ff.depth3"."""
    return metric(base, *((series,) if series is not None else ()), f"depth{depth}")


def depth_of(name: str) -> int | None:
    """The depth of a name made by `depth_metric`, else None: depth_of("activation_bytes.ff.depth3") -> 3."""
    match = _DEPTH_PART.fullmatch(name.rpartition(SEPARATOR)[2]) if SEPARATOR in name else None
    return int(match[1]) if match else None


def total_of(metrics: Mapping[str, float], base: str) -> float:
    """The sum of `base` and every `base.<part>` in `metrics`, in their order (e.g. a net's loss over its layers).

    0 when there is none."""
    return sum(value for name, value in metrics.items() if base_of(name) == base)



def headline_value(metrics: Mapping[str, float], name: str, lower_is_better: bool = False) -> tuple[str, float] | None:
    """(name, value) of the metric `name`, else the best of those whose base is `name`; None if there is none."""
    if name in metrics:
        return name, float(metrics[name])
    parts = [(key, float(value)) for key, value in metrics.items() if base_of(key) == name]
    if not parts:
        return None
    return (min if lower_is_better else max)(parts, key=lambda pair: pair[1])
