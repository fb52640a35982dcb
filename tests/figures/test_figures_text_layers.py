"""Layer-kinds figures: memory against the window on log axes, nats against each net's training time."""

from __future__ import annotations

import numpy as np

from fflab.figures import is_waiting
from fflab.figures.ff_text import candidate_figure
from fflab.figures.text_layers import memory_by_window_figure, nats_by_seconds_figure
from fflab.studies.text_layers.snapshot import NatsCurve


def test_memory_against_the_window_one_line_per_net_measured_and_the_training_window_marked():
    fig = memory_by_window_figure([8, 16, 32], {"ff_ssm": [10, 20, 40], "ssm_bptt": [20, 40, 80], "ff_mlp": [5, 5]},
                                  context=16)
    assert [t.name for t in fig.data] == ["FF-SSM", "SSM by BPTT"]  # a net not measured at every length waits
    assert list(fig.data[1].y) == [20, 40, 80] and fig.data[0].line.dash == "solid"
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert fig.layout.shapes[0].x0 == 16
    assert is_waiting(memory_by_window_figure([], {}))


def test_nats_against_training_seconds_or_steps():
    curves = {"ff_mlp": NatsCurve((1.0, 2.0), (50, 100), (3.1, 2.9)), "mlp_bp": NatsCurve()}
    fig = nats_by_seconds_figure(curves)
    assert [t.name for t in fig.data] == ["FF-MLP"] and list(fig.data[0].x) == [1.0, 2.0]
    assert list(nats_by_seconds_figure(curves, x="steps").data[0].x) == [50, 100]
    assert is_waiting(nats_by_seconds_figure({"ff_ssm": NatsCurve()}))


def test_each_candidates_goodness_rides_in_its_hover():
    probability, goodness = np.array([0.1, 0.6, 0.3]), np.array([1.0, 3.0, 2.0])
    fig = candidate_figure(("a", "b", " "), probability, "to be", goodness=goodness)
    assert list(fig.data[0].x) == ["b", "␣", "a"] and list(fig.data[0].customdata) == [3.0, 2.0, 1.0]
    assert "goodness" in fig.data[0].hovertemplate
