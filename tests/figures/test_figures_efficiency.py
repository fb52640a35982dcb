"""Efficiency figures: accuracy against time, memory against depth, the time ratio beside the claim."""

from __future__ import annotations

import math

from fflab.figures import accuracy_vs_time_figure, is_waiting, memory_by_depth_figure, time_ratio_figure

EVALUATIONS = {  # (training seconds, test accuracy, samples seen) at each evaluation
    "ff": [(1.0, 0.5, 100.0), (2.0, 0.8, 200.0), (3.0, 0.93, 300.0)],
    "bp": [(0.5, 0.91, 100.0), (1.0, 0.95, 200.0), (1.5, 0.97, 300.0)],
}


def test_accuracy_against_time_one_line_per_algorithm_and_a_star_where_each_reached_the_target():
    fig = accuracy_vs_time_figure(EVALUATIONS, target=0.9, time_to_target={"ff": 3.0, "bp": 0.5})
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["FF", "backprop"]
    assert list(lines[0].x) == [1.0, 2.0, 3.0] and list(lines[1].y) == [0.91, 0.95, 0.97]
    assert list(lines[0].customdata) == [100.0, 200.0, 300.0]
    stars = [t for t in fig.data if t.mode == "markers"]
    assert [(t.x[0], t.y[0]) for t in stars] == [(3.0, 0.93), (0.5, 0.91)]
    assert fig.layout.shapes[0].y0 == 0.9


def test_accuracy_against_time_waits_for_the_first_evaluation():
    assert is_waiting(accuracy_vs_time_figure({"ff": []}))
    assert is_waiting(accuracy_vs_time_figure({}))


def test_memory_against_depth_draws_each_series_measured_and_cuda_dotted():
    fig = memory_by_depth_figure([1, 2, 4], {"ff": [10, 20, 20], "bp": [5, 10, 20], "ff_summed": [10, 30, 70]},
                                 cuda_peak_bytes={"bp": [50, 90, 170]})
    names = [t.name for t in fig.data]
    assert names == ["FF", "backprop", "FF, one backward over all layers", "backprop (CUDA peak)"]
    assert list(fig.data[1].y) == [5, 10, 20] and list(fig.data[0].x) == [1, 2, 4]
    assert fig.data[3].line.dash == "dot"
    assert is_waiting(memory_by_depth_figure([], {"ff": []}))


def test_time_ratio_bars_per_epoch_and_to_target_beside_the_claimed_band():
    fig = time_ratio_figure({"ff": 3.0, "bp": 2.0}, {"ff": 12.0, "bp": 1.0})
    bars = fig.data[0]
    assert list(bars.x) == ["per epoch", "to the target"]
    assert list(bars.y) == [1.5, 12.0]
    band = [s for s in fig.layout.shapes if s.type == "rect"][0]
    assert (band.y0, band.y1) == (30.0, 240.0)
    assert fig.layout.yaxis.range[1] > math.log10(240)
    # a target not reached by one net: only the per-epoch bar
    assert list(time_ratio_figure({"ff": 3.0, "bp": 2.0}, {"bp": 1.0}).data[0].x) == ["per epoch"]
    assert is_waiting(time_ratio_figure({}))
