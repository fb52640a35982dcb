"""The negatives gallery: a row of positives, and under each the negative every strategy made from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from fflab.figures.common import NEGATIVE, POSITIVE, figure, waiting_figure
from fflab.figures.images import _images, _labels

GALLERY_EXAMPLES = 6
ROW_HEIGHT = 80
GAP = 255  # the quantised value of the gaps between images; 0..254 are grey levels
GREYS_AND_GAP = [[0.0, "#000000"], [254 / 255, "#ffffff"], [254.5 / 255, "rgba(0,0,0,0)"], [1.0, "rgba(0,0,0,0)"]]


def quantise(canvas: np.ndarray, low: float, high: float) -> np.ndarray:
    """`canvas` as uint8 grey levels: `low`..`high` to 0..254 (clipped); NaN (the gaps) to GAP."""
    levels = np.clip((np.nan_to_num(canvas, nan=low) - low) / (high - low), 0.0, 1.0) * (GAP - 1)
    return np.where(np.isnan(canvas), GAP, np.rint(levels)).astype(np.uint8)


def _row_labels(labels: ArrayLike | None, count: int) -> list[int | None]:
    """`count` labels, None where there is none."""
    labels = _labels(labels)
    return [labels[j] if j < len(labels) else None for j in range(count)]


def negatives_gallery_figure(
    positive_images: ArrayLike | None,
    positive_labels: ArrayLike | None,
    negative_images: Mapping[str, ArrayLike],
    negative_labels: Mapping[str, ArrayLike],
    strategies: Sequence[str],
    image_shape: tuple[int, int] | None = None,
    max_examples: int = GALLERY_EXAMPLES,
) -> go.Figure:
    """Column j: positive j on top, and below it, one row per strategy, the negative made from it.

    Every contestant trains on the same positive batch, so the top row is shared; `negative_images`
    and `negative_labels` hold each strategy's, by name (a strategy without images is left out).
    Images are (n, H, W), or (n, H·W) with `image_shape`. The label
    overlaid on each image (its first pixels) is written in its corner: blue on positives,
    orange on negatives. One heatmap for the whole grid (1-pixel gaps), its pixels quantised to
    254 grey levels of the positives' range (noise beyond it saturates), so that nine rows of
    MNIST images redraw a few times a second in about 100 kB.
    """
    title = "Negatives gallery (label overlaid, in the corner)"
    rows: list[tuple[str, str, np.ndarray, list[int | None]]] = []
    positives = _images(positive_images, image_shape)
    if positives is not None:
        positives = positives[:max_examples]
        rows.append(("positive", "positive", positives, _row_labels(positive_labels, len(positives))))
        for name in strategies:
            images = _images(negative_images.get(name), image_shape)
            if images is not None:
                images = images[:max_examples]
                rows.append((name, "negative", images, _row_labels(negative_labels.get(name), len(images))))
    if len(rows) < 2:
        return waiting_figure(title, "no training step yet")
    h, w = rows[0][2].shape[1:]
    if any(images.shape[1:] != (h, w) for _, _, images, _ in rows):
        return waiting_figure(title, "the images differ in shape")
    columns = max(len(images) for _, _, images, _ in rows)
    canvas = np.full((len(rows) * (h + 1) - 1, columns * (w + 1) - 1), np.nan, dtype=np.float32)
    notes = []
    for r, (_, kind, images, labels) in enumerate(rows):
        top = r * (h + 1)
        for j, image in enumerate(images):
            left = j * (w + 1)
            canvas[top : top + h, left : left + w] = image
            if labels[j] is not None:
                notes.append(dict(
                    text=str(labels[j]), x=left + w - 0.5, y=top - 0.5, xref="x", yref="y", xanchor="right",
                    yanchor="top", showarrow=False, font=dict(color="white", size=10),
                    bgcolor=POSITIVE if kind == "positive" else NEGATIVE, borderpad=1,
                ))
    finite = rows[0][2][np.isfinite(rows[0][2])]
    zmin, zmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if not zmax > zmin:
        zmax = zmin + 1.0
    heatmap = dict(type="heatmap", z=quantise(canvas, zmin, zmax), colorscale=GREYS_AND_GAP, zmin=0, zmax=GAP,
                   showscale=False, hoverinfo="skip")
    centres = [r * (h + 1) + (h - 1) / 2 for r in range(len(rows))]
    return figure(
        [heatmap], title, height=60 + ROW_HEIGHT * len(rows), hovermode="closest", annotations=notes,
        margin=dict(l=150, r=10, t=45, b=10),
        xaxis=dict(visible=False, showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(autorange="reversed", scaleanchor="x", scaleratio=1, showgrid=False, zeroline=False,
                   tickvals=centres, ticktext=[name for name, _, _, _ in rows], ticks=""),
    )
