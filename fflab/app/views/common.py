"""Small pieces every live view uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import streamlit as st

from fflab.runner import Run

Snapshot = TypeVar("Snapshot")


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def byte_size(value: float | None) -> str:
    """Bytes in words: 1.23 MB, 512 B; "–" when unknown."""
    if value is None:
        return "–"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:.2f} {unit}"
    return f"{value:.0f} B"


# Box and lasso select, autoscale and the zoom steps do nothing a line chart needs; without them the toolbar
# Plotly shows on hover is half as wide and, on a phone-width page, leaves most of the chart's title readable.
TOOLBAR_DROPPED = ["select2d", "lasso2d", "autoScale2d", "zoomIn2d", "zoomOut2d"]
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": TOOLBAR_DROPPED}


def chart(fig: Any, key: str, config: dict[str, Any] | None = None, log_toggle: bool = False) -> None:
    """A plotly chart; `log_toggle` offers a log y axis (for losses that span decades, and blow-ups)."""
    if log_toggle and st.toggle("log scale", key=f"{key}-log", help="Show the y axis on a log scale."):
        fig.update_yaxes(type="log")
    st.plotly_chart(fig, key=key, width="stretch", config={**CHART_CONFIG, **(config or {})})


def preload_charts() -> None:
    """A blank strip drawn by Plotly while no run is going, so the browser loads and parses plotly.js
    (megabytes; 3.7 s on a busy 2-core machine) before Start, not between Start and the first point."""
    import plotly.graph_objects as go

    blank = go.Figure(layout={"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                              "xaxis": {"visible": False}, "yaxis": {"visible": False},
                              "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"})
    st.plotly_chart(blank, key="plotly-preload", width="stretch", config={"staticPlot": True,
                                                                          "displayModeBar": False})


def is_open(tab: Any) -> bool:
    """Draw only the open tab (`open` is None when tabs do not track state: draw them all)."""
    return tab.open is not False


def snapshot_of(run: Run | None, kind: type[Snapshot]) -> Snapshot | None:
    """The run's latest snapshot if it is a `kind`; None before the first one (or without a run)."""
    snapshot = run.snapshot if run is not None else None
    return snapshot if isinstance(snapshot, kind) else None


def study_state(run: Run, kind: type[Snapshot], phases: Mapping[str, str]) -> tuple[Snapshot | None, dict[str, float]]:
    """A phased study's snapshot and final metrics ({} until it has ended), saying which phase it is in."""
    snap = snapshot_of(run, kind)
    if snap is not None and not run.status.terminal:
        phase = getattr(snap, "phase", "")
        st.caption(f"Now: {phases.get(phase, phase)}" + (f" (device {snap.device})." if hasattr(snap, "device")
                                                          else "."))
    return snap, (run.final_metrics if run.status.terminal else {})


def final_or_latest(run: Run, records: list[dict], key: str) -> float | None:
    """The run's final metric once it has ended, else the latest logged value."""
    from fflab.figures import latest

    final = run.final_metrics if run.status.terminal else {}
    return final.get(key, latest(records, key))
