"""The Distance-Forward view: the usual tiles, accuracy, the margin per layer, the class × centre distances."""

from __future__ import annotations

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open
from fflab.app.views.forward_forward import variant_header
from fflab.runner import Run


def dff_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    header = variant_header(runs, records, lab, "Distance-Forward")
    if header is None:
        return
    main_records, snapshot, classes, right = header
    with right:
        chart(figs.centre_margin_figure(main_records), "chart-dff-margin")
    distances, loss, confusion = st.tabs(["Distances to the centres", "Loss per layer", "Confusion matrix"],
                                         key="dff-tabs", on_change="rerun")
    if is_open(distances):
        with distances:
            chart(figs.centre_distance_figure(snapshot), "chart-dff-centre-distance")
            kind = snapshot.get("distance", lab.values.get("distance"))
            scale = "2 − 2·cos, from 0 to 4" if kind == "sphere" else "the mean squared difference per unit"
            st.caption("Each layer has one learned centre per class. Row: the images' true class; column: a class "
                       f"centre; colour: the mean distance ({scale}), nearest brightest. A bright diagonal means "
                       "each class's images sit nearest their own centre: the layer can classify on its own.")
    if is_open(loss):
        with loss:
            chart(figs.layer_loss_figure(main_records), "chart-dff-loss")
    if is_open(confusion):
        with confusion:
            chart(figs.confusion_figure(snapshot.get("confusion"), classes), "chart-dff-confusion")
            st.caption("Rows: true class; columns: predicted (the nearest centre). On the images of the last "
                       "evaluation.")
