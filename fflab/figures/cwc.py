"""Figures of the Forward-Forward variants: CwC-FF's class-goodness matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.class_matrix import (
    CLASS_MATRIX_HEIGHT,
    CLASS_MATRIX_MARGIN,
    class_names,
    layer_panels,
    square_matrices,
    titled,
)
from fflab.figures.common import figure, waiting_figure


def row_normalised(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its largest finite value, so a row's winning group reads 1 (NaN rows stay NaN)."""
    out = np.full_like(matrix, np.nan)
    for i, row in enumerate(matrix):
        finite = row[np.isfinite(row)]
        if finite.size and finite.max() > 0:
            out[i] = np.where(np.isfinite(row), row / finite.max(), np.nan)
    return out


def class_goodness_figure(
    class_goodness: Sequence[ArrayLike] | np.ndarray | None,
    layer_accuracy: Sequence[float | None] = (),
    names: Sequence[str] | None = None,
    images: int | None = None,
    step: int | None = None,
) -> go.Figure:
    """CwC-FF's class-goodness matrix, one panel per layer.

    Row t, column k: the mean goodness of class k's channel group over held-out images of true
    class t, divided by the row's largest entry (hover shows the raw value). A layer that has
    learned its job shows a bright diagonal: each class's images excite their own group most.
    Panel titles give each layer's accuracy as a standalone classifier (`layer_accuracy`) where known;
    the title, the number of held-out `images` scored and the training `step` of the weights.
    """
    title = "Class goodness per layer (rows: true class, columns: class channel group)"
    layers = square_matrices(class_goodness)
    if not layers:
        return waiting_figure(title, "no class-goodness matrix yet", height=CLASS_MATRIX_HEIGHT)
    k = layers[0].shape[0]
    names = class_names(names, k)
    ticks = [str(i) for i in range(k)]
    hover = np.array([[f"true {names[t]}, group {names[c]}" for c in range(k)] for t in range(k)], dtype=object)

    def heatmap(i: int, matrix: np.ndarray, caption: str, xa: str, ya: str) -> dict:
        return dict(
            type="heatmap",
            z=row_normalised(matrix),
            customdata=np.dstack([matrix, hover]),
            x=ticks,
            y=names,
            colorscale="Viridis",
            zmin=0.0,
            zmax=1.0,
            showscale=i == len(layers) - 1,
            colorbar=dict(title=dict(text="÷ row max"), thickness=10),
            hoverongaps=False,
            name=caption,
            xaxis=xa,
            yaxis=ya,
            hovertemplate="%{customdata[1]}<br>goodness %{customdata[0]:.3g} (%{z:.0%} of the row's max)"
            "<extra>" + caption + "</extra>",
        )

    traces, notes, layout = layer_panels(layers, list(layer_accuracy), "class group", heatmap)
    return figure(traces, titled(title, images, step), height=CLASS_MATRIX_HEIGHT,
                  hovermode="closest", annotations=notes, margin=CLASS_MATRIX_MARGIN, **layout)
