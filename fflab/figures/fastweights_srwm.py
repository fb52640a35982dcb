"""Figures of the self-referential weight matrix: W_fast per task, the write pointers, the write strength,
predictions against labels, and what switching the writes off costs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import CHANCE, axis_name, axis_ref, domains, figure, panel_title, waiting_figure
from fflab.figures.fastweights_delay import DIVERGING, EPISODE_X, as_array, phase_shading, symmetric_limit

TASK_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]
# Without the demonstrations, the best a net can do is the majority label of each input over the four tasks.
TASK_BLIND_ACCURACY = 0.6875


def _task_names(tasks: Sequence[str] | None, count: int) -> list[str]:
    names = list(tasks or [])
    return names + [f"task {i}" for i in range(len(names), count)]


def task_matrices_figure(matrices: ArrayLike | None, tasks: Sequence[str] | None,
                         title: str = "W_fast after the 4 demonstrations, per task") -> go.Figure:
    """One heatmap per task, side by side, on one colour scale centred on zero: what each demo phase wrote."""
    arr = as_array(matrices, 3)
    if arr is None:
        return waiting_figure(title, "no episode yet")
    names = _task_names(tasks, len(arr))
    limit = symmetric_limit(arr)
    traces, layout, notes = [], {}, []
    for i, span in enumerate(domains(len(arr), 0.04)):
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        traces.append(dict(type="heatmap", z=arr[i], zmin=-limit, zmax=limit, zmid=0, colorscale=DIVERGING,
                           xaxis=xa, yaxis=ya, showscale=i == len(arr) - 1, colorbar=dict(thickness=12),
                           hovertemplate=f"{names[i]}<br>row %{{y}}, column %{{x}}: %{{z:.3f}}<extra></extra>"))
        layout[axis_name(i, "x")] = dict(domain=span, anchor=ya, dtick=1 if arr.shape[2] <= 16 else None)
        layout[axis_name(i, "y")] = dict(anchor=xa, autorange="reversed", scaleanchor=xa,
                                         dtick=1 if arr.shape[1] <= 16 else None, showticklabels=i == 0)
        notes.append(panel_title(f"{names[i]}: ‖W_fast‖ {np.linalg.norm(arr[i]):.2f}", span, 1.0))
    return figure(traces, title, height=320, hovermode="closest", annotations=notes, **layout)


def pointer_figure(row: ArrayLike | None, col: ArrayLike | None, tasks: Sequence[str] | None,
                   phase: Sequence[str] | None) -> go.Figure:
    """The soft row (top) and column (bottom) pointers of each step, one column of panels per task:
    where in W_fast each write lands (unit × step, 0 to 1)."""
    title = "Write pointers: row (top) and column (bottom) attention per step"
    rows, cols = as_array(row, 3), as_array(col, 3)
    if rows is None or cols is None or rows.shape[:2] != cols.shape[:2]:
        return waiting_figure(title, "no episode yet")
    names = _task_names(tasks, len(rows))
    traces, layout, notes, shapes = [], {}, [], []
    spans = domains(len(rows), 0.03)
    for r, (pointers, label, y_span) in enumerate(((rows, "row", [0.53, 0.9]), (cols, "column", [0.0, 0.37]))):
        for i, x_span in enumerate(spans):
            index = r * len(rows) + i
            xa, ya = axis_ref(index, "x"), axis_ref(index, "y")
            traces.append(dict(type="heatmap", z=pointers[i].T, zmin=0, zmax=1, colorscale="Viridis", xaxis=xa,
                               yaxis=ya, showscale=index == 0, colorbar=dict(thickness=12, len=0.9),
                               hovertemplate=f"{names[i]}, {label} pointer<br>step %{{x}}, unit %{{y}}: "
                               "%{z:.2f}<extra></extra>"))
            layout[axis_name(index, "x")] = dict(domain=x_span, anchor=ya, dtick=1,
                                                 title=dict(text=EPISODE_X if r == 1 and i == 0 else ""))
            layout[axis_name(index, "y")] = dict(domain=y_span, anchor=xa, autorange="reversed", showticklabels=i == 0,
                                                 title=dict(text=f"{label} unit" if i == 0 else ""))
            boundary = [s["x0"] for s in phase_shading(phase or [], xa, ya, label=False)[0][1:]]
            shapes += [dict(type="line", xref=xa, yref=f"{ya} domain", x0=x, x1=x, y0=0, y1=1,
                            line=dict(color="white", width=2, dash="dot")) for x in boundary]
            if r == 0:
                notes.append(panel_title(names[i], x_span, y_span[1]))
    return figure(traces, title, height=420, hovermode="closest", annotations=notes, shapes=shapes, **layout)


def per_task_steps_figure(values: ArrayLike | None, tasks: Sequence[str] | None, phase: Sequence[str] | None,
                          title: str, y_title: str, targets: ArrayLike | None = None) -> go.Figure:
    """One line per task over the steps of its episode (write strength η·g·val, or a prediction), phases shaded.
    With `targets`, each task's labels are drawn as open markers in the same colour."""
    arr = as_array(values, 2)
    if arr is None:
        return waiting_figure(title, "no episode yet")
    names = _task_names(tasks, len(arr))
    labels = as_array(targets, 2)
    traces = []
    for i, name in enumerate(names[: len(arr)]):
        colour = TASK_COLOURS[i % len(TASK_COLOURS)]
        steps = list(range(arr.shape[1]))
        traces.append(dict(type="scatter", x=steps, y=arr[i], name=name, mode="lines+markers", legendgroup=name,
                           line=dict(color=colour, width=2), marker=dict(size=6, color=colour),
                           hovertemplate=f"{name}, step %{{x}}: %{{y:.3f}}<extra></extra>"))
        if labels is not None and labels.shape == arr.shape:
            traces.append(dict(type="scatter", x=steps, y=labels[i], name=f"{name} label", mode="markers",
                               legendgroup=name, showlegend=False,
                               marker=dict(size=12, color=colour, symbol="circle-open", line=dict(width=2)),
                               hovertemplate=f"{name} label at step %{{x}}: %{{y:.0f}}<extra></extra>"))
    shapes, notes = phase_shading(phase or [])
    return figure(traces, title, EPISODE_X, y_title, shapes=shapes, annotations=notes, hovermode="closest",
                  margin=dict(l=55, r=15, t=60, b=45),
                  legend=dict(orientation="v", x=1.02, xanchor="left", y=1.0, yanchor="top"))


def ablation_figure(accuracy: Mapping[str, float | None], ablated: float | None, where: str) -> go.Figure:
    """Query accuracy with the self-modifying writes on (overall and per task) beside the same trained net with
    W_fast held at zero; a dashed line marks what a net blind to the demonstrations can reach."""
    title = f"What self-modification buys ({where})"
    bars = [(name, value) for name, value in accuracy.items() if value is not None]
    if not bars and ablated is None:
        return waiting_figure(title, "no evaluation yet")
    traces = []
    if bars:
        traces.append(dict(type="bar", x=[name for name, _ in bars], y=[value for _, value in bars],
                           name="writes on", marker=dict(color="#6a3d9a"), texttemplate="%{y:.1%}",
                           hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    if ablated is not None:
        traces.append(dict(type="bar", x=["overall, writes off"], y=[ablated], name="writes off (W_fast = 0)",
                           marker=dict(color="#bbbbbb"), texttemplate="%{y:.1%}",
                           hovertemplate="writes off: %{y:.1%}<extra></extra>"))
    line = dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=TASK_BLIND_ACCURACY, y1=TASK_BLIND_ACCURACY,
                line=dict(color=CHANCE, dash="dash", width=1.5))
    note = dict(text="task-blind best", xref="paper", x=1, xanchor="right", yref="y", y=TASK_BLIND_ACCURACY,
                yanchor="bottom", showarrow=False, font=dict(size=10, color=CHANCE))
    return figure(traces, title, None, "query accuracy", hovermode="closest", shapes=[line], annotations=[note],
                  yaxis=dict(range=[0, 1.05], tickformat=".0%"))
