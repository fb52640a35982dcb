"""Target pictures drawn by code (no download, no font): an emoji-like smiley, a heart, rings, the letter H.

Each is drawn at 4× resolution inside a `size`×`size` square and averaged down (smooth edges), then padded by
`pad` empty cells on every side. The result is (4, H, W) premultiplied RGBA in [0, 1], as the NCA grows it.
Every target covers the centre cell, where the seed sits, and is one connected piece.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

SUPERSAMPLE = 4
Layers = list[tuple[np.ndarray, tuple[float, float, float]]]  # painted in order: (mask, RGB colour)


def _coords(n: int) -> tuple[np.ndarray, np.ndarray]:
    """x to the right and y downwards, both in [-1, 1], at the centres of an n×n raster."""
    axis = (np.arange(n) + 0.5) / n * 2.0 - 1.0
    return np.meshgrid(axis, axis)


def _smiley(x: np.ndarray, y: np.ndarray) -> Layers:
    face = x**2 + y**2 <= 0.92**2
    eyes = ((x + 0.33) ** 2 / 0.11**2 + (y + 0.3) ** 2 / 0.2**2 <= 1) | (
        (x - 0.33) ** 2 / 0.11**2 + (y + 0.3) ** 2 / 0.2**2 <= 1)
    radius = np.hypot(x, y + 0.05)
    mouth = (radius >= 0.45) & (radius <= 0.63) & (y > 0.12)
    return [(face, (1.0, 0.8, 0.1)), (eyes | mouth, (0.35, 0.2, 0.05))]


def _heart(x: np.ndarray, y: np.ndarray) -> Layers:
    u, v = x * 1.25, 0.1 - y * 1.15  # the classic implicit curve (u² + v² − 1)³ − u² v³ ≤ 0, tip down
    body = (u**2 + v**2 - 1) ** 3 - u**2 * v**3 <= 0
    shine = (x + 0.38) ** 2 + (y + 0.28) ** 2 <= 0.12**2
    return [(body, (0.85, 0.1, 0.2)), (shine, (1.0, 0.75, 0.8))]


def _rings(x: np.ndarray, y: np.ndarray) -> Layers:
    radius = np.hypot(x, y)
    return [(radius <= 0.95, (0.1, 0.35, 0.8)), (radius <= 0.68, (1.0, 1.0, 1.0)), (radius <= 0.42, (0.9, 0.2, 0.1)),
            (radius <= 0.16, (1.0, 0.85, 0.1))]


def _letter_h(x: np.ndarray, y: np.ndarray) -> Layers:
    stems = ((np.abs(x + 0.55) <= 0.22) | (np.abs(x - 0.55) <= 0.22)) & (np.abs(y) <= 0.9)
    bar = (np.abs(x) <= 0.6) & (np.abs(y) <= 0.18)
    return [(stems | bar, (0.15, 0.55, 0.3))]


SHAPES: dict[str, Callable[[np.ndarray, np.ndarray], Layers]] = {
    "smiley": _smiley, "heart": _heart, "rings": _rings, "letter-h": _letter_h,
}
SHAPE_HELP = {
    "smiley": "a yellow face with dark eyes and mouth (emoji-like; the default)",
    "heart": "a red heart with a pink highlight",
    "rings": "four concentric rings: the colour depends on the distance from the seed only",
    "letter-h": "a green letter H: thin strokes, joined at the centre by the bar",
}


def draw_target(shape: str, size: int, pad: int) -> torch.Tensor:
    """The (4, size + 2·pad, size + 2·pad) premultiplied RGBA picture of `shape`."""
    if shape not in SHAPES:
        raise ValueError(f"unknown target {shape!r}; one of {', '.join(SHAPES)}")
    fine = size * SUPERSAMPLE
    x, y = _coords(fine)
    rgb = np.zeros((3, fine, fine))
    alpha = np.zeros((fine, fine))
    for mask, colour in SHAPES[shape](x, y):
        rgb[:, mask] = np.asarray(colour)[:, None]
        alpha[mask] = 1.0
    rgba = np.concatenate([rgb * alpha, alpha[None]])  # premultiplied
    rgba = rgba.reshape(4, size, SUPERSAMPLE, size, SUPERSAMPLE).mean(axis=(2, 4))
    rgba = np.pad(rgba, ((0, 0), (pad, pad), (pad, pad)))
    return torch.tensor(rgba, dtype=torch.float32)
