"""Scaffolding shared by the per-layer class × class matrix figures (CwC's class goodness, DFF's centre distances)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fflab.figures.common import axis_name, axis_ref, domains, panel_title

CLASS_MATRIX_HEIGHT = 340
CLASS_MATRIX_MARGIN = dict(l=55, r=15, t=45, b=45)


def square_matrices(value: Any) -> list[np.ndarray]:
    """Per-layer square matrices of one shape from a list of arrays or a stacked (layers, K, K) array; [] if unreadable."""
    if value is None:
        return []
    try:
        layers = [np.asarray(m, dtype=np.float64) for m in value]
    except (TypeError, ValueError):
        return []
    if not layers or any(m.ndim != 2 or m.shape[0] != m.shape[1] or m.size == 0 for m in layers):
        return []
    if len({m.shape for m in layers}) != 1:
        return []
    return layers


def class_names(names: Sequence[str] | None, k: int) -> list[str]:
    """`names` as strings when there are `k` of them, else the class indices."""
    return [str(n) for n in names] if names is not None and len(names) == k else [str(i) for i in range(k)]


def titled(title: str, images: int | None, step: int | None) -> str:
    """The title with the number of held-out images and the step the matrices were measured at, when known."""
    if images:
        title += f" · {int(images)} held-out images" + (f", step {int(step)}" if step is not None else "")
    return title


def layer_panels(
    layers: list[np.ndarray],
    accuracy: Sequence[float | None],
    column_title: str,
    heatmap: Callable[[int, np.ndarray, str, str, str], dict],
) -> tuple[list[dict], list[dict], dict]:
    """One panel per layer, side by side: rows the true class, columns `column_title`.

    `heatmap(i, matrix, caption, xaxis, yaxis)` makes panel i's trace. Captions carry each layer's
    accuracy as a standalone classifier where `accuracy` has a finite value for it.
    Returns the traces, the panel titles (annotations) and the axis layout.
    """
    traces, notes, layout = [], [], {}
    for i, (matrix, span) in enumerate(zip(layers, domains(len(layers), 0.04), strict=True)):
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        layout[axis_name(i, "x")] = dict(domain=span, anchor=ya, type="category", showgrid=False, tickangle=0,
                                         title=dict(text=column_title), tickfont=dict(size=9))
        layout[axis_name(i, "y")] = dict(domain=[0.0, 0.88], anchor=xa, type="category", showgrid=False,
                                         autorange="reversed", showticklabels=i == 0, tickfont=dict(size=9),
                                         **({"title": dict(text="true class")} if i == 0 else {}))
        caption = f"layer {i + 1}"
        if i < len(accuracy) and accuracy[i] is not None and np.isfinite(accuracy[i]):
            caption += f" · {float(accuracy[i]):.1%}"
        notes.append(panel_title(caption, span, 0.9))
        traces.append(heatmap(i, matrix, caption, xa, ya))
    return traces, notes, layout
