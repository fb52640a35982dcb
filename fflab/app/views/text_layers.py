"""The layer-kinds view: one table of the four nets, memory against the window, nats against training time."""

from __future__ import annotations

import streamlit as st

from fflab.app.url_state import LabState
from fflab.app.views.common import byte_size, chart, study_state
from fflab.figures.text_layers import STYLE, memory_by_window_figure, nats_by_seconds_figure
from fflab.metric_names import metric
from fflab.runner import Run
from fflab.studies.text_layers.params import MODELS
from fflab.studies.text_layers.snapshot import TextLayersSnapshot

PHASES = {"memory": "measuring one update's memory at each window length", "training": "training the four nets",
          "done": "done"}


def text_layers_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    snap, final = study_state(run, TextLayersSnapshot, PHASES)
    _table(snap, final)
    left, right = st.columns(2)
    with left:
        chart(memory_by_window_figure(snap.lengths if snap else (), snap.activation_bytes if snap else {},
                                      snap.context if snap else None), "chart-layers-memory")
    with right:
        chart(nats_by_seconds_figure(snap.curves if snap else {}), "chart-layers-nats")
    st.caption("Memory: the peak bytes autograd holds for backward during one update (parameters left out), "
               "measured with saved-tensor hooks before training, so it is the same on every machine; the dotted "
               "line marks the window the nets train on. Time: each net's own updates, evaluations not counted. "
               "FF scores by softmax(goodness / T), T fitted on training windows; backprop by its softmax.")


def _table(snap: TextLayersSnapshot | None, final: dict[str, float]) -> None:
    rows = []
    for name in MODELS:
        nats = final.get(metric("val_nats_per_char", name))
        curve = snap.curves.get(name) if snap else None
        if nats is None and curve is not None and curve.nats:
            nats = curve.nats[-1]
        memory = None
        if snap is not None and snap.context in snap.lengths:
            memory = snap.activation_bytes[name][snap.lengths.index(snap.context)]
        longest = snap.activation_bytes[name][-1] if snap is not None and snap.lengths else None
        rows.append({
            "net": STYLE[name][0],
            "val nats / char": "–" if nats is None else f"{nats:.3f}",
            "training s": f"{snap.train_seconds[name]:.1f}" if snap else "–",
            f"memory, {snap.context if snap else '?'} characters": byte_size(memory),
            f"memory, {snap.lengths[-1] if snap and snap.lengths else '?'} characters": byte_size(longest),
        })
    with st.container(key="table-text-layers"):
        st.table(rows, border="horizontal")
    if final:
        st.caption("Nats per character on the validation characters the final figures score (`final_chars`).")
