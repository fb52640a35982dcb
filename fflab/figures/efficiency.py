"""Efficiency: accuracy against training time, activation memory against depth, FF's time over backprop's."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from fflab.figures.common import CHANCE, THRESHOLD, figure, series_colour, waiting_figure
from fflab.figures.records import evenly

LABELS = {"ff": "FF", "bp": "backprop", "ff_summed": "FF, one backward over all layers"}
CLAIM_BAND = "rgba(178, 24, 43, 0.12)"


def accuracy_vs_time_figure(
    evaluations: Mapping[str, Sequence[tuple[float, float, float]]],
    target: float | None = None,
    time_to_target: Mapping[str, float] | None = None,
) -> go.Figure:
    """Test accuracy against cumulative training seconds, one line per algorithm; where each first reached
    the target, a marker. `evaluations`: per algorithm, (training seconds, test accuracy, samples seen) at
    each evaluation."""
    title = "Test accuracy against training time"
    traces: list[dict] = []
    for i, (name, measured) in enumerate(evaluations.items()):
        points = evenly(list(measured))
        if not points:
            continue
        seconds, accuracy, samples = (list(column) for column in zip(*points, strict=True))
        colour = series_colour(name, i)
        traces.append(dict(type="scatter", mode="lines+markers", x=seconds, y=accuracy, customdata=samples,
                           name=LABELS.get(name, name), line=dict(color=colour, width=2), marker=dict(size=4),
                           hovertemplate="%{y:.2%} after %{x:.2f} s, %{customdata:,.0f} samples<extra></extra>"))
        reached = (time_to_target or {}).get(name)
        if reached is not None and reached in seconds:
            traces.append(dict(type="scatter", mode="markers", x=[reached], y=[accuracy[seconds.index(reached)]],
                               name=f"{LABELS.get(name, name)} reaches the target", showlegend=False,
                               marker=dict(color=colour, size=12, symbol="star"),
                               hovertemplate=f"{LABELS.get(name, name)} reaches the target after %{{x:.2f}} s"
                                             "<extra></extra>"))
    if not traces:
        return waiting_figure(title, "no evaluation yet: the race starts after the memory and parallel tests")
    shapes, notes = [], []
    if target is not None:
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=target, y1=target,
                           line=dict(color=THRESHOLD, dash="dash", width=1.5)))
        notes.append(dict(text=f"target {target:.0%}", xref="paper", x=1.0, xanchor="right", yref="y", y=target,
                          yanchor="top", showarrow=False, font=dict(size=11, color=THRESHOLD)))
    return figure(traces, title, "training seconds (evaluation not counted)", "test accuracy", height=340,
                  hovermode="closest", shapes=shapes, annotations=notes, yaxis=dict(tickformat=".0%"))


def memory_by_depth_figure(
    depths: Sequence[int],
    activation_bytes: Mapping[str, Sequence[float]],
    cuda_peak_bytes: Mapping[str, Sequence[float]] | None = None,
) -> go.Figure:
    """Peak activation memory of one training step against the number of layers; dotted: the CUDA allocator's
    peak when measured."""
    title = "Activation memory of one training step"
    if not depths:
        return waiting_figure(title, "no depth measured yet")
    traces: list[dict] = []
    for source, dash, what in ((activation_bytes, "solid", "activations"), (cuda_peak_bytes or {}, "dot", "CUDA")):
        for i, (name, values) in enumerate(source.items()):
            if len(values) != len(depths):
                continue
            colour = CHANCE if name == "ff_summed" else series_colour(name, i)
            label = LABELS.get(name, name) + ("" if what == "activations" else " (CUDA peak)")
            traces.append(dict(type="scatter", mode="lines+markers", x=list(depths), y=list(values), name=label,
                               line=dict(color=colour, width=2, dash="dash" if name == "ff_summed" else dash),
                               hovertemplate=f"{label}: %{{y:,.0f}} bytes at %{{x}} layers<extra></extra>"))
    return figure(traces, title, "hidden layers", "bytes", height=340, hovermode="closest",
                  xaxis=dict(tickmode="array", tickvals=list(depths)), yaxis=dict(tickformat=".2s", rangemode="tozero"))


def time_ratio_figure(
    seconds_per_epoch: Mapping[str, float],
    time_to_target: Mapping[str, float] | None = None,
    claim: tuple[float, float] | None = (30.0, 240.0),
) -> go.Figure:
    """FF's training time over backprop's, per epoch and to the target, beside the claimed range (shaded)."""
    title = "FF's training time ÷ backprop's"
    ratios: dict[str, float] = {}
    if seconds_per_epoch.get("bp"):
        ratios["per epoch"] = seconds_per_epoch.get("ff", math.nan) / seconds_per_epoch["bp"]
    reached = time_to_target or {}
    if reached.get("ff") is not None and reached.get("bp"):
        ratios["to the target"] = reached["ff"] / reached["bp"]
    ratios = {k: v for k, v in ratios.items() if math.isfinite(v)}
    if not ratios:
        return waiting_figure(title, "both nets must train first", height=300)
    traces = [dict(type="bar", x=list(ratios), y=list(ratios.values()), name="measured",
                   marker=dict(color=series_colour("ff", 0)), text=[f"{v:.1f}×" for v in ratios.values()],
                   textposition="outside", hovertemplate="%{x}: FF takes %{y:.2f}× backprop's time<extra></extra>")]
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=1, y1=1,
                   line=dict(color=THRESHOLD, dash="dot", width=1))]
    notes = []
    top = max(ratios.values())
    if claim is not None:
        shapes.append(dict(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=claim[0], y1=claim[1],
                           fillcolor=CLAIM_BAND, line=dict(width=0), layer="below"))
        notes.append(dict(text=f"claimed: {claim[0]:g}-{claim[1]:g}×", xref="paper", x=1.0, xanchor="right",
                          yref="y", y=math.log10(claim[1]), yanchor="top", showarrow=False,  # log axis: log10
                          font=dict(size=11)))
        top = max(top, claim[1])
    low = min(1.0, min(ratios.values()))
    return figure(traces, title, None, "ratio (log scale)", height=300, hovermode="closest", shapes=shapes,
                  annotations=notes, showlegend=False,
                  yaxis=dict(type="log", dtick=1, range=[math.log10(low) - 0.2, math.log10(top) + 0.3]),
                  xaxis=dict(type="category"))
