"""SCFF's inputs as pictures: positive pairs (an image with itself) above negative pairs (two images)."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import NEGATIVE, POSITIVE, figure, numeric_array, waiting_figure
from fflab.figures.images import _labels
from fflab.figures.negatives_gallery import GAP, GREYS_AND_GAP, quantise

MAX_PAIRS = 6
PAIR_GAP = 3  # blank pixels between two pairs (one between the halves of a pair)
ROW_HEIGHT = 90
ROW_NAMES = {"positive": "positive (x, x)", "negative": "negative (x, x′)"}


def _pairs(value: Any, image_shape: tuple[int, int] | None = None) -> np.ndarray | None:
    """`value` as a float32 (n, 2, H, W) stack of pairs, or None when there is nothing drawable."""
    arr = numeric_array(value, np.float32)
    if arr is None:
        return None
    if arr.ndim == 3 and image_shape is not None and len(image_shape) == 2:
        h, w = (int(d) for d in image_shape)
        if arr.shape[1] == 2 and arr.shape[2] == h * w:
            arr = arr.reshape(-1, 2, h, w)
    if arr.ndim != 4 or arr.shape[1] != 2 or arr.size == 0:
        return None
    return arr


def pair_examples_figure(
    positive_pairs: ArrayLike | None,
    negative_pairs: ArrayLike | None,
    pair_labels: ArrayLike | None = None,
    partner_labels: ArrayLike | None = None,
    image_shape: tuple[int, int] | None = None,
    max_pairs: int = MAX_PAIRS,
) -> go.Figure:
    """Top row: positive pairs, each image beside itself; bottom row: negative pairs, each image beside a
    different one. This is all SCFF is given. The digits' classes (`pair_labels` of the first images,
    `partner_labels` of the negatives' second) are written in the corner (blue on positives, orange on
    negatives) for the reader only: the network never sees them, and a negative may pair two images of the
    same class. Pairs are (n, 2, H, W), or (n, 2, H·W) with `image_shape`.

    One quantised heatmap for the whole grid (see `negatives_gallery_figure`), so it redraws cheaply.
    """
    title = "What SCFF learns from: positive and negative pairs"
    rows = []
    for kind, given in (("positive", positive_pairs), ("negative", negative_pairs)):
        pairs = _pairs(given, image_shape)
        if pairs is None:
            return waiting_figure(title, "no training step yet")
        rows.append((kind, pairs[:max_pairs]))
    h, w = rows[0][1].shape[2:]
    if rows[1][1].shape[2:] != (h, w):
        return waiting_figure(title, "the images differ in shape")
    first, partner = _labels(pair_labels), _labels(partner_labels)
    columns = max(len(pairs) for _, pairs in rows)
    pair_width = 2 * w + 1
    canvas = np.full((2 * (h + 1) - 1, columns * (pair_width + PAIR_GAP) - PAIR_GAP), np.nan, dtype=np.float32)
    notes = []
    for r, (kind, pairs) in enumerate(rows):
        top = r * (h + 1)
        for j, (left_image, right_image) in enumerate(pairs):
            left = j * (pair_width + PAIR_GAP)
            canvas[top : top + h, left : left + w] = left_image
            canvas[top : top + h, left + w + 1 : left + pair_width] = right_image
            second = first if kind == "positive" else partner
            if j < len(first) and j < len(second):
                notes.append(dict(
                    text=f"{first[j]}·{second[j]}", x=left + pair_width - 0.5, y=top - 0.5, xref="x", yref="y",
                    xanchor="right", yanchor="top", showarrow=False, font=dict(color="white", size=10),
                    bgcolor=POSITIVE if kind == "positive" else NEGATIVE, borderpad=1,
                ))
    finite = canvas[np.isfinite(canvas)]
    zmin, zmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if not zmax > zmin:
        zmax = zmin + 1.0
    heatmap = dict(type="heatmap", z=quantise(canvas, zmin, zmax), colorscale=GREYS_AND_GAP, zmin=0, zmax=GAP,
                   showscale=False, hoverinfo="skip")
    centres = [r * (h + 1) + (h - 1) / 2 for r in range(2)]
    return figure(
        [heatmap], title, height=60 + ROW_HEIGHT * 2, hovermode="closest", annotations=notes,
        margin=dict(l=110, r=10, t=45, b=10),
        xaxis=dict(visible=False, showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(autorange="reversed", scaleanchor="x", scaleratio=1, showgrid=False, zeroline=False,
                   tickvals=centres, ticktext=[ROW_NAMES[kind] for kind, _ in rows], ticks=""),
    )
