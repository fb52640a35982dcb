"""Live view of key/value binding (`fastweights-kv`)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open
from fflab.app.views.fastweights_delay import ANIMATION_HELP, main_run, number, open_tabs
from fflab.fastweights.kv import KVSnapshot
from fflab.runner import Run


def kv_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    """Curves, then the keys before and after W_K, retrieval per pair, the capacity curve, W_fast per write."""
    run, recs, snap = main_run(runs, records, lab, KVSnapshot)
    if run is None:
        return
    final = run.final_metrics if run.status.terminal else {}
    before = snap.retrieval_cosine_before if snap else None
    after = snap.retrieval_cosine_after if snap else None
    cols = st.columns(4)
    cols[0].metric("Cosine before", number(final.get("cosine_before", _mean(before))),
                   help="Mean retrieval cosine with W_K = I (raw keys). After the run: on eval_episodes held-out "
                        "episodes; before that: on the one episode shown below.")
    cols[1].metric("Cosine after", number(final.get("cosine_after", _mean(after))),
                   help="The same with the current (trained) W_K.")
    cols[2].metric("Cosine (training)", number(figs.latest(recs, "cosine")),
                   help="Mean retrieval cosine on the latest training episodes, before each update.")
    cols[3].metric("Updates", f"{int(figs.latest(recs, 'updates') or 0):,}", help="SGD updates of W_K so far.")
    left, right = st.columns(2)
    with left:
        chart(figs.metric_lines_figure(recs, [("loss", "½‖y − v‖²")], "Training loss", "updates", "SGD updates",
                                       "loss"), "fw-kv-loss", log_toggle=True)
    with right:
        chart(figs.metric_lines_figure(recs, [("cosine", "retrieval cosine")], "Retrieval cosine while training",
                                       "updates", "SGD updates", "cosine"), "fw-kv-cosine")
    keys, retrieval, capacity, fast = open_tabs(["Keys and W_K", "Retrieval", "Capacity", "Fast weights"],
                                                "fw-kv-tabs")
    if is_open(keys):
        with keys:
            chart(figs.key_cosine_figure(snap.key_cosine_before if snap else None,
                                         snap.key_cosine_after if snap else None), "fw-kv-cos")
            st.caption("Raw keys all lean along one shared direction, so they look alike (cosines near 1) and "
                       "every read picks up the other values too. Training W_K spreads them apart.")
            chart(figs.matrix_figure(snap.key_projection if snap else None, "Key projection W_K (starts near I)",
                                     "raw key unit", "projected key unit"), "fw-kv-wk")
    if is_open(retrieval):
        with retrieval:
            chart(figs.retrieval_bars_figure(before, after), "fw-kv-retrieval")
            st.caption("Each pair of the held-out episode is queried with its own key: cosine 1 is a perfect read.")
    if is_open(capacity):
        with capacity:
            chart(figs.capacity_figure(snap.capacity_pairs if snap else [],
                                       snap.capacity_cosine_by_rule if snap else None,
                                       snap.capacity_cosine_untrained if snap else None,
                                       run.spec.params.get("pairs"), snap.rule if snap else None), "fw-kv-capacity")
            st.caption("A d × d matrix holds d orthogonal keys without interference; past that, pairs crowd each "
                       "other out. The delta rule W += β(v − W k)kᵀ overwrites what a key already retrieves "
                       "instead of adding to it (Schlag, Irie & Schmidhuber 2021).")
    if is_open(fast):
        with fast:
            chart(figs.fast_weight_animation_figure(snap.fast_weights_each_write if snap else None, None, None,
                                                    "W_fast after each write", "value unit", "key unit",
                                                    step_name="after write"), "fw-kv-fast")
            st.caption(ANIMATION_HELP)
            chart(figs.episode_line_figure(snap.fast_weight_norm if snap else None, None,
                                           "‖W_fast‖ after each write", "Frobenius norm", "‖W_fast‖", from_zero=True),
                  "fw-kv-norm")
            written = {"written key W_K k": snap.written_keys, "value v": snap.values} if snap else {}
            chart(figs.episode_vectors_figure(written, title="Keys and values written, one pair per step"),
                  "fw-kv-vectors")


def _mean(values: np.ndarray | None) -> float | None:
    return None if values is None or len(values) == 0 else float(np.mean(values))
