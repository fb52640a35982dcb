"""The `continual` view: the accuracy matrices filling in, accuracy on the tasks seen, and GEM's three numbers."""

from __future__ import annotations

import streamlit as st

from fflab.app.url_state import LabState
from fflab.app.views.common import chart, pct
from fflab.figures.continual import LABELS, accuracy_matrix_figure, seen_accuracy_figure
from fflab.runner import Run
from fflab.studies.continual.task_matrix import ContinualSnapshot
from fflab.studies.continual.verdict import verdict

ROW_CAPTION = {
    "continual": "Row t: the accuracy on every task's test images after training on tasks 1..t. Split into new "
                 "classes, fine-tuning keeps only the diagonal; a learner that does not forget keeps the lower "
                 "triangle bright.",
    "continual-text": "Row t: the next-character accuracy on every part's validation text after reading parts "
                      "1..t. Above the diagonal: parts not read yet, which the language learnt so far already "
                      "predicts in part; below it: what is kept of the parts read before.",
}


def continual_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    snapshot = run.snapshot if isinstance(run.snapshot, ContinualSnapshot) else None
    methods = snapshot.methods if snapshot else tuple(run.spec.params.get("methods", ()))
    chart(seen_accuracy_figure(records[lab.experiment], methods), "chart-continual-seen")
    if snapshot is None:
        st.caption("The accuracy matrices appear once the run has started.")
        return
    chart(accuracy_matrix_figure(snapshot.matrices, snapshot.names()), "chart-continual-matrix")
    st.caption(ROW_CAPTION.get(lab.experiment, ROW_CAPTION["continual"]))
    final = run.final_metrics if run.status.terminal else {}
    if not final:
        return
    rows = [{"learner": LABELS.get(m, m), "average accuracy": pct(final.get(f"average_accuracy.{m}")),
             "forgetting": pct(final.get(f"forgetting.{m}")),
             "backward transfer": pct(final.get(f"backward_transfer.{m}"))} for m in methods]
    st.dataframe(rows, hide_index=True, key="continual-table")
    st.caption("GEM's measures on the tasks reached: average accuracy after the last task; forgetting, the mean "
               "drop from each task's best accuracy to its last; backward transfer, last minus just-learnt.")
    said = verdict(final)
    if said:
        st.markdown("**What this run shows.** " + " ".join(said) + " One seed: a gap of a point or two is noise.")
