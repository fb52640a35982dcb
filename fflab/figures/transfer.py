"""Transfer: each model's linear-probe accuracy on the target task beside its accuracy on the source."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from fflab.figures.common import CHANCE, figure, series_colour, waiting_figure
from fflab.metric_names import metric

PUBLISHED_MARK = "#b2182b"


def transfer_figure(
    transfer_accuracy: Mapping[str, float],
    source_accuracy: Mapping[str, float],
    models: Sequence[str],
    chance: float | None = None,
    published: Mapping[str, float] | None = None,
    current: str | None = None,
) -> go.Figure:
    """Bars per model of those done: transfer accuracy (the linear probe on the target) and its accuracy on
    the source, by model name; published transfer accuracies as diamonds."""
    title = "Linear probe on the target task, after pretraining on the source"
    names = [m for m in models if m in transfer_accuracy or m in source_accuracy]
    if not names:
        detail = f"pretraining {current}" if current else "no model has finished yet"
        return waiting_figure(title, detail, height=360)
    transfer = [transfer_accuracy.get(m, math.nan) for m in names]
    source = [source_accuracy.get(m, math.nan) for m in names]
    colours = [series_colour(m, i) for i, m in enumerate(names)]
    traces: list[dict] = [
        dict(type="bar", x=names, y=transfer, name="target (linear probe)", marker=dict(color=colours),
             text=[f"{v:.1%}" for v in transfer], textposition="outside",
             hovertemplate="%{x}: %{y:.2%} on the target<extra></extra>"),
        dict(type="bar", x=names, y=source, name="source (the model's own prediction)",
             marker=dict(color=colours, pattern=dict(shape="/", solidity=0.45)),
             hovertemplate="%{x}: %{y:.2%} on the source<extra></extra>"),
    ]
    shown = {m: v for m, v in (published or {}).items() if m in names}
    if shown:
        traces.append(dict(type="scatter", x=list(shown), y=list(shown.values()), mode="markers",
                           name="published (target)", marker=dict(color=PUBLISHED_MARK, size=11, symbol="diamond"),
                           hovertemplate="%{x}, published: %{y:.0%}<extra></extra>"))
    shapes = []
    if chance is not None:
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=chance, y1=chance,
                           line=dict(color=CHANCE, dash="dash", width=1.5)))
    if current:
        title += f" · now: {current}"
    return figure(traces, title, None, "test accuracy", height=360, barmode="group", hovermode="closest",
                  shapes=shapes, yaxis=dict(range=[0, 1.08], tickformat=".0%"), xaxis=dict(type="category"))


def pretraining_figure(records: Sequence[Mapping[str, float]], models: Sequence[str]) -> go.Figure:
    """Each model's training loss while it pretrains on the source (one after another)."""
    title = "Pretraining loss on the source (summed over layers for FF)"
    traces = []
    for i, model in enumerate(models):
        key = metric("pretrain_loss", model)
        points = [(r["step"], r[key]) for r in records if key in r and "step" in r]
        if points:
            xs, ys = zip(*points, strict=True)
            traces.append(dict(type="scatter", mode="lines", x=xs, y=ys, name=model,
                               line=dict(color=series_colour(model, i))))
    if not traces:
        return waiting_figure(title, "no model has trained yet")
    return figure(traces, title, "step", "loss")
