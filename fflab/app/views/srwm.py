"""Live view of the self-referential weight matrix (`srwm`)."""

from __future__ import annotations

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, final_or_latest, is_open, pct
from fflab.app.views.fastweights_delay import ANIMATION_HELP, main_run, number, open_tabs
from fflab.fastweights.srwm import TASKS, SRWMSnapshot
from fflab.runner import Run


def srwm_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    """Curves, then W_fast per task after the demos, the write pointers, the write strength and the ablation."""
    run, recs, snap = main_run(runs, records, lab, SRWMSnapshot)
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
                                       "training episodes", "loss"), "fw-srwm-loss", log_toggle=True)
    with right:
        lines = [("query_accuracy", "all tasks"), *((f"query_accuracy.{t}", t) for t in TASKS),
                 ("query_accuracy_ablated", "writes off")]
        chart(figs.metric_lines_figure(recs, lines, "Held-out query accuracy", "episodes", "training episodes",
                                       "accuracy", percent=True, markers=True), "fw-srwm-accuracy")
    tasks = (snap.tasks if snap else None) or list(TASKS)
    phase = snap.phase if snap else None
    st.caption("Below: one held-out episode per task, traced with the latest snapshot's slow weights: 4 demo steps "
               "(inputs with their label), then 4 query steps (label hidden).")
    fast, pointers, writes, ablation = open_tabs(["W_fast per task", "Pointers", "Write strength", "Ablation"],
                                                 "fw-srwm-tabs")
    if is_open(fast):
        with fast:
            chart(figs.task_matrices_figure(snap.fast_weights_after_demo if snap else None, tasks), "fw-srwm-tasks")
            st.caption("Different functions leave different matrices behind: the demos have programmed W_fast.")
            task = st.segmented_control("task", tasks, default=tasks[0], key="fw-srwm-task",
                                        help="Which task's episode to animate below.") or tasks[0]
            chosen = snap.fast_weights[tasks.index(task)] if snap and task in tasks else None
            chart(figs.fast_weight_animation_figure(chosen, None, phase, f"W_fast through the {task} episode",
                                                    "row unit", "column unit"), "fw-srwm-fast")
            st.caption(ANIMATION_HELP)
    if is_open(pointers):
        with pointers:
            chart(figs.pointer_figure(snap.row_pointer if snap else None, snap.col_pointer if snap else None, tasks,
                                      phase), "fw-srwm-pointers")
            st.caption("Each write adds η·g·val·row colᵀ: the row and column pointers (softmaxes over the units) "
                       "say where it lands.")
    if is_open(writes):
        with writes:
            chart(figs.per_task_steps_figure(snap.write_strength if snap else None, tasks, phase,
                                             "Write strength η·g·val per step", "η·g·val"), "fw-srwm-writes")
            chart(figs.per_task_steps_figure(snap.prediction if snap else None, tasks, phase,
                                             "Predicted P(label = 1); open circles: the true labels", "P(label = 1)",
                                             snap.targets if snap else None), "fw-srwm-predictions")
    if is_open(ablation):
        with ablation:
            by_task = {t: final_or_latest(run, recs, f"query_accuracy.{t}") for t in TASKS}
            chart(figs.ablation_figure({"overall": accuracy, **by_task}, ablated,
                                       "held-out, end of run" if ended else "held-out, last evaluation"),
                  "fw-srwm-ablation")
            if snap is not None and not snap.self_modify:
                st.caption("This run was trained with self_modify off: both bars are the same plain RNN.")
            else:
                st.caption("Writes off evaluates the same trained net with W_fast held at zero. To see what a net "
                           "trained without the write path reaches, pick the no-self-modification preset.")
