"""Figures of Distance-Forward learning: class × centre distance matrices, and the margin over training."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from fflab.figures.common import (
    axis_name,
    axis_ref,
    domains,
    figure,
    layer_colour,
    panel_title,
    waiting_figure,
)
from fflab.figures.records import MAX_POINTS, all_keys, layer_numbers
from fflab.figures.records import series as series_of

CENTRE_DISTANCE_HEIGHT = 340
# Reversed, so the nearest centre is the brightest cell: a learned layer shows a bright diagonal.
NEAR_IS_BRIGHT = "Viridis_r"


def _matrices(value: Any) -> list[np.ndarray]:
    """Per-layer square matrices of one shape from a list or a stacked array; [] if unreadable."""
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


def _colour_range(matrix: np.ndarray) -> tuple[float, float]:
    finite = matrix[np.isfinite(matrix)]
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low, low + 1.0)


def centre_distance_figure(snapshot: Mapping[str, Any] | None) -> go.Figure:
    """Distance-Forward's class × centre distance matrix, one panel per layer.

    Row t, column k: the mean distance from the activities of held-out images of true class t to
    the layer's centre of class k. Each panel has its own colour range (layers differ in scale),
    with the nearest centre brightest: a layer that separates the classes shows a bright diagonal
    on a dark field. Panel titles give each layer's nearest-centre accuracy when known.
    """
    title = "Distance to each class centre per layer (rows: true class, columns: centre)"
    snapshot = snapshot or {}
    layers = _matrices(snapshot.get("centre_distance"))
    if not layers:
        return waiting_figure(title, "no distance matrix yet", height=CENTRE_DISTANCE_HEIGHT)
    k = layers[0].shape[0]
    names = snapshot.get("class_names")
    names = [str(n) for n in names] if names is not None and len(names) == k else [str(i) for i in range(k)]
    accuracy = list(snapshot.get("layer_accuracy") or [])
    images, step = snapshot.get("images"), snapshot.get("centre_distance_step")
    if images:
        title += f" · {int(images)} held-out images" + (f", step {int(step)}" if step is not None else "")
    hover = np.array([[f"true {names[t]}, centre {names[c]}" for c in range(k)] for t in range(k)], dtype=object)
    traces, notes, layout = [], [], {}
    for i, (matrix, span) in enumerate(zip(layers, domains(len(layers), 0.04), strict=True)):
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        layout[axis_name(i, "x")] = dict(domain=span, anchor=ya, type="category", showgrid=False, tickangle=0,
                                         title=dict(text="class centre"), tickfont=dict(size=9))
        layout[axis_name(i, "y")] = dict(domain=[0.0, 0.88], anchor=xa, type="category", showgrid=False,
                                         autorange="reversed", showticklabels=i == 0, tickfont=dict(size=9),
                                         **({"title": dict(text="true class")} if i == 0 else {}))
        caption = f"layer {i + 1}"
        if i < len(accuracy) and accuracy[i] is not None and np.isfinite(accuracy[i]):
            caption += f" · {float(accuracy[i]):.1%}"
        notes.append(panel_title(caption, span, 0.9))
        low, high = _colour_range(matrix)
        traces.append(
            dict(
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
        )
    return figure(traces, title, height=CENTRE_DISTANCE_HEIGHT, hovermode="closest", annotations=notes,
                  margin=dict(l=55, r=15, t=45, b=45), **layout)


def centre_margin_figure(records: Sequence[dict]) -> go.Figure:
    """Per layer, the batch's mean distance to the true centre (solid) and to the nearest rival (dashed).

    The gap between a layer's two lines is its margin: the loss asks every rival to be at least
    `margin` farther than the true centre. Each layer has its own colour.
    """
    title = "Distance to the own centre and to the nearest rival"
    keys = all_keys(records or [])
    layers = sorted(set(layer_numbers(keys, "distance_true")) | set(layer_numbers(keys, "distance_rival")))
    traces = []
    for n in layers:
        colour = layer_colour(n - 1)
        for prefix, label, dash in (("distance_true", "own centre", "solid"), ("distance_rival", "nearest rival", "dash")):
            x, y = series_of(records, f"{prefix}.layer{n}", "step", MAX_POINTS)
            if x:
                traces.append(dict(type="scatter", x=x, y=y, name=f"layer {n}: {label}", mode="lines",
                                   line=dict(color=colour, dash=dash, width=2)))
    if not traces:
        return waiting_figure(title, "no distances logged yet")
    # Four or more entries do not fit beside the title in a half-width column: the legend goes below the plot.
    legend = dict(orientation="h", x=0.0, xanchor="left", y=-0.3, yanchor="top", font=dict(size=11))
    return figure(traces, title, "training step (batches)", "distance (batch mean)", legend=legend,
                  height=340, margin=dict(l=55, r=15, t=45, b=95))
