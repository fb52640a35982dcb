"""Shared look of every figure: colours, layout, the "waiting for data" placeholder."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

VALIDATE_ENV = "FFLAB_VALIDATE_FIGURES"
NO_TEMPLATE = go.layout.Template()
UIREVISION = "fflab"  # constant, so the browser keeps zoom and legend clicks across redraws
HEIGHT = 300
MARGIN = dict(l=55, r=15, t=45, b=45)
# Below the plot: above it, a legend of many entries (or any legend on a phone-width page) wraps over the
# title and under the toolbar plotly shows at the top right.
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0.0, font=dict(size=11))  # under the x title
WAITING_TEXT = "waiting for data"

POSITIVE = "#1f77b4"  # blue: positive (real) data
NEGATIVE = "#d95f02"  # orange-red: negative data
FF = "#6a3d9a"  # purple: Forward-Forward runs
BACKPROP = "#1b9e77"  # green: backprop baseline
THRESHOLD = "#555555"  # the goodness threshold θ
CHANCE = "#999999"
SERIES_COLOURS = {"ff": FF, "forward-forward": FF, "backprop": BACKPROP, "bp": BACKPROP}
PALETTE = ["#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#7570b3", "#666666"]
LAYER_COLOURS = ["#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


def layer_colour(index: int) -> str:
    """Colour of layer `index` (0-based) in per-layer line plots."""
    return LAYER_COLOURS[index % len(LAYER_COLOURS)]


def series_colour(name: str, index: int) -> str:
    """FF and Backprop keep their own colours; other series take the palette in order."""
    return SERIES_COLOURS.get(name.strip().lower(), PALETTE[index % len(PALETTE)])


def shade(colour: str, amount: float) -> str:
    """`colour` ("#rrggbb") mixed with white by `amount` in [0, 1]: deeper layers look lighter."""
    amount = min(max(amount, 0.0), 1.0)
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def figure(
    traces: Sequence[Any],
    title: str,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = HEIGHT,
    **layout: Any,
) -> go.Figure:
    """A figure of `traces` (dicts or trace objects) with the shared look, built in one go.

    Title, axis titles (on the first axes; subplots name theirs in `layout`), compact margins,
    fixed height, constant `uirevision`, a legend below the plot.

    Built for a view redrawn several times a second: an empty template (Streamlit's theme, or
    the viewer's, colours the figure; plotly's default one is 6 kB of JSON per chart per redraw)
    and no validation of every property unless FFLAB_VALIDATE_FIGURES is set (the figure tests
    set it, so every builder is checked): together about a third of the time of a 4-line chart.
    """
    settings: dict[str, Any] = dict(
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=14)),
        height=height,
        margin=MARGIN,
        uirevision=UIREVISION,
        legend=LEGEND_BELOW,
        hovermode="x unified",
    )
    for axis, text in (("xaxis", x_title), ("yaxis", y_title)):
        if text is not None:
            layout[axis] = {"title": {"text": text}, **layout.get(axis, {})}
    settings.update(layout)
    settings.setdefault("template", NO_TEMPLATE)
    _axis_from_zero_for_one_point(traces, settings)
    validate = bool(os.environ.get(VALIDATE_ENV))
    return go.Figure(data=list(traces), layout=settings, _validate=validate)


def _axis_from_zero_for_one_point(traces: Sequence[Any], settings: dict[str, Any]) -> None:
    """One x value (a single evaluation) would get an axis of 4999 to 5001: show it from 0 instead."""
    lists = [t.get("x") for t in traces if isinstance(t, dict)]
    if not lists or any(x is None or len(x) != 1 for x in lists):
        return
    values = {x[0] for x in lists}
    axis = settings.get("xaxis", {})
    value = values.pop() if len(values) == 1 else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 and "range" not in axis:
        settings["xaxis"] = {**axis, "range": [0, value * 1.05]}


def numeric_array(value: Any, dtype: Any = np.float64) -> np.ndarray | None:
    """`value` as a numpy array of `dtype`, or None when it is None or not numeric (a figure then waits)."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        return None


def waiting_figure(title: str, detail: str | None = None, height: int = HEIGHT) -> go.Figure:
    """An empty figure with the same title and size, saying "waiting for data" (and for what)."""
    message = WAITING_TEXT if not detail else f"{WAITING_TEXT}<br><sub>{detail}</sub>"
    note = dict(
        text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font=dict(size=14, color="#888888")
    )
    return figure([], title, height=height, xaxis=dict(visible=False), yaxis=dict(visible=False), annotations=[note])


def axis_name(index: int, letter: str) -> str:
    """Layout name of subplot axis `index` (0-based): "xaxis", "xaxis2", ..."""
    return f"{letter}axis" if index == 0 else f"{letter}axis{index + 1}"


def axis_ref(index: int, letter: str) -> str:
    """Trace reference of subplot axis `index` (0-based): "x", "x2", ..."""
    return letter if index == 0 else f"{letter}{index + 1}"


def domains(n: int, gap: float) -> list[list[float]]:
    """`n` equal spans of [0, 1] separated by `gap` (a fraction of the whole)."""
    width = (1.0 - gap * (n - 1)) / n
    return [[i * (width + gap), i * (width + gap) + width] for i in range(n)]


def panel_title(text: str, x_domain: list[float], y_top: float) -> dict:
    """An annotation centred above a panel, like make_subplots' subplot titles."""
    return dict(
        text=text,
        x=sum(x_domain) / 2,
        y=y_top,
        xref="paper",
        yref="paper",
        xanchor="center",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=11),
    )


def is_waiting(fig: go.Figure) -> bool:
    """Whether `fig` is a "waiting for data" placeholder."""
    return any(WAITING_TEXT in (a.text or "") for a in fig.layout.annotations)
