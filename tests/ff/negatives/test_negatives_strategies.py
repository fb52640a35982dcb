"""Invariants of every negative strategy, on a synthetic pool where each image is one constant value."""

import pytest
import torch

from fflab.ff.forward_forward.params import FF_PARAMS
from fflab.ff.negatives import NEGATIVE_STRATEGIES, NegativeContext, blurred_masks
from fflab.ff.negatives.race import RACE_PARAMS

SHAPE = (12, 12)
POOL_SIZE = 100


def pool():
    """Image i is constant at i + 1 (so a pixel names its image), class i % 10."""
    ids = torch.arange(POOL_SIZE)
    images = (ids + 1).float().view(-1, 1).repeat(1, SHAPE[0] * SHAPE[1])
    return images, ids % 10


def context(seed=0, scores=None, **knobs):
    images, labels = pool()
    return NegativeContext(10, torch.Generator().manual_seed(seed), SHAPE, knobs=knobs,
                           label_scores=scores or (lambda x: torch.zeros(len(x), 10)),
                           pool_images=images, pool_labels=labels)


def positives(n=60):
    images, labels = pool()
    index = torch.arange(n) % POOL_SIZE
    return images[index], labels[index]


def run(name, n=60, **kwargs):
    x, y = positives(n)
    neg, neg_labels = NEGATIVE_STRATEGIES[name].fn(x, y, context(**kwargs))
    return x, y, neg, neg_labels


def image_id(values):
    """The pool index of a constant image (or of a pixel value)."""
    return values.round().long() - 1


@pytest.mark.parametrize("name", list(NEGATIVE_STRATEGIES))
def test_shapes_dtypes_and_label_range(name):
    x, y, neg, neg_labels = run(name)
    assert neg.shape == x.shape and neg.dtype == x.dtype and neg.device == x.device
    assert neg_labels.shape == y.shape and neg_labels.dtype == torch.long
    assert neg_labels.min() >= 0 and neg_labels.max() < 10
    assert torch.isfinite(neg).all()


@pytest.mark.parametrize("name", list(NEGATIVE_STRATEGIES))
def test_same_generator_seed_same_negatives(name):
    _, _, a, la = run(name, seed=5)
    _, _, b, lb = run(name, seed=5)
    assert torch.equal(a, b) and torch.equal(la, lb)


@pytest.mark.parametrize("name", ["wrong_label", "same_class_diff_img", "hybrid_mix", "noise_augmented", "masked",
                                  "hard_label"])
def test_a_wrong_label_never_equals_the_true_one(name):
    _, y, _, neg_labels = run(name, n=1000)
    assert not (neg_labels == y).any()


def test_random_label_sometimes_keeps_the_true_label():
    _, y, _, neg_labels = run("random_label", n=1000)
    assert 0 < (neg_labels == y).sum() < 300


def test_class_confusion_is_another_class_with_the_positive_label():
    x, y, neg, neg_labels = run("class_confusion", n=500)
    drawn = image_id(neg[:, 0])
    assert torch.equal(neg, pool()[0][drawn])
    assert not (drawn % 10 == y).any()
    assert torch.equal(neg_labels, y)


def test_same_class_diff_img_is_another_image_of_the_same_class():
    x, y, neg, neg_labels = run("same_class_diff_img", n=500)
    drawn = image_id(neg[:, 0])
    assert torch.equal(neg, pool()[0][drawn])
    assert torch.equal(drawn % 10, y)
    assert not (neg == x).all(dim=1).any()
    assert not (neg_labels == y).any()


def test_hybrid_mix_blends_two_classes_with_a_label_that_fits_neither():
    alpha = 0.7
    x, y, neg, neg_labels = run("hybrid_mix", n=500, hybrid_alpha=alpha)
    other_values = (neg - alpha * x) / (1 - alpha)
    assert torch.allclose(other_values, other_values[:, :1].expand_as(other_values), atol=1e-3)
    other_class = image_id(other_values[:, 0]) % 10
    assert not (other_class == y).any()
    assert not (neg_labels == y).any() and not (neg_labels == other_class).any()


def test_noise_augmented_adds_noise_of_the_chosen_size():
    x, _, neg, _ = run("noise_augmented", n=200, noise_sigma=0.5)
    assert abs((neg - x).std().item() - 0.5) < 0.02 and abs((neg - x).mean().item()) < 0.02
    x, _, neg, _ = run("noise_augmented", noise_sigma=0.0)
    assert torch.equal(neg, x)


def test_masked_zeroes_the_chosen_fraction_and_keeps_the_rest():
    x, _, neg, _ = run("masked", n=200, mask_fraction=0.4)
    zeroed = neg == 0
    assert abs(zeroed.float().mean().item() - 0.4) < 0.02
    assert torch.equal(neg[~zeroed], x[~zeroed])


def neighbour_agreement(masks):
    across = (masks[:, :, 1:] == masks[:, :, :-1]).float().mean()
    down = (masks[:, 1:, :] == masks[:, :-1, :]).float().mean()
    return ((across + down) / 2).item()


def test_hinton_masks_are_binary_and_blurred():
    ctx = context()
    smooth = blurred_masks(200, SHAPE, 6, ctx, torch.device("cpu"))
    raw = blurred_masks(200, SHAPE, 0, ctx, torch.device("cpu"))
    assert smooth.shape == (200, *SHAPE)
    assert set(smooth.unique().tolist()) <= {0.0, 1.0}
    assert 0.35 < smooth.mean().item() < 0.65  # about half from each image
    assert abs(neighbour_agreement(raw) - 0.5) < 0.03  # random bits: neighbours agree by chance
    assert neighbour_agreement(smooth) > 0.8  # blurred: regions, not speckle


def test_hinton_hybrid_joins_two_images_of_different_classes_through_the_mask():
    x, y, neg, neg_labels = run("hinton_hybrid", n=300, hinton_blur_steps=6)
    from_positive = neg == x
    other = torch.where(from_positive, torch.nan, neg)
    other_value = torch.nanmean(other, dim=1)
    mixed = (~from_positive).any(dim=1) & from_positive.any(dim=1)
    assert mixed.float().mean() > 0.9  # almost every negative takes pixels from both images
    rows = (~from_positive).any(dim=1)
    rebuilt = torch.where(from_positive, x, other_value[:, None])  # each pixel from x or from one other image
    assert torch.equal(rebuilt[rows], neg[rows])
    assert not (image_id(other_value[rows]) % 10 == y[rows]).any()
    assert torch.equal(neg_labels, y)
    masks = from_positive.view(-1, *SHAPE)[mixed]
    assert neighbour_agreement(masks) > 0.8


def test_hard_label_follows_the_network_scores():
    x, y = positives(2000)
    favourite = (y + 3) % 10

    def scores(images):
        logits = torch.zeros(len(images), 10)
        logits[torch.arange(len(images)), favourite] = 20.0
        return logits

    _, drawn = NEGATIVE_STRATEGIES["hard_label"].fn(x, y, context(scores=scores))
    assert torch.equal(drawn, favourite)

    # in proportion: logits log 3 and log 1 for two labels, the true label the highest of all
    def two_to_one(images):
        logits = torch.full((len(images), 10), -30.0)
        logits[torch.arange(len(images)), y] = 10.0
        logits[torch.arange(len(images)), (y + 1) % 10] = float(torch.log(torch.tensor(3.0)))
        logits[torch.arange(len(images)), (y + 2) % 10] = 0.0
        return logits

    _, drawn = NEGATIVE_STRATEGIES["hard_label"].fn(x, y, context(scores=two_to_one))
    share = (drawn == (y + 1) % 10).float().mean().item()
    assert not (drawn == y).any() and abs(share - 0.75) < 0.04
    assert ((drawn == (y + 1) % 10) | (drawn == (y + 2) % 10)).all()


def test_strategies_say_what_they_need():
    x, y = positives()
    bare = NegativeContext(10, torch.Generator().manual_seed(0))
    for name, strategy in NEGATIVE_STRATEGIES.items():
        assert strategy.help and strategy.fn.__doc__, name
        if strategy.needs:
            with pytest.raises(ValueError, match=name):
                strategy.fn(x, y, bare)
        else:
            strategy.fn(x, y, bare)
    # the old signature still works for those that need nothing more
    _, wrong = NEGATIVE_STRATEGIES["wrong_label"].fn(x, y, 10, torch.Generator().manual_seed(0))
    assert not (wrong == y).any()


def test_choice_lists_follow_the_registry():
    assert FF_PARAMS["negatives"].choices == tuple(NEGATIVE_STRATEGIES)
    assert RACE_PARAMS["strategies"].choices == tuple(NEGATIVE_STRATEGIES)
    assert RACE_PARAMS["strategies"].default == tuple(NEGATIVE_STRATEGIES)
    for strategy in NEGATIVE_STRATEGIES.values():
        for knob in strategy.knobs:
            assert knob in FF_PARAMS and knob in RACE_PARAMS
