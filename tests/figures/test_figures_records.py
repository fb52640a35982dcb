"""downsample, latest and throughput over metric records."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from fflab.figures import downsample, latest, throughput
from fflab.figures.records import evenly, series


def test_downsample_keeps_short_lists_whole_as_a_copy():
    records = [{"step": float(i)} for i in range(10)]
    out = downsample(records, max_points=400)
    assert out == records
    assert out is not records


def test_downsample_bounds_spacing_and_keeps_first_and_last():
    records = [{"step": float(i)} for i in range(10_001)]
    out = downsample(records, max_points=400)
    assert len(out) == 400
    assert out[0] is records[0]
    assert out[-1] is records[-1]
    steps = [r["step"] for r in out]
    gaps = {b - a for a, b in pairwise(steps)}
    assert steps == sorted(steps)
    assert max(gaps) - min(gaps) <= 1  # evenly spaced


@pytest.mark.parametrize("n", [401, 402, 799, 800, 801, 12_345])
def test_downsample_never_exceeds_max_points(n):
    out = downsample([{"i": i} for i in range(n)], max_points=400)
    assert len(out) == 400
    assert out[-1]["i"] == n - 1
    assert len({r["i"] for r in out}) == 400  # no duplicates


def test_downsample_with_key_keeps_every_sparse_record():
    records = [{"step": float(i)} for i in range(50_000)]
    for i in range(0, 50_000, 1000):
        records[i]["test_accuracy"] = i / 50_000
    assert len(downsample(records, 400)) == 400
    sparse = downsample(records, 400, key="test_accuracy")
    assert len(sparse) == 50
    assert all("test_accuracy" in r for r in sparse)


def test_downsample_edge_cases():
    assert downsample([]) == []
    assert downsample([{"a": 1}, {"a": 2}, {"a": 3}], max_points=1) == [{"a": 3}]
    assert downsample([{"a": 1}], key="missing") == []
    with pytest.raises(ValueError):
        downsample([{"a": 1}], max_points=0)


def test_evenly_works_on_any_sequence():
    assert evenly(list(range(10)), 4) == [0, 3, 6, 9]


def test_series_skips_records_without_either_key_and_marks_non_finite_as_nan():
    records = [
        {"step": 1.0, "loss": 0.5},
        {"step": 2.0},
        {"loss": 0.4},
        {"step": 3.0, "loss": math.inf},
        {"step": 4.0, "loss": "bad"},
        {"step": 5.0, "loss": 0.3},
    ]
    x, y = series(records, "loss")
    assert x == [1.0, 3.0, 5.0]
    assert y[0] == 0.5 and math.isnan(y[1]) and y[2] == 0.3


def test_latest_returns_the_last_value_of_a_sparse_key():
    records = [{"step": 1.0, "test_accuracy": 0.5}, {"step": 2.0, "test_accuracy": 0.7}, {"step": 3.0}]
    assert latest(records, "test_accuracy") == 0.7
    assert latest(records, "step") == 3.0
    assert latest(records, "missing") is None
    assert latest([], "step") is None
    assert isinstance(latest([{"n": 3}], "n"), float)


def test_throughput_empty_and_without_timing():
    assert throughput([]) == (0.0, 0.0)
    assert throughput([{"step": 1.0, "samples": 10.0}]) == (0.0, 0.0)
    assert throughput([{"elapsed_s": 3.0}]) == (0.0, 3.0)


def test_throughput_measures_the_recent_window():
    # 100 samples/s for 8 s, then 1000 samples/s for 4 s; one record every 0.1 s
    records, samples = [], 0.0
    for i in range(1, 121):
        t = i * 0.1
        samples += 10.0 if t <= 8.0 + 1e-9 else 100.0
        records.append({"elapsed_s": t, "samples": samples})
    rate, total = throughput(records)
    assert total == pytest.approx(12.0)
    assert rate == pytest.approx(1000.0, rel=0.01)


def test_throughput_is_the_overall_rate_while_the_run_is_young():
    records = [{"elapsed_s": 0.5, "samples": 100.0}, {"elapsed_s": 1.0, "samples": 300.0}]
    rate, total = throughput(records)
    assert total == 1.0
    assert rate == pytest.approx(300.0)


def test_throughput_ignores_records_without_samples():
    records = [{"elapsed_s": float(t), "samples": 50.0 * t} for t in range(1, 11)]
    records.append({"elapsed_s": 10.5, "test_accuracy": 0.9})
    rate, total = throughput(records)
    assert total == 10.5
    assert rate == pytest.approx(50.0)
