"""Stored runs' curves of one metric, overlaid (the Runs page)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from fflab.figures.common import figure, series_colour, waiting_figure


def overlay_figure(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]], metric: str, x_title: str,
                   log_y: bool = False) -> go.Figure:
    """One line per run (label -> (x, y)); a log y axis for losses that span decades."""
    if not any(len(xs) for xs, _ in curves.values()):
        return waiting_figure(metric, "none of the chosen runs logged it", height=380)
    traces = [dict(type="scatter", mode="lines+markers" if len(xs) < 30 else "lines", x=list(xs), y=list(ys),
                   name=label, line=dict(color=series_colour(label, i), width=2))
              for i, (label, (xs, ys)) in enumerate(curves.items())]
    return figure(traces, metric, x_title, metric, height=380,
                  yaxis=dict(title=dict(text=metric), type="log" if log_y else "linear"))
