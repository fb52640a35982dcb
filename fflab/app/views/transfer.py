"""The transfer view: probe accuracy per model as each finishes, and the pretraining curves."""

from __future__ import annotations

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, pct
from fflab.runner import Run
from fflab.studies.transfer import PUBLISHED_TRANSFER


def transfer_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    snapshot = run.snapshot or {}
    models = snapshot.get("models") or list(lab.values.get("models", ()))
    results = snapshot.get("results", {})
    if run.status.terminal and run.final_metrics:  # the final figures, even if the last snapshot came earlier
        for model in models:
            if f"transfer_accuracy.{model}" in run.final_metrics:
                results[model] = {k: run.final_metrics[f"{k}.{model}"] for k in ("transfer_accuracy", "source_accuracy")}
    cols = st.columns(max(1, len(models)))
    for col, model in zip(cols, models, strict=False):
        value = results.get(model, {}).get("transfer_accuracy")
        col.metric(f"{model} → target", pct(value), help=f"Linear-probe accuracy on the target test set with {model}'s "
                   "frozen features." + ("" if value is not None else " Not finished yet."))
    task = snapshot.get("task", lab.values.get("task"))
    published = PUBLISHED_TRANSFER if task == "mnist-to-fashion" else None
    chart(figs.transfer_figure(results, models, snapshot.get("chance"), published, snapshot.get("current")),
          "chart-transfer")
    if published:
        st.caption("Diamonds: the published linear-probe accuracies (koriyoshi2041/ff-negative-samples README); "
                   "their pretraining and probe settings differ from these, so read them as the claim under test.")
    chart(figs.pretraining_figure(records.get(lab.experiment, []), models), "chart-transfer-pretraining")
