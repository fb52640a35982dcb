"""Pure figure builders: metric records and snapshots in, plotly figures out.

Nothing here imports streamlit; pages call these and hand the figures to `st.plotly_chart`.
Every figure sets a constant `uirevision` (zoom survives redraws) and, when its data is
missing, shows a "waiting for data" note instead of raising.
"""

from fflab.figures.common import UIREVISION, WAITING_TEXT, is_waiting, waiting_figure
from fflab.figures.ff import (
    accuracy_figure,
    goodness_histogram_figure,
    goodness_means_figure,
    layer_loss_figure,
)
from fflab.figures.images import confusion_figure, examples_figure, weight_grid_figure
from fflab.figures.records import downsample, latest, throughput

__all__ = [
    "UIREVISION",
    "WAITING_TEXT",
    "accuracy_figure",
    "confusion_figure",
    "downsample",
    "examples_figure",
    "goodness_histogram_figure",
    "goodness_means_figure",
    "is_waiting",
    "latest",
    "layer_loss_figure",
    "throughput",
    "waiting_figure",
    "weight_grid_figure",
]
