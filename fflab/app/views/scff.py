"""The SCFF view: the probe's accuracy, goodness of positive against negative pairs, the pairs themselves."""

from __future__ import annotations

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open
from fflab.app.views.forward_forward import classifier_tiles
from fflab.runner import Run


def scff_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    main_records = records.get(lab.experiment, [])
    snapshot = run.snapshot or {}
    classifier_tiles(run, main_records, None)
    st.caption(_phase_caption(snapshot))
    classes = snapshot.get("class_names") or []
    left, right = st.columns(2)
    with left:
        chart(figs.accuracy_figure({"SCFF probe": main_records}, chance=1 / len(classes) if classes else None),
              "chart-scff-accuracy")
    with right:
        chart(figs.goodness_means_figure(main_records, None), "chart-scff-goodness")
    pairs, loss, confusion = st.tabs(["Pairs", "Loss per layer", "Confusion matrix"], key="scff-tabs",
                                     on_change="rerun")
    if is_open(pairs):
        with pairs:
            chart(figs.pair_examples_figure(snapshot), "chart-scff-pairs")
            st.caption("The first pairs of the latest batch, as the first layer receives them (its weights see both "
                       "images of a pair). The numbers in the corner are the digits' classes, for you: SCFF never "
                       "sees them, and a negative pair may join two images of the same class.")
    if is_open(loss):
        with loss:
            chart(figs.layer_loss_figure(main_records), "chart-scff-loss")
            st.caption("softplus(θ₊ − goodness of positives) + softplus(goodness of negatives − θ₋) + "
                       f"λ·goodness of positives, per layer; θ₊ = {_listed(snapshot.get('threshold_pos'))}, "
                       f"θ₋ = {_listed(snapshot.get('threshold_neg'))}.")
    if is_open(confusion):
        with confusion:
            chart(figs.confusion_figure(snapshot.get("confusion"), classes), "chart-scff-confusion")
            st.caption("The linear probe's answers on held-out images: rows true class, columns predicted.")


def _phase_caption(snapshot: dict) -> str:
    accuracy = ("Accuracy is a linear probe's: a softmax layer trained on the frozen, detached features of each "
                "image paired with itself. It uses labels; the layers never do.")
    if snapshot.get("probing"):
        return f"Training is over: only the probe learns now. {accuracy}"
    if snapshot.get("schedule") == "greedy" and snapshot.get("current_layer"):
        return f"Layer {snapshot['current_layer']} is learning (greedy: one layer after another). {accuracy}"
    return accuracy


def _listed(values: object) -> str:
    if isinstance(values, (list, tuple)) and values:
        return ", ".join(str(v) for v in values) + (" (last repeats)" if len(values) > 1 else "")
    return "–"
