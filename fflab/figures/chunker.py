"""Figures of the history-compression experiments (chunker-22 and chunker-deep).

The surprise stream (a ribbon of symbols over A's probability of each, the threshold and the
surprises), the surprise raster, the compressed length, paired accuracies with chance, losses,
and for the deep task the baseline's gradient by depth and the effective-depth bars.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import CHANCE, THRESHOLD, figure, waiting_figure
from fflab.figures.records import MAX_POINTS, evenly

CHUNKER = "#6a3d9a"  # purple: the chunker system (A + C)
BASELINE = "#1b9e77"  # green: the single net / full-BPTT baseline
AUTOMATIZER = "#e6ab02"
SURPRISE = "#d62728"
FIRST, SECOND, OTHER = "#d62728", "#1f77b4", "#d9d9d9"  # a / A, x / B, everything else
STEP_TITLE = "training step"
MIN_WINDOW = 5


def _line(x: Any, y: Any, name: str, colour: str, dash: str = "solid", **kw: Any) -> dict:
    return dict(type="scatter", x=list(x), y=list(y), name=name, mode="lines",
                line=dict(color=colour, dash=dash, width=2), **kw)


def _hline(y: float, label: str, colour: str, yref: str = "y") -> tuple[dict, dict]:
    shape = dict(type="line", xref="paper", x0=0, x1=1, yref=yref, y0=y, y1=y,
                 line=dict(color=colour, dash="dash", width=1.5))
    note = dict(text=label, xref="paper", x=1, xanchor="right", yref=yref, y=y, yanchor="bottom", showarrow=False,
                font=dict(color=colour, size=11))
    return shape, note


def smoothed(records: Sequence[dict], key: str, window: int | None = None) -> tuple[list[float], list[float]]:
    """(step, running mean of `key` over the last `window` records), downsampled.

    The default window is 1/50 of the run, at least `MIN_WINDOW` records: per-step accuracies on a small batch
    are too noisy to read raw."""
    points = [(float(r["step"]), float(r[key])) for r in records if key in r and "step" in r]
    if not points:
        return [], []
    steps, values = np.array(points).T
    width = max(1, window if window is not None else max(MIN_WINDOW, len(values) // 50))
    sums = np.cumsum(np.insert(values, 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), width)
    means = (sums[1:] - sums[np.arange(1, len(values) + 1) - counts]) / counts
    kept = evenly(list(range(len(values))), MAX_POINTS)
    return [steps[i] for i in kept], [means[i] for i in kept]


def paired_accuracy_figure(records: Sequence[dict], lines: Sequence[tuple[str, str, str]], title: str,
                           chance: float = 0.5) -> go.Figure:
    """Running means of per-step accuracies (`lines`: key, name, colour) with the chance level."""
    traces = []
    for key, name, colour in lines:
        x, y = smoothed(records, key)
        if x:
            traces.append(_line(x, y, name, colour, hovertemplate=f"{name}: %{{y:.1%}}<extra></extra>"))
    if not traces:
        return waiting_figure(title, "no step yet")
    shape, note = _hline(chance, f"chance {chance:.0%}", CHANCE)
    return figure(traces, title, STEP_TITLE, "accuracy (running mean)", yaxis=dict(range=[0, 1.02], tickformat=".0%"),
                  shapes=[shape], annotations=[note])


def net_losses_figure(records: Sequence[dict], lines: Sequence[tuple[str, str, str]], title: str = "Losses"
                      ) -> go.Figure:
    """Each net's training loss per step, log scale (`lines`: key, name, colour)."""
    traces = []
    for key, name, colour in lines:
        x, y = smoothed(records, key, window=1)
        if x:
            traces.append(_line(x, [v if v > 0 else math.nan for v in y], name, colour))
    if not traces:
        return waiting_figure(title, "no step yet")
    return figure(traces, title, STEP_TITLE, "loss", yaxis=dict(type="log", dtick=1, exponentformat="power"))


def compressed_length_figure(records: Sequence[dict], key: str, full: int, title: str) -> go.Figure:
    """The compressed stream's length per block (or sequence) over training, against the uncompressed `full`."""
    x, y = smoothed(records, key, window=1)
    if not x:
        return waiting_figure(title, "no step yet")
    shape, note = _hline(full, f"uncompressed: {full}", CHANCE)
    return figure([_line(x, y, "symbols C sees", CHUNKER)], title, STEP_TITLE, "symbols per block (mean)",
                  yaxis=dict(rangemode="tozero"), shapes=[shape], annotations=[note])


def _symbol_colour_index(stream: np.ndarray) -> np.ndarray:
    return np.where(stream == 0, 0, np.where(stream == 1, 1, 2))


def surprise_stream_figure(stream: ArrayLike | None, p_actual: ArrayLike | None, surprises: ArrayLike | None = None,
                           threshold: float = 0.5, symbol_names: Sequence[str] | None = None,
                           block_len: int | None = None, title: str = "What A predicts, and what C sees"
                           ) -> go.Figure:
    """Top: the stream (symbol indices) as coloured cells. Bottom: A's probability of each actual symbol, the
    threshold, and the surprises (C's whole input). With `block_len`, blocks are separated by dotted lines."""
    if stream is None or len(stream) == 0 or p_actual is None:
        return waiting_figure(title, "no snapshot yet")
    stream = np.asarray(stream).astype(int)
    names = list(symbol_names or [])
    words = [names[s] if s < len(names) else str(s) for s in stream]
    t = np.arange(len(stream))
    p = np.asarray(p_actual, dtype=float)
    surprises = np.asarray(np.zeros(len(stream)) if surprises is None else surprises, dtype=bool)
    threshold = float(threshold)
    ribbon = dict(type="heatmap", z=[_symbol_colour_index(stream)], x=t, y=["stream"], text=[words],
                  zmin=0, zmax=2, showscale=False, yaxis="y2", xgap=0.5,
                  colorscale=[[0, FIRST], [0.33, FIRST], [0.34, SECOND], [0.66, SECOND], [0.67, OTHER], [1, OTHER]],
                  hovertemplate="t=%{x}: %{text}<extra></extra>", name="stream")
    prob = dict(type="scatter", x=t, y=p, mode="lines+markers", name="A's p(actual symbol)",
                line=dict(color=AUTOMATIZER, width=1.5), marker=dict(size=3, color=AUTOMATIZER),
                text=words, hovertemplate="t=%{x} %{text}: p=%{y:.3f}<extra></extra>")
    marked = np.nonzero(surprises)[0]
    marks = dict(type="scatter", x=t[marked], y=np.nan_to_num(p[marked], nan=0.0), mode="markers",
                 name="surprise (to C)", marker=dict(symbol="x", size=9, color=SURPRISE),
                 text=[words[i] for i in marked], hovertemplate="surprise at t=%{x}: %{text}<extra></extra>")
    shape, note = _hline(threshold, f"threshold {threshold:g}", THRESHOLD)
    shapes = [shape]
    if block_len:
        shapes += [dict(type="line", xref="x", x0=b - 0.5, x1=b - 0.5, yref="paper", y0=0, y1=1,
                        line=dict(color=CHANCE, dash="dot", width=1)) for b in range(block_len, len(stream), block_len)]
    return figure([ribbon, prob, marks], title, "time step", "A's probability of the actual symbol", height=340,
                  yaxis=dict(domain=[0, 0.72], range=[-0.05, 1.05]),
                  yaxis2=dict(domain=[0.8, 1.0], showticklabels=False, fixedrange=True),
                  shapes=shapes, annotations=[note])


def surprise_raster_figure(raster: ArrayLike | None, raster_blocks: ArrayLike | None,
                           symbol_names: Sequence[str] | None = None) -> go.Figure:
    """Share of streams surprised at each position in the block (rows) for each training block (columns)."""
    title = "Surprises by position in the block"
    rows = None if raster is None else np.asarray(raster, dtype=float)
    if rows is None or rows.size == 0:
        return waiting_figure(title, "no block trained yet")
    names = list(symbol_names or [])
    positions = ["a / x"] + [names[i + 1] if i + 1 < len(names) else str(i) for i in range(1, rows.shape[1])]
    heat = dict(type="heatmap", z=rows.T, x=list(np.asarray(raster_blocks)), y=positions, zmin=0, zmax=1,
                colorscale=[[0, "#ffffff"], [1, SURPRISE]], colorbar=dict(title=dict(text="surprised"), thickness=10),
                hovertemplate="block %{x}, %{y}: %{z:.0%} of streams<extra></extra>")
    return figure([heat], title, "training block", "position in block", yaxis=dict(autorange="reversed"),
                  hovermode="closest")


def gradient_depth_figure(norms: ArrayLike | None, depth: int | None = None,
                          compressed: float | None = None) -> go.Figure:
    """The baseline's recall-gradient norm against distance back in time, relative to distance 0, log scale."""
    title = "Baseline: gradient of the recall loss by distance back"
    values = None if norms is None else np.asarray(norms, dtype=float)
    if values is None or values.size == 0 or not values[0] > 0:
        return waiting_figure(title, "no gradient probe yet")
    relative = values / values[0]
    relative[~(relative > 0)] = np.nan  # underflow: a gap on the log axis
    kept = evenly(list(range(len(relative))), 2 * MAX_POINTS)
    traces = [_line(kept, relative[kept], "‖∂L/∂h‖ (baseline)", BASELINE,
                    hovertemplate="%{x} steps back: %{y:.2e}<extra></extra>")]
    shape, note = _hline(0.01, "1% of the last step's", CHANCE)
    shapes, notes = [shape], [note]
    if depth is not None:
        shapes.append(dict(type="line", xref="x", x0=depth, x1=depth, yref="paper", y0=0, y1=1,
                           line=dict(color=BASELINE, dash="dot", width=1.5)))
        notes.append(dict(text=f"effective depth {depth}", xref="x", x=depth, yref="paper", y=1, xanchor="left",
                          showarrow=False, font=dict(color=BASELINE, size=11)))
    if compressed is not None:
        traces.append(dict(type="scatter", x=[0, max(compressed - 1, 0)], y=[1, 1], mode="lines+markers",
                           name=f"chunker: {compressed:g} steps of C", line=dict(color=CHUNKER, width=4)))
    return figure(traces, title, "distance back from the recall step (steps)", "norm / norm at distance 0",
                  yaxis=dict(type="log", exponentformat="power"), shapes=shapes, annotations=notes)


def effective_depth_figure(T: int | None, baseline_depth: float | None, compressed: float | None) -> go.Figure:
    """Bars on a log scale: the lag to bridge, how far the baseline's gradient reaches, C's compressed stream."""
    title = "Effective depth"
    if T is None or baseline_depth is None or compressed is None:
        return waiting_figure(title, "no snapshot yet")
    labels = ["lag to bridge (T − 1)", "baseline's gradient reaches", "chunker's stream"]
    values = [T - 1, max(baseline_depth, 0.5), max(compressed, 0.5)]
    bars = dict(type="bar", x=labels, y=values, marker=dict(color=[CHANCE, BASELINE, CHUNKER]),
                text=[f"{T - 1}", f"{baseline_depth:g}", f"{compressed:g}"], textposition="outside",
                hovertemplate="%{x}: %{text} steps<extra></extra>", name="steps")
    return figure([bars], title, None, "steps (log scale)", yaxis=dict(type="log", dtick=1, range=[-0.5, math.log10(T) + 0.5]),
                  showlegend=False, hovermode="closest")
