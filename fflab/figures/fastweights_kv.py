"""Figures of key/value binding: key cosines before and after W_K, retrieval per pair, the capacity curve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import axis_name, axis_ref, domains, figure, panel_title, waiting_figure
from fflab.figures.fastweights_delay import DIVERGING, as_array, symmetric_limit

RULE_COLOURS = {"sum": "#1b9e77", "delta": "#7570b3"}
BEFORE, AFTER = "#bbbbbb", "#6a3d9a"


def key_cosine_figure(before: ArrayLike | None, after: ArrayLike | None) -> go.Figure:
    """Cosines between every two keys of one episode: raw keys (left) and keys projected by W_K (right).

    Raw keys share a bias direction, so off the diagonal they are all close to 1; a trained W_K spreads them
    apart, which is what lets the fast weights keep the pairs apart.
    """
    title = "Key cosine similarity, one held-out episode"
    panels = [(name, arr) for name, value in (("raw keys k", before), ("projected keys W_K k", after))
              if (arr := as_array(value, 2)) is not None]
    if not panels:
        return waiting_figure(title, "no keys yet")
    traces, layout, notes = [], {}, []
    for i, ((name, arr), span) in enumerate(zip(panels, domains(len(panels), 0.12), strict=True)):
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        off = arr[~np.eye(len(arr), dtype=bool)] if arr.shape[0] == arr.shape[1] and len(arr) > 1 else arr.ravel()
        traces.append(dict(type="heatmap", z=arr, zmin=-1, zmax=1, zmid=0, colorscale=DIVERGING, xaxis=xa, yaxis=ya,
                           showscale=i == len(panels) - 1, colorbar=dict(thickness=12),
                           texttemplate="%{z:.2f}" if arr.size <= 64 else None, textfont=dict(size=10),
                           hovertemplate="pair %{y} · pair %{x}: cos %{z:.3f}<extra></extra>"))
        layout[axis_name(i, "x")] = dict(domain=span, anchor=ya, dtick=1, title=dict(text="pair"), constrain="domain")
        layout[axis_name(i, "y")] = dict(anchor=xa, autorange="reversed", dtick=1, scaleanchor=xa, constrain="domain")
        notes.append(panel_title(f"{name}: mean off-diagonal {float(np.mean(off)):.2f}", span, 1.0))
    return figure(traces, title, height=340, hovermode="closest", annotations=notes, **layout)


def matrix_figure(matrix: ArrayLike | None, title: str, x_title: str, y_title: str,
                  detail: str = "no matrix yet") -> go.Figure:
    """One matrix as a heatmap on a colour scale centred on zero (W_K, W_fast, W_slow)."""
    arr = as_array(matrix, 2)
    if arr is None:
        return waiting_figure(title, detail)
    limit = symmetric_limit(arr)
    trace = dict(type="heatmap", z=arr, zmin=-limit, zmax=limit, zmid=0, colorscale=DIVERGING,
                 colorbar=dict(thickness=12), hovertemplate=f"{y_title} %{{y}}, {x_title} %{{x}}: %{{z:.3f}}"
                 "<extra></extra>")
    return figure([trace], title, x_title, y_title, height=340, hovermode="closest",
                  yaxis=dict(autorange="reversed", dtick=1 if arr.shape[0] <= 16 else None),
                  xaxis=dict(dtick=1 if arr.shape[1] <= 16 else None))


def retrieval_bars_figure(before: ArrayLike | None, after: ArrayLike | None) -> go.Figure:
    """Per stored pair of one episode, the cosine between the retrieved and the stored value, with W_K = I
    (before training) and with the current W_K."""
    title = "Retrieval cosine per pair (one held-out episode)"
    bars = [(name, colour, arr) for name, colour, value in (("before (W_K = I)", BEFORE, before),
                                                            ("now (trained W_K)", AFTER, after))
            if (arr := as_array(value, 1)) is not None]
    if not bars:
        return waiting_figure(title, "no retrieval yet")
    traces = [dict(type="bar", x=[f"pair {i}" for i in range(len(arr))], y=arr, name=f"{name}: mean {arr.mean():.2f}",
                   marker=dict(color=colour), hovertemplate="%{x}: cos %{y:.3f}<extra></extra>")
              for name, colour, arr in bars]
    return figure(traces, title, None, "cosine(retrieved, stored)", barmode="group", hovermode="closest",
                  yaxis=dict(range=[min(-0.2, min(float(a.min()) for *_, a in bars) - 0.05), 1.05]))


def capacity_figure(pairs: Sequence[int], trained: Mapping[str, Sequence[float]] | None,
                    untrained: Mapping[str, Sequence[float]] | None = None, trained_at: int | None = None,
                    trained_rule: str | None = None) -> go.Figure:
    """Mean retrieval cosine against the number of stored pairs N, per write rule: with the current W_K (solid)
    and with W_K = I (dotted). A dotted vertical line marks the N that W_K was trained at."""
    title = "Capacity: retrieval cosine against stored pairs N"
    traces = []
    for curves, dash, suffix in ((trained, "solid", "trained W_K"), (untrained, "dot", "W_K = I")):
        for rule, values in (curves or {}).items():
            if values is None or len(values) != len(pairs):
                continue
            colour = RULE_COLOURS.get(rule, AFTER)
            traces.append(dict(type="scatter", x=list(pairs), y=list(values), mode="lines+markers",
                               name=f"{rule} rule, {suffix}", line=dict(color=colour, dash=dash, width=2),
                               marker=dict(size=5, color=colour),
                               hovertemplate=f"{rule}, {suffix}<br>N = %{{x}}: cos %{{y:.3f}}<extra></extra>"))
    if not traces:
        return waiting_figure(title, "no capacity curve yet")
    shapes, notes = [], []
    if trained_at is not None:
        shapes.append(dict(type="line", xref="x", yref="y domain", x0=trained_at, x1=trained_at, y0=0, y1=1,
                           line=dict(color="#555555", dash="dot", width=1.5)))
        rule_text = f" ({trained_rule} rule)" if trained_rule else ""
        notes.append(dict(text=f"W_K trained at N = {trained_at}{rule_text}", xref="x", yref="y domain",
                          x=trained_at, y=0.02, xanchor="left", yanchor="bottom", showarrow=False,
                          font=dict(size=10)))
    return figure(traces, title, "stored pairs N", "mean retrieval cosine", height=360, hovermode="closest",
                  shapes=shapes, annotations=notes, xaxis=dict(dtick=1), yaxis=dict(range=[0, 1.02]))
