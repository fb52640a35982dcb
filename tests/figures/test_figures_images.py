"""Weight grid, examples and confusion matrix; and what every builder promises."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

import fflab.figures
from fflab.ff.forward_forward.snapshot import FFSnapshot
from fflab.figures import (
    UIREVISION,
    accuracy_figure,
    confusion_figure,
    examples_figure,
    goodness_histogram_figure,
    goodness_means_figure,
    is_waiting,
    layer_loss_figure,
    weight_grid_figure,
)

FIGURES_DIR = Path(fflab.figures.__file__).parent


# -- weight grid ---------------------------------------------------------------------------
def test_weight_grid_is_one_heatmap_with_gaps_and_symmetric_tiles(snapshot):
    weights = snapshot.first_layer_weights
    fig = weight_grid_figure(weights, columns=6)
    assert fig.layout.uirevision == UIREVISION
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"
    heat = fig.data[0]
    z = np.asarray(heat.z, dtype=float)
    assert z.shape == (6 * 29 - 1, 6 * 29 - 1)
    assert np.isnan(z[28, :]).all() and np.isnan(z[:, 28]).all()  # 1-pixel gaps
    tile0 = z[:28, :28]
    assert np.nanmax(np.abs(tile0)) == pytest.approx(1.0)
    np.testing.assert_allclose(tile0, weights[0] / np.abs(weights[0]).max(), rtol=1e-5)
    assert (heat.zmin, heat.zmid, heat.zmax) == (-1.0, 0.0, 1.0)
    assert heat.colorscale == go.Heatmap(colorscale="RdBu").colorscale
    assert heat.showscale is False
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.yaxis.scaleanchor == "x"


def test_weight_grid_partial_last_row_and_zero_tiles():
    weights = np.zeros((7, 4, 5))
    weights[1] = 3.0
    z = np.asarray(weight_grid_figure(weights, columns=3).data[0].z, dtype=float)
    assert z.shape == (3 * 5 - 1, 3 * 6 - 1)
    assert np.nanmax(z[:4, 6:11]) == 1.0
    assert np.all(z[:4, :5] == 0.0)  # an all-zero unit stays 0, not NaN
    assert np.isnan(z[10:, 6:]).all()  # empty slots of the last row


def test_weight_grid_accepts_one_image_and_waits_for_none():
    assert len(weight_grid_figure(np.ones((3, 3))).data) == 1
    for weights in (None, np.empty((0, 28, 28)), np.ones(5)):
        fig = weight_grid_figure(weights)
        assert is_waiting(fig) and fig.layout.uirevision == UIREVISION


# -- examples ------------------------------------------------------------------------------
def examples(snapshot: FFSnapshot | None) -> go.Figure:
    """The examples the FF view draws of this snapshot."""
    batch = snapshot.examples if snapshot else None
    if batch is None:
        return examples_figure(None, None, None, None)
    return examples_figure(batch.positive_images, batch.positive_labels, batch.negative_images, batch.negative_labels,
                           snapshot.classifier.image_shape)


def test_examples_two_rows_titled_with_labels(snapshot):
    fig = examples(snapshot)
    assert fig.layout.uirevision == UIREVISION
    assert len(fig.data) == 16
    assert all(t.type == "heatmap" and t.showscale is False for t in fig.data)
    assert fig.data[0].colorscale == go.Heatmap(colorscale="gray").colorscale
    titles = [a.text for a in fig.layout.annotations]
    assert titles[:8] == [f"pos · label {n}" for n in snapshot.examples.positive_labels]
    assert titles[8:] == [f"neg · label {n}" for n in snapshot.examples.negative_labels]
    assert len({(t.xaxis, t.yaxis) for t in fig.data}) == 16  # one subplot each
    top, bottom = fig.layout.yaxis, fig.layout["yaxis9"]
    assert top.domain[0] > bottom.domain[1]  # positives above negatives
    assert top.autorange == "reversed" and top.visible is False
    assert len({t.zmin for t in fig.data}) == 1  # one grey scale for all


def test_examples_caps_count_reshapes_flat_images_and_tolerates_a_missing_row(snapshot):
    batch = snapshot.examples
    fig = examples_figure(np.random.default_rng(1).random((12, 28 * 28)), list(range(10)) + [0, 1], None,
                          batch.negative_labels, (28, 28))
    assert len(fig.data) == 8
    assert np.asarray(fig.data[0].z).shape == (28, 28)


def test_examples_accept_label_arrays(snapshot):
    batch = snapshot.examples
    fig = examples_figure(batch.positive_images, np.array([3, 1, 4, 1, 5, 9, 2, 6]), batch.negative_images,
                          batch.negative_labels)
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == "pos · label 3"


def test_examples_without_labels_still_titles_the_row(snapshot):
    snapshot = replace(snapshot, examples=replace(snapshot.examples, negative_labels=()))
    titles = [a.text for a in examples(snapshot).layout.annotations]
    assert titles[8:] == ["neg"] * 8


def test_examples_wait_for_images():
    assert is_waiting(examples(None))
    for images, labels in ((None, [1, 2]), (np.empty((0, 28, 28)), None)):
        assert is_waiting(examples_figure(images, labels, None, None))


# -- confusion -----------------------------------------------------------------------------
def test_confusion_counts_annotated_rows_true_columns_predicted(snapshot):
    confusion = snapshot.classifier.confusion
    fig = confusion_figure(confusion, snapshot.classifier.class_names)
    assert fig.layout.uirevision == UIREVISION
    assert len(fig.data) == 1
    heat = fig.data[0]
    np.testing.assert_array_equal(np.asarray(heat.z), confusion)
    assert heat.texttemplate == "%{z}"
    assert list(heat.x) == list(heat.y) == list(snapshot.classifier.class_names)
    assert fig.layout.xaxis.title.text == "predicted"
    assert fig.layout.yaxis.title.text == "true"
    assert fig.layout.xaxis.type == fig.layout.yaxis.type == "category"  # "0".."9" stay labels
    assert fig.layout.yaxis.autorange == "reversed"  # first class on top
    accuracy = np.trace(confusion) / confusion.sum()
    assert f"{accuracy:.1%}" in fig.layout.title.text


def test_confusion_falls_back_to_indices_for_mismatched_names():
    fig = confusion_figure(np.eye(3, dtype=int), ["a", "b"])
    assert list(fig.data[0].x) == ["0", "1", "2"]


def test_confusion_waits_before_an_evaluation():
    for confusion in (None, np.zeros((10, 10), dtype=int), np.empty((0, 0)), np.ones((2, 3))):
        assert is_waiting(confusion_figure(confusion, [str(i) for i in range(10)]))


# -- what every builder promises -----------------------------------------------------------
BUILDERS = {  # what the FF view draws from its records and its snapshot (None before the first one)
    "layer_loss": lambda recs, snap: layer_loss_figure(recs),
    "goodness_means": lambda recs, snap: goodness_means_figure(recs, snap.threshold if snap else None),
    "goodness_histogram": lambda recs, snap: goodness_histogram_figure(
        snap.goodness_pos if snap else None, snap.goodness_neg if snap else None,
        snap.marked_threshold if snap else None),
    "accuracy": lambda recs, snap: accuracy_figure({"FF": recs}, chance=0.1),
    "weight_grid": lambda recs, snap: weight_grid_figure(snap.first_layer_weights if snap else None),
    "examples": lambda recs, snap: examples(snap),
    "confusion": lambda recs, snap: confusion_figure(snap.classifier.confusion if snap else None,
                                                     snap.classifier.class_names if snap else []),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_waits_on_empty_input(name):
    fig = BUILDERS[name]([], None)
    assert isinstance(fig, go.Figure)
    assert is_waiting(fig)
    assert fig.layout.uirevision == UIREVISION
    assert fig.layout.title.text  # the placeholder keeps the figure's title
    fig.to_json()


@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_draws_full_data_serialisably(name, records, snapshot):
    fig = BUILDERS[name](records, snapshot)
    assert not is_waiting(fig)
    assert len(fig.data) > 0
    assert fig.layout.uirevision == UIREVISION
    assert 250 <= fig.layout.height <= 350
    assert len(fig.to_json()) < 1_000_000


def test_figures_package_never_imports_streamlit():
    for path in FIGURES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0] == "streamlit" for m in modules), path.name


def test_figure_modules_stay_small():
    for path in FIGURES_DIR.glob("*.py"):
        assert len(path.read_text().splitlines()) < 300, path.name
