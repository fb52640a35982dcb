"""SCFF's picture of positive and negative pairs."""

from dataclasses import replace

import numpy as np
import pytest

from fflab.ff.scff.snapshot import PairBatch
from fflab.figures import UIREVISION, is_waiting, pair_examples_figure
from fflab.figures.negatives_gallery import GAP
from fflab.figures.scff import PAIR_GAP


def pair_batch(n: int = 4, h: int = 5, w: int = 4) -> PairBatch:
    rng = np.random.default_rng(0)
    images = rng.random((n, h, w)).astype(np.float32)
    partners = np.roll(np.arange(n), 1)
    return PairBatch(
        positive_pairs=np.stack([images, images], axis=1),
        negative_pairs=np.stack([images, images[partners]], axis=1),
        pair_labels=(3, 1, 4, 1)[:n],
        partner_labels=tuple((3, 1, 4, 1)[i] for i in partners),
    )


def figure_of(pairs: PairBatch, image_shape=(5, 4), **kw):
    """The figure the SCFF view draws of these pairs."""
    return pair_examples_figure(pairs.positive_pairs, pairs.negative_pairs, pairs.pair_labels, pairs.partner_labels,
                                image_shape, **kw)


def test_positive_pairs_on_top_repeat_their_image_and_negatives_below_do_not():
    fig = figure_of(pair_batch())
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
    pairs = pair_batch()
    pairs = replace(pairs, positive_pairs=pairs.positive_pairs.reshape(4, 2, 20),
                    negative_pairs=pairs.negative_pairs.reshape(4, 2, 20), partner_labels=())
    fig = figure_of(pairs, max_pairs=2)
    assert not is_waiting(fig)
    assert np.asarray(fig.data[0].z).shape == (11, 2 * 9 + PAIR_GAP)
    assert [a.text for a in fig.layout.annotations] == ["3·3", "1·1"]


@pytest.mark.parametrize(("positive", "negative"), [
    (None, None), (np.ones((2, 2, 3, 3)), None),
    (np.ones((2, 2, 3, 3)), np.ones((2, 2, 4, 4))),
    ("nonsense", np.ones((2, 2, 3, 3))),
    (np.ones((2, 3, 3)), np.ones((2, 3, 3))),
])
def test_waits_for_two_rows_of_readable_pairs(positive, negative):
    assert is_waiting(pair_examples_figure(positive, negative))


def test_constant_images_still_draw():
    pairs = pair_batch()
    pairs = replace(pairs, positive_pairs=np.zeros_like(pairs.positive_pairs),
                    negative_pairs=np.full_like(pairs.negative_pairs, np.nan))
    fig = figure_of(pairs)
    assert not is_waiting(fig)
