"""Pictures of a run: first-layer weights, positive and negative examples, the confusion matrix."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import axis_name, axis_ref, domains, figure, numeric_array, panel_title, waiting_figure

MAX_EXAMPLES = 8
IMAGE_AXIS = dict(visible=False, showgrid=False, zeroline=False, constrain="domain")


def _images(value: Any, image_shape: Any = None) -> np.ndarray | None:
    """`value` as a float32 (n, H, W) stack, or None when there is nothing drawable."""
    arr = numeric_array(value, np.float32)
    if arr is None:
        return None
    if arr.ndim == 2 and image_shape is not None and len(image_shape) == 2:
        h, w = (int(d) for d in image_shape)
        if arr.shape[1] == h * w:
            arr = arr.reshape(-1, h, w)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.size == 0:
        return None
    return arr


def _labels(value: Any) -> list[int]:
    """Labels as ints, from a list or an array; [] for None or anything unreadable."""
    try:
        return [] if value is None else [int(v) for v in np.asarray(value).ravel()]
    except (TypeError, ValueError):
        return []


def tile(weights: np.ndarray, columns: int = 6) -> np.ndarray:
    """Tile (n, H, W) into one canvas, each tile divided by its largest |value| (so in [-1, 1]),
    with 1-pixel NaN gaps between tiles (drawn as background)."""
    n, h, w = weights.shape
    columns = max(1, min(int(columns), n))
    rows = math.ceil(n / columns)
    canvas = np.full((rows * (h + 1) - 1, columns * (w + 1) - 1), np.nan, dtype=np.float32)
    clean = np.nan_to_num(weights, nan=0.0, posinf=0.0, neginf=0.0)
    scale = np.abs(clean).reshape(n, -1).max(axis=1)
    scale[scale == 0] = 1.0
    for i in range(n):
        r, c = divmod(i, columns)
        canvas[r * (h + 1) : r * (h + 1) + h, c * (w + 1) : c * (w + 1) + w] = clean[i] / scale[i]
    return canvas


def weight_grid_figure(weights: ArrayLike | None, columns: int = 6) -> go.Figure:
    """The first layer's incoming weights of each unit as an image, tiled `columns` wide.

    Each tile is scaled symmetrically around 0 on its own (red negative, blue positive), so the
    pattern a unit detects shows whatever its norm. One Heatmap for the whole grid, to stay fast.
    """
    title = "First-layer weights (each unit scaled to its max |w|)"
    arr = _images(weights)
    if arr is None:
        return waiting_figure(title, "no weights yet")
    heatmap = dict(
        type="heatmap",
        z=tile(arr, columns),
        colorscale="RdBu",
        zmin=-1.0,
        zmax=1.0,
        zmid=0.0,
        showscale=False,
        hoverongaps=False,
        hovertemplate="w / max|w| = %{z:.2f}<extra></extra>",
    )
    return figure(
        [heatmap],
        title,
        hovermode="closest",
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=IMAGE_AXIS,
        yaxis=dict(IMAGE_AXIS, autorange="reversed", scaleanchor="x", scaleratio=1),
    )


def examples_figure(
    positive_images: ArrayLike | None,
    positive_labels: ArrayLike | None,
    negative_images: ArrayLike | None,
    negative_labels: ArrayLike | None,
    image_shape: tuple[int, int] | None = None,
) -> go.Figure:
    """Positive examples (top row) and negative examples (bottom row), each with its overlaid label.

    Images are (n, H, W), or (n, H·W) with `image_shape`; either row may be missing (None)."""
    title = "Positive and negative examples (label overlaid)"
    rows = []
    for kind, given, labels in (("pos", positive_images, positive_labels), ("neg", negative_images, negative_labels)):
        images = _images(given, image_shape)
        images = images[:MAX_EXAMPLES] if images is not None else np.empty((0, 1, 1), dtype=np.float32)
        rows.append((kind, images, _labels(labels)))
    k = max(len(images) for _, images, _ in rows)
    if k == 0:
        return waiting_figure(title, "no examples yet")
    finite = np.concatenate([images[np.isfinite(images)] for _, images, _ in rows])
    zmin, zmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if not zmax > zmin:
        zmax = zmin + 1.0
    traces, notes, layout = [], [], {}
    columns = domains(k, 0.01)
    for r, ((kind, images, labels), y_span) in enumerate(zip(rows, ([0.54, 0.9], [0.0, 0.36]), strict=True)):
        for j, x_span in enumerate(columns):
            index = r * k + j
            xa, ya = axis_ref(index, "x"), axis_ref(index, "y")
            layout[axis_name(index, "x")] = dict(IMAGE_AXIS, domain=x_span, anchor=ya)
            layout[axis_name(index, "y")] = dict(
                IMAGE_AXIS, domain=y_span, anchor=xa, autorange="reversed", scaleanchor=xa, scaleratio=1
            )
            if j >= len(images):
                continue
            caption = f"{kind} · label {labels[j]}" if j < len(labels) else kind
            notes.append(panel_title(caption, x_span, y_span[1]))
            traces.append(
                dict(
                    type="heatmap",
                    z=images[j],
                    colorscale="gray",
                    zmin=zmin,
                    zmax=zmax,
                    showscale=False,
                    name=caption,
                    xaxis=xa,
                    yaxis=ya,
                    hovertemplate="x %{x}, y %{y}: %{z:.2f}<extra></extra>",
                )
            )
    return figure(traces, title, hovermode="closest", annotations=notes, margin=dict(l=10, r=10, t=45, b=10), **layout)


def confusion_figure(confusion: ArrayLike | None, class_names: Sequence[str] | None = None) -> go.Figure:
    """Counts of (true class, predicted class) on the held-out samples: rows true, columns predicted."""
    title = "Confusion matrix (held-out samples)"
    try:
        counts = np.asarray(confusion if confusion is not None else [], dtype=np.int64)
    except (TypeError, ValueError):
        counts = np.empty(0, dtype=np.int64)
    if counts.ndim != 2 or counts.size == 0 or counts.shape[0] != counts.shape[1] or counts.sum() <= 0:
        return waiting_figure(title, "no evaluation yet")
    n = counts.shape[0]
    if class_names is not None and len(class_names) == n:
        names = [str(c) for c in class_names]
    else:
        names = [str(i) for i in range(n)]
    total = int(counts.sum())
    heatmap = dict(
        type="heatmap",
        z=counts,
        x=names,
        y=names,
        colorscale="Blues",
        showscale=False,
        texttemplate="%{z}",
        textfont=dict(size=10),
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
    )
    return figure(
        [heatmap],
        f"{title} · n = {total}, accuracy {np.trace(counts) / total:.1%}",
        "predicted",
        "true",
        hovermode="closest",
        xaxis=dict(type="category", showgrid=False, tickangle=0),
        yaxis=dict(type="category", showgrid=False, autorange="reversed"),
    )
