"""Text by layer kind: activation memory against the window length; validation nats against training time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from fflab.figures.common import BACKPROP, FF, figure, shade, waiting_figure

# (label, colour, dash) per net: FF purple, backprop green; the SSMs solid, the MLPs dashed
STYLE = {"ff_mlp": ("FF-MLP", FF, "dash"), "mlp_bp": ("MLP by backprop", BACKPROP, "dash"),
         "ff_ssm": ("FF-SSM", FF, "solid"), "ssm_bptt": ("SSM by BPTT", BACKPROP, "solid")}


def _style(name: str) -> tuple[str, str, str]:
    return STYLE.get(name, (name, shade(FF, 0.5), "dot"))


def memory_by_window_figure(lengths: Sequence[int], activation_bytes: Mapping[str, Sequence[float]],
                            context: int | None = None) -> go.Figure:
    """Peak bytes autograd holds for one update of each net, against the window length (log-log)."""
    title = "Activation memory of one update against the window"
    if not lengths:
        return waiting_figure(title, "no window length measured yet")
    traces = []
    for name, values in activation_bytes.items():
        if len(values) != len(lengths):
            continue
        label, colour, dash = _style(name)
        traces.append(dict(type="scatter", mode="lines+markers", x=list(lengths), y=list(values), name=label,
                           line=dict(color=colour, width=2, dash=dash),
                           hovertemplate=f"{label}: %{{y:,.0f}} bytes at %{{x}} characters<extra></extra>"))
    shapes = []
    if context is not None and context in lengths:
        shapes.append(dict(type="line", xref="x", x0=context, x1=context, yref="paper", y0=0, y1=1,
                           line=dict(color="#999999", dash="dot", width=1)))
    return figure(traces, title, "window length (characters, log scale)", "bytes (log scale)", height=340,
                  hovermode="closest", shapes=shapes,
                  xaxis=dict(type="log", tickmode="array", tickvals=list(lengths)),
                  yaxis=dict(type="log", tickformat=".2s"))


def nats_by_seconds_figure(curves: Mapping[str, object], x: str = "seconds") -> go.Figure:
    """Validation nats per character of each net against its own training seconds (or steps)."""
    title = "Validation nats per character against training time"
    traces = []
    for name, curve in curves.items():
        xs, nats = list(getattr(curve, x)), list(curve.nats)
        if not nats:
            continue
        label, colour, dash = _style(name)
        unit = "s" if x == "seconds" else "steps"
        traces.append(dict(type="scatter", mode="lines+markers", x=xs, y=nats, name=label,
                           line=dict(color=colour, width=2, dash=dash), marker=dict(size=4),
                           hovertemplate=f"{label}: %{{y:.3f}} nats after %{{x:.1f}} {unit}<extra></extra>"))
    if not traces:
        return waiting_figure(title, "no evaluation yet: training starts after the memory measurements")
    x_title = "training seconds (each net's updates alone)" if x == "seconds" else "training step"
    return figure(traces, title, x_title, "nats per character", height=340, hovermode="closest")
