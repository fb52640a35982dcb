"""Negatives that change the image: other images, mixtures, noise, masks, Hinton's hybrids.

The published comparison (koriyoshi2041/ff-negative-samples, `fair_strategy_comparison`)
describes these loosely and implements some of them differently from their names; each
docstring says what fflab does and where it departs from that code. "Another image" is
always drawn from the training pool (`ctx.pool_images`), never only from the batch, so
the strategies behave the same with any batch size.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from fflab.ff.negatives.registry import (
    NegativeContext,
    labels_wrong_for_both,
    negative_strategy,
    random_wrong_labels,
    uniform,
)

_POOL = ("pool",)


def other_class_images(labels: torch.Tensor, ctx: NegativeContext, who: str) -> tuple[torch.Tensor, torch.Tensor]:
    """For each label, a pool image of a different class (the class uniform among the others,
    then the image uniform within it); returns the images and their classes."""
    pool = ctx.pool(who)
    classes = random_wrong_labels(labels, ctx.num_classes, ctx.generator)
    index = pool.draw(classes, ctx.generator)
    return pool.images[index].to(labels.device), classes


@negative_strategy("class_confusion", "A training image of another class carrying the positive's label.",
                   needs=_POOL)
def class_confusion(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """Image: a pool image whose class differs from the positive's (class uniform among the other
    classes, image uniform within it). Label: the positive's own label.

    The published code takes `x[randperm]`, which is of the same class about 1 time in 10,
    so about a tenth of its "negatives" are positives; here the image's class always differs.
    """
    others, _ = other_class_images(labels, ctx, "class_confusion")
    return others.to(images.dtype), labels


@negative_strategy("same_class_diff_img", "Another training image of the same class, with a wrong label.",
                   needs=_POOL)
def same_class_diff_img(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """Image: a pool image of the positive's class that is not pixel-for-pixel the positive itself
    (drawn uniformly within the class, redrawn where it equals the positive). Label: uniformly
    random among the wrong labels.

    The published code takes `x[randperm]` of any class, despite the name; this follows the name.
    """
    pool = ctx.pool("same_class_diff_img")
    index = pool.draw(labels, ctx.generator)
    for _ in range(64):
        same = (pool.images[index].to(images.device) == images).all(dim=1)
        if not same.any():
            break
        index[same.to(index.device)] = pool.draw(labels[same], ctx.generator)
    else:
        raise ValueError("same_class_diff_img: a class in the pool has only one distinct image")
    return pool.images[index].to(images.device, images.dtype), random_wrong_labels(labels, ctx.num_classes,
                                                                                  ctx.generator)


@negative_strategy("hybrid_mix", "α·x + (1 − α)·x2, x2 an image of another class, with a label that fits neither.",
                   knobs=("hybrid_alpha",), needs=_POOL)
def hybrid_mix(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """Image: `α·x + (1 − α)·x2` with x the positive and x2 a pool image of a different class, α =
    `hybrid_alpha` (0.5 as published). Label: uniformly random among the labels that are neither
    x's class nor x2's, so that the label does not fit either half of the blend.

    The published code blends with `x[randperm]` (sometimes the same class) and draws a label
    wrong for x only, which is x2's own class about 1 time in 9.
    """
    others, other_classes = other_class_images(labels, ctx, "hybrid_mix")
    alpha = float(ctx.knob("hybrid_alpha"))
    mixed = alpha * images + (1.0 - alpha) * others.to(images.dtype)
    return mixed, labels_wrong_for_both(labels, other_classes, ctx.num_classes, ctx.generator)


@negative_strategy("noise_augmented", "x plus Gaussian noise of standard deviation σ, with a wrong label.",
                   knobs=("noise_sigma",))
def noise_augmented(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """Image: `x + σ·ε`, ε standard normal per pixel, σ = `noise_sigma` (0.3 as published), in the
    units of the pixels after the experiment's `pixels` scaling, not clipped. Label: uniformly random
    among the wrong labels."""
    noise = torch.randn(images.shape, generator=ctx.generator, device=ctx.generator.device).to(images.device)
    noisy = images + float(ctx.knob("noise_sigma")) * noise.to(images.dtype)
    return noisy, random_wrong_labels(labels, ctx.num_classes, ctx.generator)


@negative_strategy("masked", "x with each pixel zeroed with chance `mask_fraction`, with a wrong label.",
                   knobs=("mask_fraction",))
def masked(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """Image: x with each pixel independently set to 0 with probability `mask_fraction` (0.3 as
    published; so the fraction zeroed varies from image to image). 0 is the value in the experiment's
    pixel scaling: black for `unit` pixels, the mean for `standardize`. Label: uniformly random among
    the wrong labels. This is the published per-pixel mask, not Hinton's blurred mask (`hinton_hybrid`)."""
    keep = uniform(images.shape, ctx, images.device) >= float(ctx.knob("mask_fraction"))
    return images * keep.to(images.dtype), random_wrong_labels(labels, ctx.num_classes, ctx.generator)


def blurred_masks(count: int, shape: tuple[int, int], steps: int, ctx: NegativeContext,
                  device: torch.device) -> torch.Tensor:
    """Hinton's masks, (count, H, W) of 0.0 and 1.0: random bits (each 1 with chance 1/2), blurred
    `steps` times with [1/4, 1/2, 1/4] along the rows and then down the columns (edges repeat
    their border pixel), then 1 where the blurred value is above 0.5."""
    h, w = shape
    values = (uniform((count, 1, h, w), ctx, device) < 0.5).float()
    for _ in range(steps):
        padded = F.pad(values, (1, 1, 0, 0), mode="replicate")
        values = 0.25 * padded[..., :-2] + 0.5 * padded[..., 1:-1] + 0.25 * padded[..., 2:]
        padded = F.pad(values, (0, 0, 1, 1), mode="replicate")
        values = 0.25 * padded[..., :-2, :] + 0.5 * padded[..., 1:-1, :] + 0.25 * padded[..., 2:, :]
    return (values > 0.5).float().reshape(count, h, w)


@negative_strategy(
    "hinton_hybrid",
    "Hinton's hybrid: x and an image of another class joined through a blurred random mask, with x's label.",
    knobs=("hinton_blur_steps",), needs=("pool", "image_shape"),
)
def hinton_hybrid(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext):
    """Image: `m·x + (1 − m)·x2`, x the positive, x2 a pool image of a different class, m a fresh
    binary mask per negative from `blurred_masks` with `hinton_blur_steps` blurs (Hinton 2022, §3.2,
    does not give the count; 6 makes regions a few pixels across on 28x28). Label: the positive's.

    Hinton made these hybrids for unsupervised FF, where negatives carry no label. With a label,
    fflab gives the positive's: the image then looks locally like its label in some regions but not
    as a whole, which keeps the point of the hybrids (negatives that differ in long-range shape)."""
    if ctx.image_shape is None:
        raise ValueError("hinton_hybrid needs the image shape: give the context image_shape")
    others, _ = other_class_images(labels, ctx, "hinton_hybrid")
    mask = blurred_masks(len(images), ctx.image_shape, int(ctx.knob("hinton_blur_steps")), ctx, images.device)
    mask = mask.reshape(len(images), -1).to(images.dtype)
    return mask * images + (1.0 - mask) * others.to(images.dtype), labels
