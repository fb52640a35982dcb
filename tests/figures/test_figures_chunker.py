"""Figures of the chunker experiments, from real (tiny) snapshots and synthetic records."""

from __future__ import annotations

import numpy as np
import pytest

from fflab.chunker.chunker22 import Chunker22, Chunker22Snapshot
from fflab.chunker.deep import ChunkerDeep, ChunkerDeepSnapshot
from fflab.figures import (
    UIREVISION,
    compressed_length_figure,
    effective_depth_figure,
    gradient_depth_figure,
    is_waiting,
    net_losses_figure,
    paired_accuracy_figure,
    surprise_raster_figure,
    surprise_stream_figure,
)
from fflab.figures.chunker import smoothed
from tests.training import torch_threads


def snapshot_of(cls, **overrides):
    exp = cls(cls.resolve_params(None, overrides), seed=0)
    for _ in range(3):
        exp.advance()
    return exp.snapshot()


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    with torch_threads(1):
        yield


@pytest.fixture(scope="module")
def snap22(_one_thread) -> Chunker22Snapshot:
    return snapshot_of(Chunker22, blocks=3, show_blocks=2, hidden_single=4)


@pytest.fixture(scope="module")
def snap_deep(_one_thread) -> ChunkerDeepSnapshot:
    return snapshot_of(ChunkerDeep, T=60, steps=3, batch=2)

def records(steps=300):
    return [{"step": float(i), "label_accuracy": float(i > 50), "label_accuracy_single": 0.5,
             "surprises_per_block": 21.0 if i < 40 else 1.0, "loss_a": 3.0 / i, "loss_c": 0.7} for i in range(1, steps)]


def test_smoothed_is_a_running_mean_over_the_window():
    recs = [{"step": float(i), "v": float(v)} for i, v in enumerate([0, 0, 1, 1, 1, 0], start=1)]
    x, y = smoothed(recs, "v", window=2)
    assert smoothed(recs, "v")[1] == pytest.approx([0, 0, 1 / 3, 0.5, 0.6, 0.6])  # the default: at least 5
    assert x == [1, 2, 3, 4, 5, 6] and y == pytest.approx([0, 0, 0.5, 1, 1, 0.5])
    assert smoothed([], "v") == ([], []) and smoothed([{"step": 1.0}], "v") == ([], [])


def test_surprise_stream_shows_ribbon_probabilities_threshold_and_surprises(snap22):
    fig = surprise_stream_figure(snap22.stream, snap22.p_actual, snap22.surprises, snap22.threshold,
                                 snap22.symbol_names, snap22.block_len)
    assert fig.layout.uirevision == UIREVISION and not is_waiting(fig)
    ribbon, prob, marks = fig.data
    assert ribbon.type == "heatmap" and len(ribbon.z[0]) == 42 and ribbon.text[0][0] in ("a", "x")
    assert len(prob.y) == 42
    assert list(marks.x) == list(np.nonzero(snap22.surprises)[0])
    assert any(s.y0 == snap22.threshold for s in fig.layout.shapes)  # the threshold line
    assert sum(1 for s in fig.layout.shapes if s.x0 == 20.5) == 1  # the block boundary


def test_surprise_stream_draws_the_deep_sequence_without_blocks(snap_deep):
    fig = surprise_stream_figure(snap_deep.sequence, snap_deep.p_actual, snap_deep.surprises, snap_deep.threshold,
                                 snap_deep.symbol_names)
    assert len(fig.data[0].z[0]) == 60 and fig.data[0].text[0][1] == "1"
    assert list(fig.data[2].x) == list(snap_deep.event_positions)
    assert len(fig.layout.shapes) == 1


def test_raster_has_positions_as_rows(snap22):
    fig = surprise_raster_figure(snap22.raster, snap22.raster_blocks, snap22.symbol_names)
    heat = fig.data[0]
    assert np.asarray(heat.z).shape == (21, 3) and list(heat.y[:2]) == ["a / x", "b1"] and heat.y[-1] == "b20"
    assert list(heat.x) == [1, 2, 3]


def test_line_figures_from_records():
    recs = records()
    acc = paired_accuracy_figure(recs, [("label_accuracy", "chunker", "#000"), ("label_accuracy_single", "single",
                                                                               "#111")], "Label accuracy")
    assert [t.name for t in acc.data] == ["chunker", "single"] and acc.data[0].y[-1] == 1.0
    assert any("chance" in a.text for a in acc.layout.annotations)
    comp = compressed_length_figure(recs, "surprises_per_block", 21, "Compressed length")
    assert comp.data[0].y[0] == 21 and comp.data[0].y[-1] == 1
    losses = net_losses_figure(recs, [("loss_a", "A", "#000"), ("loss_c", "C", "#111"), ("missing", "X", "#222")])
    assert [t.name for t in losses.data] == ["A", "C"] and losses.layout.yaxis.type == "log"


def test_gradient_depth_and_effective_depth_bars(snap_deep):
    fig = gradient_depth_figure(snap_deep.gradient_by_depth, snap_deep.effective_depth_baseline, 2)
    line = fig.data[0]
    assert line.y[0] == 1.0 and len(line.x) == 59 and fig.layout.yaxis.type == "log"
    assert fig.data[1].name.startswith("chunker")
    zeros = gradient_depth_figure(np.array([2.0, 1.0, 0.0]))
    assert np.isnan(zeros.data[0].y[2])  # underflow is a gap, not log(0)
    bars = effective_depth_figure(1200, 4, 2)
    assert list(bars.data[0].y) == [1199, 4, 2]


@pytest.mark.parametrize("build", [
    lambda: surprise_stream_figure(None, None),
    lambda: surprise_stream_figure(np.array([]), np.array([])),
    lambda: surprise_stream_figure(np.array([0, 2]), None),
    lambda: surprise_raster_figure(None, None),
    lambda: surprise_raster_figure(np.zeros((0, 21)), np.array([])),
    lambda: paired_accuracy_figure([], [("a", "b", "#000")], "t"),
    lambda: compressed_length_figure([], "k", 21, "t"),
    lambda: net_losses_figure([], [("a", "b", "#000")]),
    lambda: gradient_depth_figure(None),
    lambda: gradient_depth_figure(np.zeros(5)),
    lambda: effective_depth_figure(None, None, None),
])
def test_missing_data_waits(build):
    assert is_waiting(build())


def test_nan_values_do_not_break_the_figures():
    recs = [{"step": 1.0, "label_accuracy": float("nan"), "loss_a": float("nan")}]
    assert paired_accuracy_figure(recs, [("label_accuracy", "c", "#000")], "t").data
    assert net_losses_figure(recs, [("loss_a", "A", "#000")]).data
