"""Figures of a fast-weight episode: W_fast through time (animated), its norm, the gate, k/v/q, the read-out.

An episode is a sequence of steps, each with a phase name ("store", "distractor", "recall"; "demo", "query"):
`phase` lists them, and every per-step figure shades the phases so the eye finds the writes and the read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import (
    CHANCE,
    axis_name,
    axis_ref,
    figure,
    numeric_array,
    panel_title,
    series_colour,
    waiting_figure,
)
from fflab.figures.records import MAX_POINTS
from fflab.figures.records import series as series_of

PHASE_COLOURS = {"store": "#1b9e77", "distractor": "#999999", "recall": "#d95f02", "demo": "#1f77b4",
                 "query": "#d95f02"}
DIVERGING = "RdBu_r"  # red positive, blue negative, white zero
FRAME_MS = 250
EPISODE_X = "step of the episode"


def as_array(value: Any, ndim: int) -> np.ndarray | None:
    """`value` as a float array of `ndim` dimensions with at least one entry, else None."""
    arr = numeric_array(value)
    return arr if arr is not None and arr.ndim == ndim and arr.size else None


def symmetric_limit(arr: np.ndarray) -> float:
    """The largest finite |value| (1.0 when there is none), for a colour scale centred on zero."""
    finite = np.abs(arr[np.isfinite(arr)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def phase_spans(phase: Sequence[str]) -> list[tuple[str, int, int]]:
    """Runs of equal phase names as (name, first step, last step)."""
    spans: list[tuple[str, int, int]] = []
    for t, name in enumerate(phase or []):
        if spans and spans[-1][0] == name:
            spans[-1] = (name, spans[-1][1], t)
        else:
            spans.append((name, t, t))
    return spans


def phase_shading(phase: Sequence[str], xref: str = "x", yref: str = "y", label: bool = True) -> tuple[list, list]:
    """Shapes shading each phase's steps (±0.5 around them) and, with `label`, a note naming it at the top."""
    shapes, notes = [], []
    for name, first, last in phase_spans(phase):
        colour = PHASE_COLOURS.get(name, CHANCE)
        shapes.append(dict(type="rect", xref=xref, yref=f"{yref} domain", x0=first - 0.5, x1=last + 0.5, y0=0, y1=1,
                           fillcolor=colour, opacity=0.12, line=dict(width=0), layer="below"))
        if label:
            notes.append(dict(text=name, xref=xref, yref=f"{yref} domain", x=(first + last) / 2, y=1.0,
                              yanchor="bottom", showarrow=False, font=dict(size=10, color=colour)))
    return shapes, notes


def metric_lines_figure(records: Sequence[dict], lines: Sequence[tuple[str, str]], title: str, x_key: str = "step",
                        x_title: str = "training step", y_title: str = "", percent: bool = False,
                        markers: bool = False) -> go.Figure:
    """One line per (metric key, legend name) against `x_key`, downsampled; accuracies as percentages."""
    traces = []
    for i, (key, name) in enumerate(lines):
        x, y = series_of(records or [], key, x_key, MAX_POINTS)
        if x:
            colour = series_colour(name, i)
            traces.append(dict(type="scatter", x=x, y=y, name=name, mode="lines+markers" if markers else "lines",
                               line=dict(color=colour, width=2), marker=dict(size=5, color=colour)))
    if not traces:
        return waiting_figure(title, "nothing logged yet")
    y_axis = dict(range=[0, 1.02], tickformat=".0%") if percent else {}
    legend = dict(orientation="v", x=1.02, xanchor="left", y=1.0, yanchor="top") if len(traces) > 3 else None
    return figure(traces, title, x_title, y_title, yaxis=y_axis, **({"legend": legend} if legend else {}))


def _heatmap(z: np.ndarray, limit: float, **kw: Any) -> dict:
    return dict(type="heatmap", z=z, zmin=-limit, zmax=limit, zmid=0.0, colorscale=DIVERGING, **kw)


def fast_weight_animation_figure(fast_weights: ArrayLike | None, steps: Sequence[int] | None = None,
                                 phase: Sequence[str] | None = None, title: str = "W_fast through the episode",
                                 row_title: str = "row (value unit)", col_title: str = "column (key unit)",
                                 step_name: str = "step") -> go.Figure:
    """W_fast at each of `steps` (default 0, 1, ...) as one heatmap with a step slider and Play/Pause.

    The animation runs in the browser (plotly frames); the colour scale is fixed over all frames and centred on
    zero, so growth shows as colour. The slider starts on the last frame: the memory as the episode leaves it.
    """
    arr = as_array(fast_weights, 3)
    if arr is None:
        return waiting_figure(title, "no fast weights yet")
    steps = list(range(len(arr))) if steps is None else [int(s) for s in steps][: len(arr)]
    arr = arr[: len(steps)]
    limit = symmetric_limit(arr)
    hover = f"{row_title} %{{y}}<br>{col_title} %{{x}}<br>w = %{{z:.3f}}<extra></extra>"

    def caption(i: int) -> str:
        where = f" ({phase[steps[i]]})" if phase is not None and steps[i] < len(phase) else ""
        return f"{title}: {step_name} {steps[i]}{where}"

    # frames carry only what changes (z, the title): plotly.js merges them into trace 0, and validating less
    # keeps the figure cheap enough to rebuild on every live redraw
    frames = [dict(name=str(s), data=[dict(type="heatmap", z=arr[i])], traces=[0],
                   layout=dict(title=dict(text=caption(i)))) for i, s in enumerate(steps)]
    slider = dict(active=len(steps) - 1, x=0.2, len=0.8, y=0, yanchor="top", pad=dict(t=40),
                  currentvalue=dict(prefix=f"{step_name} ", font=dict(size=11)),
                  steps=[dict(method="animate", label=str(s),
                              args=[[str(s)], dict(mode="immediate", frame=dict(duration=0, redraw=True),
                                                   transition=dict(duration=0))]) for s in steps])
    play = dict(label="▶ Play", method="animate",
                args=[None, dict(frame=dict(duration=FRAME_MS, redraw=True), transition=dict(duration=0),
                                 fromcurrent=False, mode="immediate")])
    pause = dict(label="❚❚", method="animate",
                 args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])
    buttons = dict(type="buttons", direction="left", showactive=False, x=0.0, y=0, xanchor="left", yanchor="top",
                   pad=dict(t=30, r=10), buttons=[play, pause])
    first = _heatmap(arr[-1], limit, hovertemplate=hover, colorbar=dict(thickness=12))
    fig = figure([first], caption(len(steps) - 1), col_title, row_title, height=380,
                 hovermode="closest", sliders=[slider], updatemenus=[buttons], margin=dict(l=55, r=15, t=45, b=110),
                 yaxis=dict(autorange="reversed", dtick=1 if arr.shape[1] <= 16 else None),
                 xaxis=dict(dtick=1 if arr.shape[2] <= 16 else None))
    fig.frames = frames
    return fig


def episode_line_figure(values: ArrayLike | None, phase: Sequence[str] | None, title: str, y_title: str, name: str,
                        colour: str = "#6a3d9a", y_range: Sequence[float] | None = None,
                        from_zero: bool = False) -> go.Figure:
    """One value per step of the episode (‖W_fast‖, the gate, a write strength) with the phases shaded.

    `from_zero` starts the y axis at 0, so a quantity that barely moves (a norm across the gap) looks flat.
    """
    arr = as_array(values, 1)
    if arr is None:
        return waiting_figure(title, "no episode yet")
    finite = arr[np.isfinite(arr)]
    if y_range is None and from_zero and finite.size and finite.max() > 0:
        y_range = (0, float(finite.max()) * 1.08)
    trace = dict(type="scatter", x=list(range(len(arr))), y=arr, name=name, mode="lines+markers",
                 line=dict(color=colour, width=2), marker=dict(size=5, color=colour),
                 hovertemplate=f"step %{{x}}: {name} = %{{y:.3f}}<extra></extra>")
    shapes, notes = phase_shading(phase or [])
    y_axis = dict(range=list(y_range)) if y_range is not None else {}
    return figure([trace], title, EPISODE_X, y_title, shapes=shapes, annotations=notes, hovermode="closest",
                  showlegend=False, yaxis=y_axis, xaxis=dict(dtick=1 if len(arr) <= 20 else None),
                  margin=dict(l=55, r=15, t=60, b=45))


def episode_vectors_figure(vectors: Mapping[str, ArrayLike | None], phase: Sequence[str] | None = None,
                           title: str = "What the slow net emits at each step") -> go.Figure:
    """One heatmap per named (steps × units) array, stacked, sharing the step axis; each on its own ±scale."""
    panels = [(name, arr) for name, value in vectors.items() if (arr := as_array(value, 2)) is not None]
    if not panels:
        return waiting_figure(title, "no episode yet")
    steps = max(arr.shape[0] for _, arr in panels)
    weights = [arr.shape[1] + 2 for _, arr in panels]  # panel heights follow their unit counts
    gap, top = 0.12, 0.9
    usable = top - gap * (len(panels) - 1)
    traces, layout, notes, shapes = [], {}, [], []
    y_top = top
    for i, ((name, arr), weight) in enumerate(zip(panels, weights, strict=True)):
        height = usable * weight / sum(weights)
        span = [max(0.0, y_top - height), y_top]
        xa, ya = axis_ref(i, "x"), axis_ref(i, "y")
        limit = symmetric_limit(arr)
        traces.append(_heatmap(arr.T, limit, xaxis=xa, yaxis=ya, showscale=False,
                               hovertemplate=f"{name}<br>step %{{x}}, unit %{{y}}: %{{z:.3f}}<extra></extra>"))
        layout[axis_name(i, "x")] = dict(anchor=ya, matches="x" if i else None, range=[-0.5, steps - 0.5],
                                         showticklabels=i == len(panels) - 1,
                                         title=dict(text=EPISODE_X) if i == len(panels) - 1 else None)
        layout[axis_name(i, "y")] = dict(domain=span, anchor=xa, autorange="reversed")
        notes.append(panel_title(f"{name} (±{limit:.2g})", [0, 1], span[1]))
        shapes += [dict(type="line", xref=xa, yref=f"{ya} domain", x0=first - 0.5, x1=first - 0.5, y0=0, y1=1,
                        line=dict(color="#444444", width=1, dash="dot")) for _, first, _ in phase_spans(phase or [])[1:]]
        y_top = span[0] - gap
    height = 120 + 14 * sum(weights)
    return figure(traces, title, height=min(max(height, 300), 900), hovermode="closest", annotations=notes,
                  shapes=shapes, **layout)


def recall_figure(output: ArrayLike | None, target: ArrayLike | None,
                  title: str = "Read-out at recall against the stored pattern") -> go.Figure:
    """Per bit, the target (±1) and what the net read out; a bit counts as right when their signs agree."""
    out, tgt = as_array(output, 1), as_array(target, 1)
    if out is None or tgt is None or len(out) != len(tgt):
        return waiting_figure(title, "no recall yet")
    bits = [f"bit {i}" for i in range(len(out))]
    right = int(np.sum(np.sign(out) == np.sign(tgt)))
    traces = [
        dict(type="bar", x=bits, y=tgt, name="target", marker=dict(color="#bbbbbb"),
             hovertemplate="%{x}: target %{y:+.0f}<extra></extra>"),
        dict(type="bar", x=bits, y=out, name="read-out W_fast q", marker=dict(color="#6a3d9a"),
             hovertemplate="%{x}: read-out %{y:+.3f}<extra></extra>"),
    ]
    return figure(traces, f"{title}: {right} of {len(out)} bits right", None, "value", barmode="group",
                  hovermode="closest")


def accuracy_by_delay_figure(delays: Sequence[int], accuracy: Sequence[float],
                             train_range: Sequence[int] | None) -> go.Figure:
    """Held-out bit accuracy at recall for each delay K; the training range is shaded."""
    title = "Bit accuracy by delay (held-out episodes)"
    if not delays or len(delays) != len(accuracy):
        return waiting_figure(title, "measured when the run ends")
    trace = dict(type="scatter", x=list(delays), y=list(accuracy), mode="lines+markers", name="bit accuracy",
                 line=dict(color="#6a3d9a", width=2), hovertemplate="K = %{x}: %{y:.1%}<extra></extra>")
    shapes, notes = [], []
    if train_range is not None and len(train_range) == 2:
        low, high = train_range
        shapes.append(dict(type="rect", xref="x", yref="y domain", x0=low - 0.5, x1=high + 0.5, y0=0, y1=1,
                           fillcolor=PHASE_COLOURS["store"], opacity=0.12, line=dict(width=0), layer="below"))
        notes.append(dict(text="trained on", xref="x", yref="y domain", x=(low + high) / 2, y=1, yanchor="bottom",
                          showarrow=False, font=dict(size=10)))
    return figure([trace], title, "delay K (distractor steps)", "bit accuracy", shapes=shapes, annotations=notes,
                  yaxis=dict(range=[0, 1.02], tickformat=".0%"), hovermode="closest", showlegend=False)
