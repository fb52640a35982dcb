"""Figures of the Forward-Forward variants: CwC-FF's class-goodness matrix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

from fflab.figures.common import axis_name, axis_ref, domains, figure, panel_title, waiting_figure

CLASS_GOODNESS_HEIGHT = 340


def _matrices(value: Any) -> list[np.ndarray]:
    """Per-layer square matrices from a list of arrays or a stacked (layers, K, K) array; [] if unreadable."""
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


def row_normalised(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its largest finite value, so a row's winning group reads 1 (NaN rows stay NaN)."""
    out = np.full_like(matrix, np.nan)
    for i, row in enumerate(matrix):
        finite = row[np.isfinite(row)]
        if finite.size and finite.max() > 0:
            out[i] = np.where(np.isfinite(row), row / finite.max(), np.nan)
    return out


def class_goodness_figure(snapshot: Mapping[str, Any] | None) -> go.Figure:
    """CwC-FF's class-goodness matrix, one panel per layer.

    Row t, column k: the mean goodness of class k's channel group over held-out images of true
    class t, divided by the row's largest entry (hover shows the raw value). A layer that has
    learned its job shows a bright diagonal: each class's images excite their own group most.
    Panel titles give each layer's accuracy as a standalone classifier when the snapshot has it.
    """
    title = "Class goodness per layer (rows: true class, columns: class channel group)"
    snapshot = snapshot or {}
    layers = _matrices(snapshot.get("class_goodness"))
    if not layers:
        return waiting_figure(title, "no class-goodness matrix yet", height=CLASS_GOODNESS_HEIGHT)
    k = layers[0].shape[0]
    names = snapshot.get("class_names")
    names = [str(n) for n in names] if names is not None and len(names) == k else [str(i) for i in range(k)]
    ticks = [str(i) for i in range(k)]
    accuracy = list(snapshot.get("layer_accuracy") or [])
    images, step = snapshot.get("images"), snapshot.get("class_goodness_step")
    if images:
        title += f" · {int(images)} held-out images" + (f", step {int(step)}" if step is not None else "")
    hover = [[f"true {names[t]}, group {names[c]}" for c in range(k)] for t in range(k)]
    traces, notes, layout = [], [], {}
    for i, (matrix, span) in enumerate(zip(layers, domains(len(layers), 0.04), strict=True)):
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        layout[axis_name(i, "x")] = dict(domain=span, anchor=ya, type="category", showgrid=False, tickangle=0,
                                         title=dict(text="class group"), tickfont=dict(size=9))
        layout[axis_name(i, "y")] = dict(domain=[0.0, 0.88], anchor=xa, type="category", showgrid=False,
                                         autorange="reversed", showticklabels=i == 0, tickfont=dict(size=9),
                                         **({"title": dict(text="true class")} if i == 0 else {}))
        caption = f"layer {i + 1}"
        if i < len(accuracy) and accuracy[i] is not None and np.isfinite(accuracy[i]):
            caption += f" · {float(accuracy[i]):.1%}"
        notes.append(panel_title(caption, span, 0.9))
        traces.append(
            dict(
                type="heatmap",
                z=row_normalised(matrix),
                customdata=np.dstack([matrix, np.array(hover, dtype=object)]),
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
        )
    return figure(traces, title, height=CLASS_GOODNESS_HEIGHT, hovermode="closest", annotations=notes,
                  margin=dict(l=55, r=15, t=45, b=45), **layout)
