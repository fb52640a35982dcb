"""Figures of Distance-Forward learning: class × centre distance matrices, and the margin over training."""

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
from fflab.figures.common import figure, layer_colour, waiting_figure
from fflab.figures.records import MAX_POINTS, all_keys
from fflab.figures.records import series as series_of
from fflab.metric_names import layer_indices, layer_metric

# Reversed, so the nearest centre is the brightest cell: a learned layer shows a bright diagonal.
NEAR_IS_BRIGHT = "Viridis_r"


def _colour_range(matrix: np.ndarray) -> tuple[float, float]:
    finite = matrix[np.isfinite(matrix)]
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low, low + 1.0)


def centre_distance_figure(
    centre_distance: Sequence[ArrayLike] | np.ndarray | None,
    layer_accuracy: Sequence[float | None] = (),
    names: Sequence[str] | None = None,
    images: int | None = None,
    step: int | None = None,
) -> go.Figure:
    """Distance-Forward's class × centre distance matrix, one panel per layer.

    Row t, column k: the mean distance from the activities of held-out images of true class t to
    the layer's centre of class k. Each panel has its own colour range (layers differ in scale),
    with the nearest centre brightest: a layer that separates the classes shows a bright diagonal
    on a dark field. Panel titles give each layer's nearest-centre accuracy (`layer_accuracy`) where
    known; the title, the number of held-out `images` scored and the training `step` of the weights.
    """
    title = "Distance to each class centre per layer (rows: true class, columns: centre)"
    layers = square_matrices(centre_distance)
    if not layers:
        return waiting_figure(title, "no distance matrix yet", height=CLASS_MATRIX_HEIGHT)
    k = layers[0].shape[0]
    names = class_names(names, k)
    hover = np.array([[f"true {names[t]}, centre {names[c]}" for c in range(k)] for t in range(k)], dtype=object)

    def heatmap(i: int, matrix: np.ndarray, caption: str, xa: str, ya: str) -> dict:
        low, high = _colour_range(matrix)
        return dict(
            type="heatmap",
            z=matrix,
            customdata=hover,
            x=names,
            y=names,
            colorscale=NEAR_IS_BRIGHT,
            zmin=low,
            zmax=high,
            showscale=False,
            hoverongaps=False,
            name=caption,
            xaxis=xa,
            yaxis=ya,
            hovertemplate="%{customdata}<br>mean distance %{z:.3g}<extra>" + caption + "</extra>",
        )

    traces, notes, layout = layer_panels(layers, list(layer_accuracy), "class centre", heatmap)
    return figure(traces, titled(title, images, step), height=CLASS_MATRIX_HEIGHT,
                  hovermode="closest", annotations=notes, margin=CLASS_MATRIX_MARGIN, **layout)


def centre_margin_figure(records: Sequence[dict]) -> go.Figure:
    """Per layer, the batch's mean distance to the true centre (solid) and to the nearest rival (dashed).

    The gap between a layer's two lines is its margin: the loss asks every rival to be at least
    `margin` farther than the true centre. Each layer has its own colour.
    """
    title = "Distance to the own centre and to the nearest rival"
    keys = all_keys(records or [])
    layers = sorted(set(layer_indices(keys, "distance_true")) | set(layer_indices(keys, "distance_rival")))
    traces = []
    for index in layers:
        colour = layer_colour(index)
        for base, label, dash in (("distance_true", "own centre", "solid"), ("distance_rival", "nearest rival", "dash")):
            x, y = series_of(records, layer_metric(base, index), "step", MAX_POINTS)
            if x:
                traces.append(dict(type="scatter", x=x, y=y, name=f"layer {index + 1}: {label}", mode="lines",
                                   line=dict(color=colour, dash=dash, width=2)))
    if not traces:
        return waiting_figure(title, "no distances logged yet")
    # Four or more entries do not fit beside the title in a half-width column: the legend goes below the plot.
    legend = dict(orientation="h", x=0.0, xanchor="left", y=-0.3, yanchor="top", font=dict(size=11))
    return figure(traces, title, "training step (batches)", "distance (batch mean)", legend=legend,
                  height=340, margin=dict(l=55, r=15, t=45, b=95))
