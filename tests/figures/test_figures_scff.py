"""SCFF's picture of positive and negative pairs."""

import numpy as np
import pytest

from fflab.figures import UIREVISION, is_waiting, pair_examples_figure
from fflab.figures.negatives_gallery import GAP
from fflab.figures.scff import PAIR_GAP


def pairs_snapshot(n: int = 4, h: int = 5, w: int = 4) -> dict:
    rng = np.random.default_rng(0)
    images = rng.random((n, h, w)).astype(np.float32)
    partners = np.roll(np.arange(n), 1)
    return {
        "positive_pairs": np.stack([images, images], axis=1),
        "negative_pairs": np.stack([images, images[partners]], axis=1),
        "pair_labels": [3, 1, 4, 1][:n],
        "partner_labels": [[3, 1, 4, 1][i] for i in partners],
        "image_shape": (h, w),
    }


def test_positive_pairs_on_top_repeat_their_image_and_negatives_below_do_not():
    snap = pairs_snapshot()
    fig = pair_examples_figure(snap)
    assert fig.layout.uirevision == UIREVISION and not is_waiting(fig)
    assert [t.type for t in fig.data] == ["heatmap"]
    z = np.asarray(fig.data[0].z)
    h, w = 5, 4
    assert z.shape == (2 * h + 1, 4 * (2 * w + 1) + 3 * PAIR_GAP)
    assert (z[h] == GAP).all(), "a blank row between positives and negatives"
    for j in range(4):
        left = j * (2 * w + 1 + PAIR_GAP)
        first, second = z[:h, left : left + w], z[:h, left + w + 1 : left + 2 * w + 1]
        assert np.array_equal(first, second)
        neg_first, neg_second = z[h + 1 :, left : left + w], z[h + 1 :, left + w + 1 : left + 2 * w + 1]
        assert np.array_equal(neg_first, first) and not np.array_equal(neg_first, neg_second)
    assert [a.text for a in fig.layout.annotations] == ["3·3", "1·1", "4·4", "1·1", "3·1", "1·3", "4·1", "1·4"]
    assert list(fig.layout.yaxis.ticktext) == ["positive (x, x)", "negative (x, x′)"]


def test_flat_pairs_are_reshaped_and_missing_labels_leave_no_badges():
    snap = pairs_snapshot()
    for kind in ("positive", "negative"):
        snap[f"{kind}_pairs"] = snap[f"{kind}_pairs"].reshape(4, 2, 20)
    del snap["partner_labels"]
    fig = pair_examples_figure(snap, max_pairs=2)
    assert not is_waiting(fig)
    assert np.asarray(fig.data[0].z).shape == (11, 2 * 9 + PAIR_GAP)
    assert [a.text for a in fig.layout.annotations] == ["3·3", "1·1"]


@pytest.mark.parametrize("snapshot", [
    None, {}, {"positive_pairs": np.ones((2, 2, 3, 3))},
    {"positive_pairs": np.ones((2, 2, 3, 3)), "negative_pairs": np.ones((2, 2, 4, 4))},
    {"positive_pairs": "nonsense", "negative_pairs": np.ones((2, 2, 3, 3))},
    {"positive_pairs": np.ones((2, 3, 3)), "negative_pairs": np.ones((2, 3, 3))},
])
def test_waits_for_two_rows_of_readable_pairs(snapshot):
    assert is_waiting(pair_examples_figure(snapshot))


def test_constant_images_still_draw():
    snap = pairs_snapshot()
    snap["positive_pairs"] = np.zeros_like(snap["positive_pairs"])
    snap["negative_pairs"] = np.full_like(snap["negative_pairs"], np.nan)
    fig = pair_examples_figure(snap)
    assert not is_waiting(fig)
