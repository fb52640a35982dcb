"""Figures of `continual`: each learner's accuracy matrix filling in task by task, and accuracy on the tasks seen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from fflab.figures.common import axis_name, axis_ref, domains, figure, panel_title, series_colour, waiting_figure
from fflab.figures.records import series

LABELS = {"ff": "FF", "bp": "backprop", "ff_replay": "FF + replay", "bp_replay": "backprop + replay",
          "joint": "joint (upper bound)"}


def accuracy_matrix_figure(matrices: Mapping[str, np.ndarray], names: Sequence[str]) -> go.Figure:
    """One heatmap per learner: row = after training on task t, column = test accuracy on task i."""
    title = "Accuracy matrix R[after task, on task]"
    if not matrices:
        return waiting_figure(title)
    names = list(names)
    columns = domains(len(matrices), 0.04)
    traces, layout, notes = [], {}, []
    for index, (method, matrix) in enumerate(matrices.items()):
        shown = np.where(np.isnan(matrix), None, matrix)
        text = [["" if v is None else f"{v:.0%}" for v in row] for row in shown]
        traces.append(go.Heatmap(z=shown, x=names, y=names, zmin=0, zmax=1, colorscale="Viridis", text=text,
                                 texttemplate="%{text}", showscale=index == len(matrices) - 1,
                                 xaxis=axis_ref(index, "x"), yaxis=axis_ref(index, "y"),
                                 hovertemplate="after %{y}, on %{x}: %{z:.1%}<extra></extra>"))
        layout[axis_name(index, "x")] = dict(domain=columns[index], anchor=axis_ref(index, "y"), type="category",
                                             title=dict(text="on task") if index == 0 else None)
        layout[axis_name(index, "y")] = dict(anchor=axis_ref(index, "x"), type="category", autorange="reversed",
                                             title=dict(text="after task") if index == 0 else None,
                                             showticklabels=index == 0)
        notes.append(panel_title(LABELS.get(method, method), columns[index], 1.0))
    return figure(traces, title, height=320, annotations=notes, hovermode="closest", **layout)


def seen_accuracy_figure(records: Sequence[dict], methods: Sequence[str]) -> go.Figure:
    """Mean test accuracy over the tasks seen so far, per learner, against the step."""
    title = "Accuracy on the tasks seen so far"
    traces = []
    for index, method in enumerate(methods):
        x, y = series(records, f"seen_accuracy.{method}")
        if x:
            traces.append(go.Scatter(x=x, y=y, name=LABELS.get(method, method), mode="lines+markers",
                                     line=dict(color=series_colour(method.split("_")[0], index),
                                               dash="dot" if method.endswith("_replay") else "solid"),
                                     marker=dict(size=4)))
    if not traces:
        return waiting_figure(title, "the first score comes at the first `eval_every` step")
    return figure(traces, title, x_title="step", y_title="test accuracy", yaxis=dict(range=[0, 1.02],
                                                                                      tickformat=".0%"))
