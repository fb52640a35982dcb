"""Line plots and goodness histograms of a Forward-Forward run."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go

from fflab.ff.forward_forward.snapshot import FFSnapshot
from fflab.figures import (
    UIREVISION,
    accuracy_figure,
    goodness_histogram_figure,
    goodness_means_figure,
    is_waiting,
    layer_loss_figure,
)
from fflab.figures.common import BACKPROP, FF, NEGATIVE, POSITIVE
from fflab.figures.forward_forward import MAX_HISTOGRAM_SAMPLES


def names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data]


def assert_common_look(fig: go.Figure) -> None:
    assert fig.layout.uirevision == UIREVISION
    assert fig.layout.height == 300
    assert fig.layout.margin.t <= 60 and fig.layout.margin.b <= 60
    assert fig.layout.title.text


# -- layer loss ----------------------------------------------------------------------------
def test_layer_loss_one_line_per_layer_downsampled(make_ff_records):
    records = make_ff_records(steps=5000, layers=3)
    fig = layer_loss_figure(records)
    assert_common_look(fig)
    assert names(fig) == ["layer 1", "layer 2", "layer 3"]
    assert "step" in fig.layout.xaxis.title.text
    assert "loss" in fig.layout.yaxis.title.text
    for trace in fig.data:
        assert len(trace.x) <= 400
        assert trace.x[-1] == 5000.0  # the newest point is always drawn
    assert len({t.line.color for t in fig.data}) == 3


def test_layer_loss_orders_layers_numerically():
    records = [{"step": 1.0, **{f"loss.layer{n}": 0.5 for n in (1, 2, 10)}}]
    assert names(layer_loss_figure(records)) == ["layer 1", "layer 2", "layer 10"]


def test_layer_loss_greedy_schedule_keeps_each_layers_own_steps():
    records = [{"step": float(i), "loss.layer1": 0.6} for i in range(1, 2001)]
    records += [{"step": float(i), "loss.layer2": 0.5} for i in range(2001, 2101)]
    fig = layer_loss_figure(records)
    layer1, layer2 = fig.data
    assert layer1.x[-1] == 2000.0 and len(layer1.x) == 400
    assert list(layer2.x) == [float(i) for i in range(2001, 2101)]  # short series kept whole


def test_layer_loss_of_a_backprop_run(make_bp_records):
    fig = layer_loss_figure(make_bp_records())
    assert names(fig) == ["loss"]
    assert fig.data[0].line.color == BACKPROP


def test_layer_loss_waits_without_data():
    for records in ([], [{"step": 1.0, "samples": 10.0}]):
        fig = layer_loss_figure(records)
        assert is_waiting(fig)
        assert fig.layout.uirevision == UIREVISION
        assert len(fig.data) == 0


# -- goodness means ------------------------------------------------------------------------
def test_goodness_means_positive_solid_negative_dashed_with_theta(records):
    fig = goodness_means_figure(records, threshold=2.0)
    assert_common_look(fig)
    assert names(fig) == ["layer 1 pos", "layer 1 neg", "layer 2 pos", "layer 2 neg"]
    pos1, neg1, pos2, neg2 = fig.data
    assert pos1.line.dash == "solid" and neg1.line.dash == "dash"
    assert pos1.line.color == POSITIVE and neg1.line.color == NEGATIVE
    assert pos2.line.color != pos1.line.color  # deeper layers lighter
    assert all(len(t.x) <= 400 for t in fig.data)
    assert "goodness" in fig.layout.yaxis.title.text
    theta = [s for s in fig.layout.shapes if s.name == "θ"]
    assert len(theta) == 1 and theta[0].y0 == theta[0].y1 == 2.0
    assert any(a.text == "θ" for a in fig.layout.annotations)


def test_goodness_means_without_threshold_has_no_marker(records):
    for threshold in (None, math.nan):
        fig = goodness_means_figure(records, threshold)
        assert len(fig.layout.shapes) == 0
        assert not any(a.text == "θ" for a in fig.layout.annotations)


def test_goodness_means_waits_without_data():
    assert is_waiting(goodness_means_figure([], 2.0))
    assert is_waiting(goodness_means_figure([{"step": 1.0, "loss.layer1": 0.3}], None))


# -- goodness histograms -------------------------------------------------------------------
def histogram(snapshot: FFSnapshot) -> go.Figure:
    """The histograms the FF view draws of this snapshot."""
    return goodness_histogram_figure(snapshot.goodness_pos, snapshot.goodness_neg, snapshot.marked_threshold,
                                     snapshot.layer_in_training)


def test_histogram_one_panel_per_layer_with_shared_bins_and_theta(snapshot):
    fig = histogram(snapshot)
    assert_common_look(fig)
    assert fig.layout.barmode == "overlay"
    assert names(fig) == ["positive", "negative", "positive", "negative"]
    assert [t.xaxis for t in fig.data] == ["x", "x", "x2", "x2"]
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]  # panels side by side
    assert "layer 1" in fig.layout.xaxis.title.text and "layer 2" in fig.layout.xaxis2.title.text
    assert fig.layout.yaxis.title.text == "count"
    for pos, neg in (fig.data[:2], fig.data[2:]):
        assert pos.xbins == neg.xbins
        assert pos.marker.color == POSITIVE and neg.marker.color == NEGATIVE
    assert all(len(t.x) <= MAX_HISTOGRAM_SAMPLES for t in fig.data)
    assert len(fig.data[0].x) == MAX_HISTOGRAM_SAMPLES  # 5000 thinned
    assert len(fig.data[2].x) == 300  # small ones whole
    assert [t.showlegend for t in fig.data] == [True, True, False, False]
    theta = [s for s in fig.layout.shapes if s.name == "θ"]
    assert [s.xref for s in theta] == ["x", "x2"]
    assert all(s.x0 == s.x1 == 2.0 for s in theta)


def test_histogram_has_no_theta_under_symba(snapshot):
    fig = histogram(replace(snapshot, loss_kind="symba"))
    assert len(fig.data) == 4
    assert len(fig.layout.shapes) == 0


def test_histogram_marks_the_layer_in_training_when_greedy(snapshot):
    fig = histogram(replace(snapshot, schedule="greedy", current_layer=2))
    assert "training" in fig.layout.xaxis2.title.text
    assert "training" not in fig.layout.xaxis.title.text


def test_histogram_drops_non_finite_values_and_empty_layers(snapshot):
    fig = histogram(replace(snapshot, goodness_pos=(np.array([1.0, np.nan, np.inf, 2.0]), np.array([])),
                            goodness_neg=(np.array([0.5]), np.array([]))))
    assert list(fig.data[0].x) == [1.0, 2.0]
    assert len(fig.data) == 2
    assert fig.layout.xaxis2.domain is not None  # the empty layer still has its panel


def test_histogram_accepts_stacked_arrays():
    fig = goodness_histogram_figure(np.ones((3, 50)), np.zeros((3, 50)), threshold=2.0)
    assert len(fig.data) == 6


def test_histogram_waits_for_data():
    for pos, neg, threshold in (
        (None, None, None),
        (None, None, 2.0),
        ([], [], None),
        ([np.array([])], None, None),
    ):
        fig = goodness_histogram_figure(pos, neg, threshold)
        assert is_waiting(fig)
        assert fig.layout.uirevision == UIREVISION


# -- accuracy ------------------------------------------------------------------------------
def test_accuracy_compares_runs_by_samples_seen(make_ff_records, make_bp_records):
    ff, bp = make_ff_records(steps=3000, eval_every=500), make_bp_records()
    fig = accuracy_figure({"FF": ff, "Backprop": bp}, chance=0.1)
    assert_common_look(fig)
    assert names(fig) == ["FF test", "FF train", "Backprop test", "Backprop train"]
    assert fig.layout.xaxis.title.text == "samples seen"
    assert "accuracy" in fig.layout.yaxis.title.text
    assert tuple(fig.layout.yaxis.range) == (0, 1)
    assert "%" in fig.layout.yaxis.tickformat
    ff_test, ff_train, bp_test, _ = fig.data
    assert list(ff_test.x) == [r["samples"] for r in ff if "test_accuracy" in r]
    assert ff_test.line.dash == "solid" and ff_train.line.dash == "dot"
    assert ff_test.line.color == FF and bp_test.line.color == BACKPROP
    chance = [s for s in fig.layout.shapes if s.name == "chance"]
    assert len(chance) == 1 and chance[0].line.dash == "dash" and chance[0].y0 == 0.1


def test_accuracy_keeps_sparse_evaluations_among_many_steps(make_ff_records):
    ff = make_ff_records(steps=50_000, layers=1, eval_every=1000)
    fig = accuracy_figure({"FF": ff})
    assert len(fig.data[0].x) == 50  # every evaluation, though there are 50 000 records
    assert len(fig.layout.shapes) == 0  # no chance line unless asked


def test_accuracy_downsamples_dense_evaluations(make_bp_records):
    bp = make_bp_records(steps=5000, eval_every=1)
    fig = accuracy_figure({"Backprop": bp})
    assert all(len(t.x) <= 400 for t in fig.data)
    assert fig.data[0].x[-1] == bp[-1]["samples"]


def test_accuracy_other_names_get_distinct_colours(make_bp_records):
    fig = accuracy_figure({"run A": make_bp_records(), "run B": make_bp_records()})
    assert fig.data[0].line.color != fig.data[2].line.color


def test_accuracy_waits_for_an_evaluation(make_ff_records):
    no_eval = make_ff_records(steps=100, eval_every=1000)
    for series in ({}, {"FF": []}, {"FF": no_eval}):
        assert is_waiting(accuracy_figure(series, chance=0.1))


def test_a_single_evaluation_is_shown_on_an_axis_from_zero():
    from fflab.figures.forward_forward import accuracy_figure

    fig = accuracy_figure({"FF": [{"step": 50.0, "samples": 5000.0, "test_accuracy": 0.5}]})
    assert tuple(fig.layout.xaxis.range) == (0, 5250.0)
    two = accuracy_figure({"FF": [{"samples": 5000.0, "test_accuracy": 0.5}, {"samples": 9000.0, "test_accuracy": 0.6}]})
    assert two.layout.xaxis.range is None  # plotly's own range for a real curve
