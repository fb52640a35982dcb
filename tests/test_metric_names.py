"""Metric names: made and parsed by one helper, and never changed (saved runs and published numbers use them)."""

from __future__ import annotations

import pytest

from fflab.metric_names import (
    base_of,
    depth_metric,
    depth_of,
    layer_indices,
    layer_metric,
    layer_of,
    metric,
    part_of,
    split_metric,
    total_of,
)


def test_names_keep_their_published_spelling():
    assert layer_metric("loss", 0) == "loss.layer1"
    assert layer_metric("goodness_pos", 1) == "goodness_pos.layer2"
    assert metric("test_accuracy", "wrong_label") == "test_accuracy.wrong_label"
    assert metric("train_seconds", "ff") == "train_seconds.ff"
    assert metric("test_accuracy", "γ=0.3") == "test_accuracy.γ=0.3"
    assert depth_metric("activation_bytes", 3, "ff") == "activation_bytes.ff.depth3"
    assert depth_metric("memory_ratio", 8) == "memory_ratio.depth8"
    assert metric("loss") == "loss"


def test_split_at_the_first_dot_only():
    assert split_metric("loss.layer1") == ("loss", "layer1")
    assert split_metric("loss") == ("loss", None)
    assert split_metric("activation_bytes.ff.depth3") == ("activation_bytes", "ff.depth3")
    assert split_metric("test_accuracy.γ=0.3") == ("test_accuracy", "γ=0.3")
    assert base_of("goodness_neg.layer4") == "goodness_neg" and part_of("head_loss") is None


@pytest.mark.parametrize("name", ["loss.layer1", "test_accuracy.hard_label", "activation_bytes.bp.depth16"])
def test_what_is_built_parses_back(name):
    base, part = split_metric(name)
    assert metric(base, part) == name


def test_layers_count_from_zero_in_code_and_from_one_in_names():
    for index in (0, 1, 9, 11):
        assert layer_of(layer_metric("dead_fraction", index)) == index
    assert layer_of("loss") is None and layer_of("loss.ff") is None and layer_of("loss.layer") is None
    assert layer_of("loss.layer2x") is None


def test_layer_indices_sort_numerically_and_match_the_base_exactly():
    names = {"loss.layer10", "loss.layer2", "loss.layer1", "goodness_pos.layer3", "head_loss", "loss", "loss.ff"}
    assert layer_indices(names, "loss") == [0, 1, 9]
    assert layer_indices(names, "goodness_pos") == [2]
    assert layer_indices(names, "goodness_neg") == []
    assert layer_indices(["goodness_pos_extra.layer1"], "goodness_pos") == []


def test_depths_parse_back():
    assert depth_of(depth_metric("cuda_peak_bytes", 4, "ff_summed")) == 4
    assert depth_of("memory_ratio.depth12") == 12
    assert depth_of("loss.ff") is None and depth_of("depth3") is None


def test_total_sums_a_base_and_its_parts_in_order():
    metrics = {"loss.layer1": 0.5, "goodness_pos.layer1": 3.0, "loss.layer2": 0.25, "head_loss": 9.0}
    assert total_of(metrics, "loss") == 0.75
    assert total_of({"loss": 2.0}, "loss") == 2.0
    assert total_of({"head_loss": 1.0}, "loss") == 0.0
