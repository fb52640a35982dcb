"""The CwC-FF view: accuracy, the class-goodness matrices, and the usual tiles."""

from __future__ import annotations

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart
from fflab.app.views.forward_forward import variant_header
from fflab.runner import Run


def cwc_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    header = variant_header(runs, records, lab, "CwC-FF")
    if header is None:
        return
    main_records, snapshot, _, right = header
    with right:
        chart(figs.layer_loss_figure(main_records), "chart-cwc-loss")
    chart(figs.class_goodness_figure(snapshot), "chart-cwc-class-goodness")
    st.caption("Each class owns a group of channels in every layer. Row: the images' true class; column: the "
               "channel group. A bright diagonal means each class's images excite their own group most: that is "
               "the competition the cross-entropy over class goodness sets up, with no negative data.")
