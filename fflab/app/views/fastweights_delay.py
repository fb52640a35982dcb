"""Live views of the fast-weight experiments; this module holds the unknown-delay view and what all three share.

Each view draws metric tiles, the training curves, then tabs of figures of one held-out test episode traced at
the run's latest snapshot (only the open tab is drawn).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open, pct
from fflab.fastweights.delay import DelaySnapshot
from fflab.runner import Run

Snapshot = TypeVar("Snapshot")

ANIMATION_HELP = ("Drag the slider to step through the episode, or press ▶ Play. The animation runs in your "
                  "browser; while a run trains, each new snapshot redraws it, so pause the run to play it at leisure.")


def main_run(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState,
             kind: type[Snapshot]) -> tuple[Run | None, list[dict], Snapshot | None]:
    """The page's run, its records and its latest snapshot if it is a `kind` (None before the first one)."""
    run = runs.get(lab.experiment)
    snap = run.snapshot if run is not None else None
    return run, records.get(lab.experiment, []), snap if isinstance(snap, kind) else None


def open_tabs(names: Sequence[str], key: str) -> list[Any]:
    """Tabs that remember which is open, so only that one is drawn on each redraw."""
    return st.tabs(list(names), key=key, on_change="rerun")


def number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def delay_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    """`fastweights-delay`: curves, then W_fast, the gate, k/v/q and the recall of one test episode."""
    run, recs, snap = main_run(runs, records, lab, DelaySnapshot)
    if run is None:
        return
    final = run.final_metrics if run.status.terminal else {}
    cols = st.columns(4)
    cols[0].metric("Bit accuracy (batch)", pct(figs.latest(recs, "bit_accuracy")),
                   help="Share of recalled bits with the right sign, on the latest training batch.")
    cols[1].metric("Held-out, trained delays", pct(final.get("bit_accuracy")),
                   help="Bit accuracy at recall on held-out episodes, every delay K in the training range "
                        "(measured when the run ends).")
    cols[2].metric("Held-out, longer delays", pct(final.get("bit_accuracy_long")),
                   help="The same for K from delay_max + 1 to test_delay_max: delays never trained on.")
    cols[3].metric("Delay K (batch)", number(figs.latest(recs, "delay"), 0),
                   help="The delay of the latest training batch (all its episodes share it).")
    left, right = st.columns(2)
    with left:
        chart(figs.metric_lines_figure(recs, [("loss", "MSE at recall")], "Training loss", y_title="loss"),
              "fw-delay-loss", log_toggle=True)
    with right:
        chart(figs.metric_lines_figure(recs, [("bit_accuracy", "batch bit accuracy")], "Bit accuracy at recall",
                                       y_title="accuracy", percent=True), "fw-delay-accuracy")
    phase = snap.phase if snap else None
    shown = f"one held-out episode with delay K = {len(phase) - 2}" if phase else "one held-out episode"
    st.caption(f"Below: {shown} (set show_delay to change it), traced with the slow weights of the latest "
               "snapshot. Phases: store (t = 0, the pattern and the store flag), distractors, recall (last step).")
    fast, gate, vectors, recall = open_tabs(["Fast weights", "Gate", "Keys, values, queries", "Recall"],
                                            "fw-delay-tabs")
    if is_open(fast):
        with fast:
            chart(figs.fast_weight_animation_figure(snap.fast_weights if snap else None,
                                                    snap.fast_weight_steps if snap else None, phase,
                                                    row_title="pattern bit (value)", col_title="key unit"),
                  "fw-delay-fast")
            st.caption(ANIMATION_HELP + " W_fast starts at zero; the store step writes η·g·v kᵀ and, if the gate "
                       "stays shut, nothing else changes it until the recall step reads W_fast q.")
            chart(figs.episode_line_figure(snap.fast_weight_norm if snap else None, phase,
                                           "‖W_fast‖ through the episode", "Frobenius norm", "‖W_fast‖",
                                           from_zero=True), "fw-delay-norm")
    if is_open(gate):
        with gate:
            chart(figs.episode_line_figure(snap.gate if snap else None, phase, "Write gate g per step", "gate g",
                                           "g", y_range=(0, 1.02)), "fw-delay-gate")
            st.caption("A trained net opens the gate at the store step and keeps it nearly shut on the "
                       "distractors, so they do not overwrite the pattern.")
    if is_open(vectors):
        with vectors:
            emitted = {"key k": snap.keys, "value v": snap.values, "query q": snap.queries,
                       "read-out W_fast q": snap.readout} if snap else {}
            chart(figs.episode_vectors_figure(emitted, phase), "fw-delay-vectors")
            st.caption("Each panel: units (rows) against steps (columns). The read-out is what a read at each step "
                       "would give; only the one at recall is scored.")
    if is_open(recall):
        with recall:
            chart(figs.recall_figure(snap.output if snap else None, snap.target if snap else None),
                  "fw-delay-recall")
            chart(figs.accuracy_by_delay_figure(snap.test_delays if snap else [],
                                                snap.accuracy_by_delay if snap else [],
                                                snap.train_delays if snap else None), "fw-delay-by-delay")
