"""The Distance-Forward view: the usual tiles, accuracy, the margin per layer, the class × centre distances."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open, snapshot_of
from fflab.app.views.forward_forward import confusion_matrix, variant_header
from fflab.ff.dff.snapshot import DFFSnapshot
from fflab.runner import Run


def dff_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    main_records = records.get(lab.experiment, [])
    snapshot = snapshot_of(run, DFFSnapshot)
    classifier = snapshot.classifier if snapshot else None
    right = variant_header(run, main_records, lab, "Distance-Forward", classifier)
    with right:
        chart(figs.centre_margin_figure(main_records), "chart-dff-margin")
    distances, loss, confusion = st.tabs(["Distances to the centres", "Loss per layer", "Confusion matrix"],
                                         key="dff-tabs", on_change="rerun")
    if is_open(distances):
        with distances:
            chart(_centre_distance(snapshot), "chart-dff-centre-distance")
            kind = snapshot.distance if snapshot else lab.values.get("distance")
            scale = "2 − 2·cos, from 0 to 4" if kind == "sphere" else "the mean squared difference per unit"
            st.caption("Each layer has one learned centre per class. Row: the images' true class; column: a class "
                       f"centre; colour: the mean distance ({scale}), nearest brightest. A bright diagonal means "
                       "each class's images sit nearest their own centre: the layer can classify on its own.")
    if is_open(loss):
        with loss:
            chart(figs.layer_loss_figure(main_records), "chart-dff-loss", log_toggle=True)
    if is_open(confusion):
        with confusion:
            chart(confusion_matrix(classifier), "chart-dff-confusion")
            st.caption("Rows: true class; columns: predicted (the nearest centre). On the images of the last "
                       "evaluation.")


def _centre_distance(snapshot: DFFSnapshot | None) -> go.Figure:
    if snapshot is None:
        return figs.centre_distance_figure(None)
    evaluation = snapshot.evaluation
    return figs.centre_distance_figure(snapshot.centre_distance, evaluation.layer_accuracy,
                                       snapshot.classifier.class_names, evaluation.images, evaluation.step)
