"""The SCFF view: the probe's accuracy, goodness of positive against negative pairs, the pairs themselves."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open, snapshot_of
from fflab.app.views.forward_forward import classifier_tiles, confusion_matrix
from fflab.ff.scff.snapshot import SCFFSnapshot
from fflab.runner import Run


def scff_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    main_records = records.get(lab.experiment, [])
    snapshot = snapshot_of(run, SCFFSnapshot)
    classifier = snapshot.classifier if snapshot else None
    classifier_tiles(run, main_records, None, classifier)
    st.caption(_phase_caption(snapshot))
    left, right = st.columns(2)
    with left:
        chart(figs.accuracy_figure({"SCFF probe": main_records}, chance=classifier.chance if classifier else None),
              "chart-scff-accuracy")
    with right:
        chart(figs.goodness_means_figure(main_records, None), "chart-scff-goodness")
    pairs, loss, confusion = st.tabs(["Pairs", "Loss per layer", "Confusion matrix"], key="scff-tabs",
                                     on_change="rerun")
    if is_open(pairs):
        with pairs:
            chart(_pairs(snapshot), "chart-scff-pairs")
            st.caption("The first pairs of the latest batch, as the first layer receives them (its weights see both "
                       "images of a pair). The numbers in the corner are the digits' classes, for you: SCFF never "
                       "sees them, and a negative pair may join two images of the same class.")
    if is_open(loss):
        with loss:
            chart(figs.layer_loss_figure(main_records), "chart-scff-loss", log_toggle=True)
            st.caption("softplus(θ₊ − goodness of positives) + softplus(goodness of negatives − θ₋) + "
                       f"λ·goodness of positives, per layer; θ₊ = {_listed(snapshot.threshold_pos if snapshot else ())}, "
                       f"θ₋ = {_listed(snapshot.threshold_neg if snapshot else ())}.")
    if is_open(confusion):
        with confusion:
            chart(confusion_matrix(classifier), "chart-scff-confusion")
            st.caption("The linear probe's answers on held-out images: rows true class, columns predicted.")


def _pairs(snapshot: SCFFSnapshot | None) -> go.Figure:
    pairs = snapshot.pairs if snapshot else None
    if pairs is None:
        return figs.pair_examples_figure(None, None)
    return figs.pair_examples_figure(pairs.positive_pairs, pairs.negative_pairs, pairs.pair_labels,
                                     pairs.partner_labels, snapshot.classifier.image_shape)


def _phase_caption(snapshot: SCFFSnapshot | None) -> str:
    accuracy = ("Accuracy is a linear probe's: a softmax layer trained on the frozen, detached features of each "
                "image paired with itself. It uses labels; the layers never do.")
    if snapshot is not None and snapshot.probing:
        return f"Training is over: only the probe learns now. {accuracy}"
    if snapshot is not None and snapshot.schedule == "greedy" and snapshot.current_layer:
        return f"Layer {snapshot.current_layer} is learning (greedy: one layer after another). {accuracy}"
    return accuracy


def _listed(values: Sequence[float]) -> str:
    if values:
        return ", ".join(str(v) for v in values) + (" (last repeats)" if len(values) > 1 else "")
    return "–"
