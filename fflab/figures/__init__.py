"""Pure figure builders: metric records and snapshots in, plotly figures out.

Nothing here imports streamlit; pages call these and hand the figures to `st.plotly_chart`.
Every figure sets a constant `uirevision` (zoom survives redraws) and, when its data is
missing, shows a "waiting for data" note instead of raising.
"""

from fflab.figures.chunker import (
    compressed_length_figure,
    effective_depth_figure,
    gradient_depth_figure,
    net_losses_figure,
    paired_accuracy_figure,
    surprise_raster_figure,
    surprise_stream_figure,
)
from fflab.figures.common import UIREVISION, WAITING_TEXT, is_waiting, waiting_figure
from fflab.figures.cwc import class_goodness_figure
from fflab.figures.dead_units import dead_units_figure
from fflab.figures.dff import centre_distance_figure, centre_margin_figure
from fflab.figures.efficiency import accuracy_vs_time_figure, memory_by_depth_figure, time_ratio_figure
from fflab.figures.fastweights_delay import (
    accuracy_by_delay_figure,
    episode_line_figure,
    episode_vectors_figure,
    fast_weight_animation_figure,
    metric_lines_figure,
    phase_spans,
    recall_figure,
)
from fflab.figures.fastweights_kv import capacity_figure, key_cosine_figure, matrix_figure, retrieval_bars_figure
from fflab.figures.fastweights_srwm import (
    ablation_figure,
    per_task_steps_figure,
    pointer_figure,
    task_matrices_figure,
)
from fflab.figures.forward_forward import (
    accuracy_figure,
    goodness_histogram_figure,
    goodness_means_figure,
    layer_loss_figure,
)
from fflab.figures.images import confusion_figure, examples_figure, weight_grid_figure
from fflab.figures.negatives import (
    RankingRow,
    final_accuracy_figure,
    race_accuracy_figure,
    race_loss_figure,
    race_ranking,
    separation_figure,
    strategy_colour,
    strategy_curves,
)
from fflab.figures.negatives_gallery import negatives_gallery_figure
from fflab.figures.records import downsample, latest, throughput
from fflab.figures.scff import pair_examples_figure
from fflab.figures.transfer import pretraining_figure, transfer_figure

__all__ = [
    "RankingRow",
    "UIREVISION",
    "WAITING_TEXT",
    "ablation_figure",
    "accuracy_by_delay_figure",
    "accuracy_figure",
    "accuracy_vs_time_figure",
    "capacity_figure",
    "centre_distance_figure",
    "centre_margin_figure",
    "class_goodness_figure",
    "compressed_length_figure",
    "confusion_figure",
    "dead_units_figure",
    "downsample",
    "effective_depth_figure",
    "episode_line_figure",
    "episode_vectors_figure",
    "examples_figure",
    "fast_weight_animation_figure",
    "final_accuracy_figure",
    "goodness_histogram_figure",
    "goodness_means_figure",
    "gradient_depth_figure",
    "is_waiting",
    "key_cosine_figure",
    "latest",
    "layer_loss_figure",
    "matrix_figure",
    "memory_by_depth_figure",
    "metric_lines_figure",
    "negatives_gallery_figure",
    "net_losses_figure",
    "paired_accuracy_figure",
    "pair_examples_figure",
    "per_task_steps_figure",
    "phase_spans",
    "pointer_figure",
    "race_accuracy_figure",
    "race_loss_figure",
    "race_ranking",
    "recall_figure",
    "retrieval_bars_figure",
    "separation_figure",
    "strategy_colour",
    "strategy_curves",
    "surprise_raster_figure",
    "surprise_stream_figure",
    "task_matrices_figure",
    "pretraining_figure",
    "throughput",
    "time_ratio_figure",
    "transfer_figure",
    "waiting_figure",
    "weight_grid_figure",
]
