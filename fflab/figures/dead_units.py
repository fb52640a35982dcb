"""Dead units of a Forward-Forward run: the share of each layer's units that never fire, by step."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from fflab.figures.common import figure, layer_colour, waiting_figure
from fflab.figures.records import MAX_POINTS, all_keys, series
from fflab.metric_names import layer_indices, layer_metric

DEAD_KEY = "dead_fraction"


def dead_units_figure(records: Sequence[dict]) -> go.Figure:
    """One line per layer of `dead_fraction.layerN` (in %) against training step, from 0 to 100%.

    A unit counts as dead when it outputs exactly zero for every held-out evaluation image under
    every candidate label; the experiment logs the share at each evaluation.
    """
    title = "Dead units per layer"
    layers = layer_indices(all_keys(records), DEAD_KEY)
    traces = []
    for i, index in enumerate(layers):
        x, y = series(records, layer_metric(DEAD_KEY, index), "step", MAX_POINTS)
        if x:
            traces.append(dict(type="scatter", x=x, y=[v * 100 for v in y], name=f"layer {index + 1}",
                               mode="lines+markers",
                               line=dict(color=layer_colour(i), width=2), marker=dict(size=5),
                               hovertemplate="%{y:.1f}%"))
    if not traces:
        return waiting_figure(title, "dead units are counted at each evaluation")
    return figure(traces, title, "training step (batches)", "dead units (% of the layer)",
                  yaxis=dict(range=[-2, 102], ticksuffix="%"))
