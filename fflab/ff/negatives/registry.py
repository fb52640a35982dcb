"""The registry of negative-data strategies, their common signature and their context.

Every strategy is called as `fn(images, labels, ctx)`: positive images (N, D, before any
label overlay) and their labels in; negative images (N, D, same dtype and device) and the
labels to overlay on them out. The caller overlays the labels. `ctx` is a
`NegativeContext`: the number of classes, the generator every random draw uses, and what
only some strategies need (the image shape, the knobs, a pool of training images, a
callback that scores every label). For compatibility, `fn(images, labels, num_classes,
generator)` still works for the strategies that need nothing more.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import torch

from fflab.params import Param

# The strategies' knobs: declared once, here, and added to the Params of every experiment
# that makes negatives (`ff`, `negatives`). Strategies read them with `ctx.knob(name)`.
NEGATIVE_KNOBS = [
    Param("hybrid_alpha", "float", 0.5, "α of `hybrid_mix`: the negative is α·x + (1 − α)·x2.", low=0.0,
          high=1.0, live=True, group="negatives", applies=("negatives", "hybrid_mix")),
    Param("noise_sigma", "float", 0.3, "σ of the Gaussian noise `noise_augmented` adds, in pixel units after the "
          "`pixels` scaling.", low=0.0, high=5.0, live=True, group="negatives",
          applies=("negatives", "noise_augmented")),
    Param("mask_fraction", "float", 0.3, "The chance that `masked` zeroes each pixel.", low=0.0, high=1.0,
          live=True, group="negatives", applies=("negatives", "masked")),
    Param("hinton_blur_steps", "int", 6, "How many times `hinton_hybrid` blurs its random bits with [1/4, 1/2, 1/4] "
          "across and down before thresholding; more steps, larger regions.", low=0, high=50, unit="steps",
          live=True, group="negatives", applies=("negatives", "hinton_hybrid")),
]
KNOB_DEFAULTS = {p.name: p.default for p in NEGATIVE_KNOBS}

LabelScores = Callable[[torch.Tensor], torch.Tensor]


class NegativePool:
    """Training images and labels that strategies may draw other images from, indexed by class."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, num_classes: int):
        self.images = images
        self.labels = labels
        self.order = torch.argsort(labels, stable=True)
        self.counts = torch.bincount(labels, minlength=num_classes)
        self.starts = torch.cumsum(self.counts, 0) - self.counts

    def draw(self, classes: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """Pool indices: for each entry of `classes`, a uniformly random pool image of that class."""
        classes = classes.to(self.labels.device)
        counts = self.counts[classes]
        if (counts == 0).any():
            missing = sorted(set(classes[counts == 0].tolist()))
            raise ValueError(f"the pool has no image of class {missing[0]}")
        u = torch.rand(classes.shape, generator=gen, device=gen.device).to(self.labels.device)
        offset = torch.minimum((u * counts).long(), counts - 1)
        return self.order[self.starts[classes] + offset]


@dataclass
class NegativeContext:
    """What a strategy may use besides the positives.

    num_classes, generator: always. image_shape: (H, W) of an image, for spatial strategies.
    knobs: the experiment's parameter values (missing knobs take their declared defaults).
    label_scores: images (N, D) -> (N, num_classes) logits, the network's current preference
    for every label (for `hard_label`). pool_images, pool_labels: the training set, for
    strategies that draw other images.
    """

    num_classes: int
    generator: torch.Generator
    image_shape: tuple[int, int] | None = None
    knobs: Mapping[str, Any] = field(default_factory=dict)
    label_scores: LabelScores | None = None
    pool_images: torch.Tensor | None = None
    pool_labels: torch.Tensor | None = None
    _pool: NegativePool | None = field(default=None, init=False, repr=False)

    def with_generator(self, generator: torch.Generator) -> NegativeContext:
        """The same context drawing from another generator (sharing the pool's class index)."""
        copy = replace(self, generator=generator)
        copy._pool = self._pool
        return copy

    def knob(self, name: str) -> Any:
        return self.knobs.get(name, KNOB_DEFAULTS[name])

    def pool(self, who: str) -> NegativePool:
        if self.pool_images is None or self.pool_labels is None:
            raise ValueError(f"{who} draws other training images: give the context pool_images and pool_labels")
        if self._pool is None:
            self._pool = NegativePool(self.pool_images, self.pool_labels, self.num_classes)
        return self._pool


StrategyFn = Callable[[torch.Tensor, torch.Tensor, NegativeContext], tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class NegativeStrategy:
    name: str
    fn: Callable[..., tuple[torch.Tensor, torch.Tensor]]
    help: str
    knobs: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()  # of "pool", "image_shape", "label_scores"


NEGATIVE_STRATEGIES: dict[str, NegativeStrategy] = {}


def negative_strategy(name: str, help: str, knobs: tuple[str, ...] = (), needs: tuple[str, ...] = ()):
    """Register `fn(images, labels, ctx)` under `name`, with a one-line `help`."""

    def wrap(fn: StrategyFn) -> StrategyFn:
        @functools.wraps(fn)
        def call(images: torch.Tensor, labels: torch.Tensor, ctx: NegativeContext | int,
                 generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
            if not isinstance(ctx, NegativeContext):  # the old (images, labels, num_classes, generator) form
                if generator is None:
                    raise TypeError(f"{name}: give a NegativeContext, or num_classes and a generator")
                ctx = NegativeContext(int(ctx), generator)
            return fn(images, labels, ctx)

        NEGATIVE_STRATEGIES[name] = NegativeStrategy(name, call, help, tuple(knobs), tuple(needs))
        return fn

    return wrap


# -- random draws every strategy shares ------------------------------------------
def uniform(shape: tuple[int, ...] | torch.Size, ctx: NegativeContext, device: torch.device) -> torch.Tensor:
    return torch.rand(tuple(shape), generator=ctx.generator, device=ctx.generator.device).to(device)


def random_wrong_labels(labels: torch.Tensor, num_classes: int, gen: torch.Generator) -> torch.Tensor:
    """A uniformly random label different from each true label."""
    offset = torch.randint(1, num_classes, labels.shape, generator=gen, device=gen.device).to(labels.device)
    return (labels + offset) % num_classes


def labels_wrong_for_both(a: torch.Tensor, b: torch.Tensor, num_classes: int, gen: torch.Generator) -> torch.Tensor:
    """A uniformly random label equal to neither `a` nor `b` (which may be equal); needs 3+ classes."""
    if num_classes < 3:
        return random_wrong_labels(a, num_classes, gen)
    u = torch.rand(a.shape, generator=gen, device=gen.device).to(a.device)
    excluded = 1 + (a != b).long()  # how many labels are ruled out
    k = torch.minimum((u * (num_classes - excluded)).long(), num_classes - excluded - 1)  # rank among the allowed
    low, high = torch.minimum(a, b), torch.maximum(a, b)
    k = k + (k >= low).long()  # skip the smaller excluded label, then the larger one
    return k + ((k >= high) & (a != b)).long()
