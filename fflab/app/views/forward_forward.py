"""The classifier view (Forward-Forward and its backprop baseline): metric tiles, curves, tabs of figures."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from fflab import figures as figs
from fflab.app.live import records_of, title_of
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open, pct, snapshot_of
from fflab.ff.backprop.snapshot import BackpropSnapshot
from fflab.ff.forward_forward.snapshot import FFSnapshot
from fflab.ff.snapshot import ClassifierSnapshot
from fflab.runner import Run

SERIES_NAMES = {"ff": "FF", "bp": "Backprop"}


def net_snapshot(run: Run | None) -> FFSnapshot | BackpropSnapshot | None:
    """The latest snapshot of an `ff` or `bp` run; None before the first one."""
    return snapshot_of(run, FFSnapshot) or snapshot_of(run, BackpropSnapshot)


def classifier_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    main = runs.get(lab.experiment)
    if main is not None:
        snapshot = net_snapshot(main)
        classifier_tiles(main, records[lab.experiment], runs.get(lab.baseline_name or ""),
                         snapshot.classifier if snapshot else None)
    _charts(runs, records, lab)


def classifier_tiles(run: Run, records: list[dict], baseline: Run | None,
                     classifier: ClassifierSnapshot | None) -> None:
    """Accuracy, throughput and time; `classifier` (None before the first snapshot) says how much was scored."""
    final = run.final_metrics if run.status.terminal else {}
    eval_samples = classifier.eval_samples if classifier else None
    test_acc = final.get("test_accuracy", figs.latest(records, "test_accuracy"))
    train_acc = final.get("train_accuracy", figs.latest(records, "train_accuracy"))
    samples_per_s, elapsed = figs.throughput(records)
    where = ("the full test set, after training" if final else
             f"{eval_samples or 'some'} held-out samples, at the last evaluation")
    cols = st.columns(5 if baseline is not None else 4)
    cols[0].metric("Test accuracy", pct(test_acc), help=f"Share of test images classified right: {where}.")
    cols[1].metric("Train accuracy", pct(train_acc),
                   help="Share of training images classified right" + (": all of them." if final else
                                                                       ", on a fixed sample of them."))
    cols[2].metric("Samples/s", f"{samples_per_s:,.0f}", help="Training samples per second, lately.")
    cols[3].metric("Elapsed", f"{elapsed:.1f} s", help="Time spent computing steps (pauses not counted).")
    if baseline is not None:
        base_records = records_of(baseline)
        base_final = baseline.final_metrics if baseline.status.terminal else {}
        base_acc = base_final.get("test_accuracy", figs.latest(base_records, "test_accuracy"))
        cols[4].metric("Backprop accuracy", pct(base_acc),
                       help="Test accuracy of the backprop baseline (same net, data and seed).")
    if final:
        st.caption("Final metrics, computed on the full test and training sets.")


def variant_header(run: Run, records: list[dict], lab: LabState, label: str,
                   classifier: ClassifierSnapshot | None) -> DeltaGenerator:
    """The tiles and, on the left, the accuracy curve of a classifier variant without a baseline.

    Returns the right-hand column, for the caller to fill.
    """
    classifier_tiles(run, records, None, classifier)
    left, right = st.columns(2)
    with left:
        chart(figs.accuracy_figure({label: records}, chance=classifier.chance if classifier else None),
              f"chart-{lab.experiment}-accuracy")
    return right


def _goodness_histogram(snapshot: FFSnapshot | None) -> go.Figure:
    if snapshot is None:
        return figs.goodness_histogram_figure(None, None)
    return figs.goodness_histogram_figure(snapshot.goodness_pos, snapshot.goodness_neg, snapshot.marked_threshold,
                                          snapshot.layer_in_training)


def _examples(snapshot: FFSnapshot | None) -> go.Figure:
    batch = snapshot.examples if snapshot else None
    if batch is None:
        return figs.examples_figure(None, None, None, None)
    return figs.examples_figure(batch.positive_images, batch.positive_labels, batch.negative_images,
                                batch.negative_labels, snapshot.classifier.image_shape)


def confusion_matrix(classifier: ClassifierSnapshot | None) -> go.Figure:
    """The confusion matrix of the latest scoring (waiting before the first snapshot)."""
    if classifier is None:
        return figs.confusion_figure(None)
    return figs.confusion_figure(classifier.confusion, classifier.class_names)


def _charts(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    main = runs.get(lab.experiment)
    snapshot = net_snapshot(main)
    goodness = snapshot if isinstance(snapshot, FFSnapshot) else None
    classifier = snapshot.classifier if snapshot else None
    main_records = records.get(lab.experiment, [])
    series = {SERIES_NAMES.get(role, title_of(run)): records[role] for role, run in runs.items()}
    left, right = st.columns(2)
    with left:
        chart(figs.accuracy_figure(series, chance=classifier.chance if classifier else None), "chart-accuracy")
    with right:
        threshold = goodness.threshold if goodness else lab.values.get("threshold")
        chart(figs.goodness_means_figure(main_records, threshold), "chart-goodness-means")
    names = ["Loss per layer", "Goodness histograms", "First-layer weights", "Examples", "Confusion matrix",
             "Dead units"]
    tabs = st.tabs(names, key="chart-tabs", on_change="rerun")
    loss, hist, weights, examples, confusion, dead = tabs
    if is_open(loss):
        with loss:
            chart(figs.layer_loss_figure(main_records), "chart-loss", log_toggle=True)
    if is_open(hist):
        with hist:
            chart(_goodness_histogram(goodness), "chart-goodness-hist")
            st.caption("Goodness of 500 fixed training images, each with its true label (positive) and "
                       "with a negative; the dotted line is θ.")
    if is_open(weights):
        with weights:
            cols = st.columns(len(runs))
            for col, (role, run) in zip(cols, runs.items(), strict=True):
                with col:
                    st.markdown(f"**{title_of(run)}**")
                    net = net_snapshot(run)
                    chart(figs.weight_grid_figure(net.first_layer_weights if net else None), f"chart-weights-{role}")
    if is_open(examples):
        with examples:
            chart(_examples(goodness), "chart-examples")
    if is_open(confusion):
        with confusion:
            chart(confusion_matrix(classifier), "chart-confusion")
            _confusion_caption(main, classifier)
    if is_open(dead):
        with dead:
            chart(figs.dead_units_figure(main_records), "chart-dead-units")
            st.caption(f"Share of each layer's units that output exactly zero for every one of "
                       f"{classifier.eval_samples if classifier else 'the'} held-out test images under every "
                       "candidate label, "
                       "counted at each evaluation. A silent unit adds nothing to the goodness and gets no gradient "
                       "until the layers below change what it sees. The PCL-FF option (pcl) is where a public study "
                       "saw every unit die.")


def _confusion_caption(run: Run | None, classifier: ClassifierSnapshot | None) -> None:
    if run is not None and run.status.terminal and run.final_metrics:
        total = int(classifier.confusion.sum()) if classifier else 0
        st.caption(f"Rows: true class; columns: predicted. On the full test set ({total:,} samples), after training.")
    else:
        st.caption(f"Rows: true class; columns: predicted. On {classifier.eval_samples if classifier else 'the'} "
                   "held-out test samples, at the last evaluation (eval_samples).")
