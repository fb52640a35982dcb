"""Figures of the growing NCA: the live grids beside the target, the update layers' weights, the final errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import (
    BACKPROP,
    FF,
    axis_name,
    axis_ref,
    domains,
    figure,
    numeric_array,
    panel_title,
    waiting_figure,
)

RULE_LABELS = {"bptt": "bptt (backprop through time)", "ff": "FF (layer-local)"}
RULE_COLOURS = {"bptt": BACKPROP, "ff": FF}
IMAGE_AXIS = dict(visible=False, showgrid=False, zeroline=False, constrain="domain")
FINAL_ERRORS = (("target_mse_initial", "untrained, grown"), ("target_mse", "grown"),
                ("regrow_mse", "regrown after damage"), ("persist_mse", "after 2× the training length"))


def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, rule)


def _rgb_stack(value: ArrayLike | None) -> np.ndarray | None:
    """(n, H, W, 3) colours in [0, 1], or None when there is nothing drawable."""
    arr = numeric_array(value)
    if arr is None:
        return None
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4 or arr.shape[-1] != 3 or arr.size == 0:
        return None
    return np.clip(np.nan_to_num(arr, nan=1.0), 0.0, 1.0)


def grids_figure(grids: ArrayLike | None, rules: Sequence[str], target: ArrayLike | None,
                 errors: Sequence[float] | None = None, age: int | None = None,
                 damage_centre: tuple[int, int] | None = None, damage_radius: float | None = None) -> go.Figure:
    """Each rule's live grid, then the target, as pictures side by side (a dotted circle marks the last damage)."""
    title = "The live grids, grown from the same seed cell" + (f": step {age}" if age is not None else "")
    images = _rgb_stack(grids)
    goal = _rgb_stack(target)
    if images is None or goal is None or len(rules) != len(images):
        return waiting_figure(title, "no grid yet")
    panels = [(rule_label(rule) + (f" · MSE {errors[i]:.4f}" if errors is not None and i < len(errors) else ""),
               images[i]) for i, rule in enumerate(rules)] + [("target", goal[0])]
    traces, notes, shapes, layout = [], [], [], {}
    for i, ((caption, image), span) in enumerate(zip(panels, domains(len(panels), 0.03), strict=True)):
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        layout[axis_name(i, "x")] = dict(IMAGE_AXIS, domain=span, anchor=ya)
        layout[axis_name(i, "y")] = dict(IMAGE_AXIS, domain=[0.0, 0.9], anchor=xa, scaleanchor=xa, scaleratio=1)
        traces.append(dict(type="image", z=np.round(image * 255).astype(np.uint8), xaxis=xa, yaxis=ya, name=caption,
                           hovertemplate="row %{y}, column %{x}<extra>" + caption + "</extra>"))
        notes.append(panel_title(caption, span, 0.92))
        if damage_centre is not None and damage_radius and caption != "target":
            row, col = damage_centre
            shapes.append(dict(type="circle", xref=xa, yref=ya, x0=col - damage_radius, x1=col + damage_radius,
                               y0=row - damage_radius, y1=row + damage_radius,
                               line=dict(color="#d62728", width=1, dash="dot")))
    return figure(traces, title, height=340, hovermode="closest", annotations=notes, shapes=shapes,
                  margin=dict(l=10, r=10, t=50, b=10), **layout)


def update_weights_figure(weights: ArrayLike | None, rules: Sequence[str]) -> go.Figure:
    """Each rule's update layer (16 output channels × 128 hidden units), on one colour scale centred on zero."""
    title = "Update layer weights: which hidden unit moves which channel"
    try:
        arr = None if weights is None else np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.ndim != 3 or arr.size == 0 or len(rules) != len(arr):
        return waiting_figure(title, "no weights yet")
    finite = np.abs(arr[np.isfinite(arr)])
    limit = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    channels = ["R", "G", "B", "alpha"] + [f"h{i}" for i in range(arr.shape[1] - 4)]
    traces, notes, layout = [], [], {}
    spans = domains(len(arr), 0.08)
    for i, (rule, span) in enumerate(zip(rules, spans, strict=True)):
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        layout[axis_name(i, "x")] = dict(domain=span, anchor=ya, title=dict(text="hidden unit"))
        layout[axis_name(i, "y")] = dict(anchor=xa, autorange="reversed", domain=[0.0, 0.88],
                                         showticklabels=i == 0, matches="y" if i else None)
        traces.append(dict(type="heatmap", z=arr[i], y=channels[: arr.shape[1]], zmin=-limit, zmax=limit, zmid=0.0,
                           colorscale="RdBu_r", xaxis=xa, yaxis=ya, showscale=i == len(arr) - 1,
                           colorbar=dict(thickness=12),
                           hovertemplate="channel %{y}, unit %{x}: w = %{z:.3f}<extra>" + rule + "</extra>"))
        notes.append(panel_title(rule_label(rule), span, 0.9))
    return figure(traces, title, height=340, hovermode="closest", annotations=notes,
                  margin=dict(l=55, r=15, t=50, b=45), **layout)


def final_errors_figure(final: Mapping[str, float], rules: Sequence[str]) -> go.Figure:
    """Grouped bars per rule: RGBA error untrained, grown, regrown after damage, and after twice the length."""
    title = "Error against the target (RGBA MSE, lower is better)"
    traces = []
    for rule in rules:
        values = [final.get(f"{base}.{rule}") for base, _ in FINAL_ERRORS]
        if all(v is None for v in values):
            continue
        traces.append(dict(type="bar", name=rule_label(rule), x=[label for _, label in FINAL_ERRORS],
                           y=[np.nan if v is None else v for v in values],
                           marker=dict(color=RULE_COLOURS.get(rule, "#666666")),
                           hovertemplate="%{x}: %{y:.4f}<extra>" + rule + "</extra>"))
    if not traces:
        return waiting_figure(title, "measured when the run ends")
    return figure(traces, title, None, "MSE", barmode="group", hovermode="closest", yaxis=dict(type="log"))
