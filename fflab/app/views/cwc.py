"""The CwC-FF view: accuracy, the class-goodness matrices, and the usual tiles."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, snapshot_of
from fflab.app.views.forward_forward import variant_header
from fflab.ff.cwc.snapshot import CwCSnapshot
from fflab.runner import Run


def cwc_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    main_records = records.get(lab.experiment, [])
    snapshot = snapshot_of(run, CwCSnapshot)
    right = variant_header(run, main_records, lab, "CwC-FF", snapshot.classifier if snapshot else None)
    with right:
        chart(figs.layer_loss_figure(main_records), "chart-cwc-loss", log_toggle=True)
    chart(_class_goodness(snapshot), "chart-cwc-class-goodness")
    st.caption("Each class owns a group of channels in every layer. Row: the images' true class; column: the "
               "channel group. A bright diagonal means each class's images excite their own group most: that is "
               "the competition the cross-entropy over class goodness sets up, with no negative data.")


def _class_goodness(snapshot: CwCSnapshot | None) -> go.Figure:
    if snapshot is None:
        return figs.class_goodness_figure(None)
    evaluation = snapshot.evaluation
    return figs.class_goodness_figure(snapshot.class_goodness, evaluation.layer_accuracy,
                                      snapshot.classifier.class_names, evaluation.images, evaluation.step)
