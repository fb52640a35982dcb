"""Live views of key/value binding (`fastweights-kv`) and the self-referential weight matrix (`srwm`)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, final_or_latest, is_open, pct
from fflab.app.views.fastweights_delay import ANIMATION_HELP, main_run, number, open_tabs
from fflab.runner import Run

TASKS = ("AND", "OR", "XOR", "NAND")


def kv_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    """Curves, then the keys before and after W_K, retrieval per pair, the capacity curve, W_fast per write."""
    run, recs, snap = main_run(runs, records, lab)
    if run is None:
        return
    final = run.final_metrics if run.status.terminal else {}
    before, after = snap.get("retrieval_cosine_before"), snap.get("retrieval_cosine_after")
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
                                       "loss"), "fw-kv-loss")
    with right:
        chart(figs.metric_lines_figure(recs, [("cosine", "retrieval cosine")], "Retrieval cosine while training",
                                       "updates", "SGD updates", "cosine"), "fw-kv-cosine")
    keys, retrieval, capacity, fast = open_tabs(["Keys and W_K", "Retrieval", "Capacity", "Fast weights"],
                                                "fw-kv-tabs")
    if is_open(keys):
        with keys:
            chart(figs.key_cosine_figure(snap.get("key_cosine_before"), snap.get("key_cosine_after")), "fw-kv-cos")
            st.caption("Raw keys all lean along one shared direction, so they look alike (cosines near 1) and "
                       "every read picks up the other values too. Training W_K spreads them apart.")
            chart(figs.matrix_figure(snap.get("key_projection"), "Key projection W_K (starts near I)", "raw key unit",
                                     "projected key unit"), "fw-kv-wk")
    if is_open(retrieval):
        with retrieval:
            chart(figs.retrieval_bars_figure(before, after), "fw-kv-retrieval")
            st.caption("Each pair of the held-out episode is queried with its own key: cosine 1 is a perfect read.")
    if is_open(capacity):
        with capacity:
            chart(figs.capacity_figure(snap.get("capacity_pairs") or [], snap.get("capacity_cosine_by_rule"),
                                       snap.get("capacity_cosine_untrained"), run.spec.params.get("pairs"),
                                       snap.get("rule")), "fw-kv-capacity")
            st.caption("A d × d matrix holds d orthogonal keys without interference; past that, pairs crowd each "
                       "other out. The delta rule W += β(v − W k)kᵀ overwrites what a key already retrieves "
                       "instead of adding to it (Schlag, Irie & Schmidhuber 2021).")
    if is_open(fast):
        with fast:
            chart(figs.fast_weight_animation_figure(snap.get("fast_weights_each_write"), None, None,
                                                    "W_fast after each write", "value unit", "key unit",
                                                    step_name="after write"), "fw-kv-fast")
            st.caption(ANIMATION_HELP)
            chart(figs.episode_line_figure(snap.get("fast_weight_norm"), None, "‖W_fast‖ after each write",
                                           "Frobenius norm", "‖W_fast‖", from_zero=True), "fw-kv-norm")
            chart(figs.episode_vectors_figure({"written key W_K k": snap.get("written_keys"),
                                               "value v": snap.get("values")},
                                              title="Keys and values written, one pair per step"), "fw-kv-vectors")


def _mean(values) -> float | None:
    return None if values is None or len(values) == 0 else float(np.mean(values))


def srwm_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    """Curves, then W_fast per task after the demos, the write pointers, the write strength and the ablation."""
    run, recs, snap = main_run(runs, records, lab)
    if run is None:
        return
    ended = bool(run.status.terminal and run.final_metrics)
    accuracy = final_or_latest(run, recs, "query_accuracy")
    ablated = final_or_latest(run, recs, "query_accuracy_ablated")
    where = f"{run.spec.params.get('eval_episodes', '')} held-out episodes per task" if ended else \
        "100 held-out episodes per task, at the last evaluation"
    cols = st.columns(4)
    cols[0].metric("Query accuracy", pct(accuracy), help=f"Labels right in the query phase: {where}.")
    cols[1].metric("Writes off", pct(ablated),
                   help="The same trained net with its writes switched off (W_fast stays zero): what it owes to "
                        "self-modification.")
    cols[2].metric("Loss (latest)", number(figs.latest(recs, "loss")),
                   help="Cross-entropy of the query labels, latest training batch.")
    cols[3].metric("Episodes", f"{int(figs.latest(recs, 'episodes') or 0):,}", help="Training episodes so far.")
    left, right = st.columns(2)
    with left:
        chart(figs.metric_lines_figure(recs, [("loss", "query loss")], "Training loss", "episodes",
                                       "training episodes", "loss"), "fw-srwm-loss")
    with right:
        lines = [("query_accuracy", "all tasks"), *((f"query_accuracy.{t}", t) for t in TASKS),
                 ("query_accuracy_ablated", "writes off")]
        chart(figs.metric_lines_figure(recs, lines, "Held-out query accuracy", "episodes", "training episodes",
                                       "accuracy", percent=True, markers=True), "fw-srwm-accuracy")
    tasks, phase = snap.get("tasks") or list(TASKS), snap.get("phase")
    st.caption("Below: one held-out episode per task, traced with the latest snapshot's slow weights: 4 demo steps "
               "(inputs with their label), then 4 query steps (label hidden).")
    fast, pointers, writes, ablation = open_tabs(["W_fast per task", "Pointers", "Write strength", "Ablation"],
                                                 "fw-srwm-tabs")
    if is_open(fast):
        with fast:
            chart(figs.task_matrices_figure(snap.get("fast_weights_after_demo"), tasks), "fw-srwm-tasks")
            st.caption("Different functions leave different matrices behind: the demos have programmed W_fast.")
            task = st.segmented_control("task", tasks, default=tasks[0], key="fw-srwm-task",
                                        help="Which task's episode to animate below.") or tasks[0]
            steps = snap.get("fast_weights")
            chosen = steps[tasks.index(task)] if steps is not None and task in tasks else None
            chart(figs.fast_weight_animation_figure(chosen, None, phase, f"W_fast through the {task} episode",
                                                    "row unit", "column unit"), "fw-srwm-fast")
            st.caption(ANIMATION_HELP)
    if is_open(pointers):
        with pointers:
            chart(figs.pointer_figure(snap.get("row_pointer"), snap.get("col_pointer"), tasks, phase),
                  "fw-srwm-pointers")
            st.caption("Each write adds η·g·val·row colᵀ: the row and column pointers (softmaxes over the units) "
                       "say where it lands.")
    if is_open(writes):
        with writes:
            chart(figs.per_task_steps_figure(snap.get("write_strength"), tasks, phase, "Write strength η·g·val per "
                                             "step", "η·g·val"), "fw-srwm-writes")
            chart(figs.per_task_steps_figure(snap.get("prediction"), tasks, phase, "Predicted P(label = 1); open "
                                             "circles: the true labels", "P(label = 1)", snap.get("targets")),
                  "fw-srwm-predictions")
    if is_open(ablation):
        with ablation:
            by_task = {t: final_or_latest(run, recs, f"query_accuracy.{t}") for t in TASKS}
            chart(figs.ablation_figure({"overall": accuracy, **by_task}, ablated,
                                       "held-out, end of run" if ended else "held-out, last evaluation"),
                  "fw-srwm-ablation")
            if snap.get("self_modify") is False:
                st.caption("This run was trained with self_modify off: both bars are the same plain RNN.")
            else:
                st.caption("Writes off evaluates the same trained net with W_fast held at zero. To see what a net "
                           "trained without the write path reaches, pick the no-self-modification preset.")
