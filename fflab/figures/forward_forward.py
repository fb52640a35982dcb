"""Live curves of a Forward-Forward run: per-layer loss, goodness, histograms, accuracy."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import (
    BACKPROP,
    CHANCE,
    NEGATIVE,
    POSITIVE,
    THRESHOLD,
    axis_name,
    axis_ref,
    domains,
    figure,
    layer_colour,
    series_colour,
    shade,
    waiting_figure,
)
from fflab.figures.records import MAX_POINTS, all_keys
from fflab.figures.records import series as series_of
from fflab.metric_names import layer_indices, layer_metric

MAX_HISTOGRAM_SAMPLES = 2000
HISTOGRAM_BINS = 40
STEP_TITLE = "training step (batches)"


def _line(x: list[float], y: list[float], name: str, colour: str, dash: str = "solid", **kw: Any) -> dict:
    return dict(type="scatter", x=x, y=y, name=name, mode="lines", line=dict(color=colour, dash=dash, width=2), **kw)


def _finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _hline(y: float, label: str, colour: str, dash: str, position: str = "left") -> tuple[dict, dict]:
    """A full-width horizontal line at `y` and its label (shape, annotation)."""
    shape = dict(
        type="line",
        name=label,
        xref="paper",
        x0=0,
        x1=1,
        yref="y",
        y0=y,
        y1=y,
        line=dict(color=colour, dash=dash, width=1.5),
    )
    note = dict(
        text=label,
        xref="paper",
        x=0 if position == "left" else 1,
        xanchor=position,
        yref="y",
        y=y,
        yanchor="bottom",
        showarrow=False,
        font=dict(color=colour, size=12),
    )
    return shape, note


def layer_loss_figure(records: Sequence[dict]) -> go.Figure:
    """One line per layer of its Forward-Forward loss (`loss.layerN`) against training step.

    A backprop run's records (a single `loss`) draw one line named "loss".
    """
    title = "Loss per layer"
    keys = all_keys(records)
    lines = [(layer_metric("loss", i), f"layer {i + 1}") for i in layer_indices(keys, "loss")]
    if not lines and "loss" in keys:
        lines = [("loss", "loss")]
        title = "Training loss"
    traces = []
    for i, (key, name) in enumerate(lines):
        x, y = series_of(records, key, "step", MAX_POINTS)
        if x:
            traces.append(_line(x, y, name, BACKPROP if key == "loss" else layer_colour(i)))
    if not traces:
        return waiting_figure(title, "no loss logged yet")
    return figure(traces, title, STEP_TITLE, "loss (per batch)")


def goodness_means_figure(records: Sequence[dict], threshold: float | None) -> go.Figure:
    """Per layer, the batch-mean goodness of positive (solid) and negative (dashed) data by step.

    Deeper layers are drawn in lighter shades; a dotted line labelled θ marks `threshold` when given.
    """
    title = "Mean goodness per layer"
    keys = all_keys(records)
    layers = sorted(set(layer_indices(keys, "goodness_pos")) | set(layer_indices(keys, "goodness_neg")))
    traces = []
    for i, index in enumerate(layers):
        lighten = 0.6 * i / (len(layers) - 1) if len(layers) > 1 else 0.0
        n = index + 1
        for base, kind, colour, dash in (("goodness_pos", "pos", POSITIVE, "solid"),
                                         ("goodness_neg", "neg", NEGATIVE, "dash")):
            x, y = series_of(records, layer_metric(base, index), "step", MAX_POINTS)
            if x:
                traces.append(_line(x, y, f"layer {n} {kind}", shade(colour, lighten), dash, legendgroup=f"layer{n}"))
    if not traces:
        return waiting_figure(title, "no goodness logged yet")
    shapes, notes = [], []
    if _finite(threshold):
        shape, note = _hline(float(threshold), "θ", THRESHOLD, "dot")
        shapes.append(shape)
        notes.append(note)
    return figure(traces, title, STEP_TITLE, "goodness (batch mean)", shapes=shapes, annotations=notes)


def thin(values: Any, max_samples: int = MAX_HISTOGRAM_SAMPLES) -> np.ndarray:
    """The finite values of a 1-D array, evenly strided down to at most `max_samples` (as float32)."""
    try:
        arr = np.asarray(values, dtype=np.float32).ravel()
    except (TypeError, ValueError):
        return np.empty(0, dtype=np.float32)
    arr = arr[np.isfinite(arr)]
    if len(arr) > max_samples:
        arr = arr[np.linspace(0, len(arr) - 1, max_samples).astype(int)]
    return arr


def goodness_histogram_figure(
    goodness_pos: Sequence[ArrayLike] | np.ndarray | None,
    goodness_neg: Sequence[ArrayLike] | np.ndarray | None,
    threshold: float | None = None,
    training_layer: int | None = None,
) -> go.Figure:
    """One panel per layer: overlaid histograms of positive and negative goodness on the probe batch.

    `goodness_pos`, `goodness_neg`: per layer, the goodness of each probe sample (a list of arrays or a
    stacked array). Both histograms in a panel share their bins; a dotted line marks `threshold` (θ, None
    under a loss that has none). `training_layer` (1-based) is the layer learning alone, marked as such.
    """
    title = "Goodness on a probe batch"
    pos_layers = [] if goodness_pos is None else list(goodness_pos)
    neg_layers = [] if goodness_neg is None else list(goodness_neg)
    n_layers = max(len(pos_layers), len(neg_layers))
    pos = [thin(pos_layers[i]) if i < len(pos_layers) else thin([]) for i in range(n_layers)]
    neg = [thin(neg_layers[i]) if i < len(neg_layers) else thin([]) for i in range(n_layers)]
    if not any(p.size or q.size for p, q in zip(pos, neg, strict=True)):
        return waiting_figure(title, "no goodness in the snapshot yet")
    show_theta = _finite(threshold)
    traces, shapes, notes, layout = [], [], [], {}
    seen: set[str] = set()
    for i, span in enumerate(domains(n_layers, 0.06)):
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        caption = f"goodness · layer {i + 1}" + (" (training)" if training_layer == i + 1 else "")
        layout[axis_name(i, "x")] = dict(domain=span, anchor=ya, title=dict(text=caption))
        layout[axis_name(i, "y")] = dict(anchor=xa, **({"title": dict(text="count")} if i == 0 else {}))
        both = np.concatenate([pos[i], neg[i]])
        if both.size == 0:
            continue
        lo, hi = float(both.min()), float(both.max())
        if show_theta:
            lo, hi = min(lo, float(threshold)), max(hi, float(threshold))
        size = (hi - lo) / HISTOGRAM_BINS if hi > lo else 1.0
        bins = dict(start=lo, end=hi + size, size=size)
        for values, name, colour in ((pos[i], "positive", POSITIVE), (neg[i], "negative", NEGATIVE)):
            if values.size:
                traces.append(
                    dict(
                        type="histogram",
                        x=values,
                        name=name,
                        xbins=bins,
                        marker=dict(color=colour),
                        opacity=0.6,
                        legendgroup=name,
                        showlegend=name not in seen,
                        xaxis=xa,
                        yaxis=ya,
                        hovertemplate=f"{name}<br>goodness %{{x}}<br>count %{{y}}<extra></extra>",
                    )
                )
                seen.add(name)
        if show_theta:
            t = float(threshold)
            shapes.append(
                dict(
                    type="line",
                    name="θ",
                    xref=xa,
                    x0=t,
                    x1=t,
                    yref=f"{ya} domain",
                    y0=0,
                    y1=1,
                    line=dict(color=THRESHOLD, dash="dot", width=1.5),
                )
            )
            notes.append(
                dict(
                    text="θ",
                    xref=xa,
                    x=t,
                    xanchor="left",
                    yref=f"{ya} domain",
                    y=1,
                    yanchor="top",
                    showarrow=False,
                    font=dict(color=THRESHOLD, size=12),
                )
            )
    return figure(
        traces, title, barmode="overlay", bargap=0.02, hovermode="closest", shapes=shapes, annotations=notes, **layout
    )


def accuracy_figure(series: Mapping[str, Sequence[dict]], chance: float | None = None) -> go.Figure:
    """Test (solid) and train (dotted) accuracy of each run against samples seen.

    `series` maps a run's name ("FF", "Backprop", ...) to its records. The x axis is samples
    seen, so runs with different batch sizes and step counts compare fairly.
    """
    title = "Accuracy"
    traces = []
    for i, (name, records) in enumerate((series or {}).items()):
        colour = series_colour(name, i)
        for key, label, dash in (("test_accuracy", "test", "solid"), ("train_accuracy", "train", "dot")):
            x, y = series_of(records or [], key, "samples", MAX_POINTS)
            if x:
                traces.append(
                    dict(
                        type="scatter",
                        x=x,
                        y=y,
                        name=f"{name} {label}",
                        mode="lines+markers",
                        legendgroup=name,
                        line=dict(color=colour, dash=dash, width=2),
                        marker=dict(size=4, color=colour),
                        hovertemplate=f"{name} {label}: %{{y:.2%}}<extra></extra>",
                    )
                )
    if not traces:
        return waiting_figure(title, "no evaluation yet")
    shapes, notes = [], []
    if _finite(chance):
        shape, note = _hline(float(chance), "chance", CHANCE, "dash", position="right")
        shapes.append(shape)
        notes.append(note)
    return figure(
        traces,
        title,
        "samples seen",
        "accuracy",
        yaxis=dict(range=[0, 1], tickformat=".0%"),
        shapes=shapes,
        annotations=notes,
    )
