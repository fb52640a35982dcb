"""Continual's figures: one heatmap per learner with unreached rows blank, and the seen-task accuracy lines."""

import numpy as np

from fflab.figures import is_waiting
from fflab.figures.continual import accuracy_matrix_figure, seen_accuracy_figure


def test_one_heatmap_per_learner_with_rows_not_reached_left_blank() -> None:
    tasks = ("0/1", "2/3", "4/5")
    matrix = np.full((3, 3), np.nan)
    matrix[0] = [0.9, 0.0, 0.0]
    fig = accuracy_matrix_figure({"bp": matrix, "ff": matrix * 0.5}, tasks)
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert list(fig.data[0].x) == ["0/1", "2/3", "4/5"]
    z = [list(row) for row in fig.data[0].z]
    assert z[0] == [0.9, 0.0, 0.0] and z[1] == [None, None, None]
    assert list(fig.data[1].z[0])[0] == 0.45
    assert is_waiting(accuracy_matrix_figure({}, tasks))


def test_seen_accuracy_lines_follow_the_records_and_replay_is_dotted() -> None:
    records = [{"step": 10.0, "seen_accuracy.bp": 0.9, "seen_accuracy.bp_replay": 0.8}, {"step": 11.0},
               {"step": 20.0, "seen_accuracy.bp": 0.5, "seen_accuracy.bp_replay": 0.85}]
    fig = seen_accuracy_figure(records, ("bp", "bp_replay", "ff"))
    assert [t.name for t in fig.data] == ["backprop", "backprop + replay"]
    assert list(fig.data[0].x) == [10.0, 20.0] and fig.data[1].line.dash == "dot"
    assert is_waiting(seen_accuracy_figure([{"step": 1.0}], ("bp",)))
