"""The transfer view: probe accuracy per model as each finishes, and the pretraining curves."""

from __future__ import annotations

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, pct, snapshot_of
from fflab.runner import Run
from fflab.studies.transfer import PUBLISHED_TRANSFER, ProbeResult, TransferSnapshot


def transfer_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    snapshot = snapshot_of(run, TransferSnapshot)
    models = list(snapshot.models if snapshot else lab.values.get("models", ()))
    results = dict(snapshot.results) if snapshot else {}
    final = run.final_metrics if run.status.terminal else {}
    for model in models:  # the final figures, even if the last snapshot came earlier
        logged = ProbeResult.logged(final, model)
        if logged is not None:
            results[model] = logged
    cols = st.columns(max(1, len(models)))
    for col, model in zip(cols, models, strict=False):
        value = results[model].transfer_accuracy if model in results else None
        col.metric(f"{model} → target", pct(value), help=f"Linear-probe accuracy on the target test set with {model}'s "
                   "frozen features." + ("" if value is not None else " Not finished yet."))
    task = snapshot.task if snapshot else lab.values.get("task")
    published = PUBLISHED_TRANSFER if task == "mnist-to-fashion" else None
    chart(figs.transfer_figure({m: r.transfer_accuracy for m, r in results.items()},
                               {m: r.source_accuracy for m, r in results.items()}, models,
                               snapshot.chance if snapshot else None, published, snapshot.current if snapshot else None),
          "chart-transfer")
    if published:
        st.caption("Diamonds: the published linear-probe accuracies (koriyoshi2041/ff-negative-samples README); "
                   "their pretraining and probe settings differ from these, so read them as the claim under test.")
    chart(figs.pretraining_figure(records.get(lab.experiment, []), models), "chart-transfer-pretraining")
