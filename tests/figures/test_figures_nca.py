"""The NCA figures from typed inputs: the grids beside the target, the update weights, the final errors."""

import numpy as np

from fflab.figures import is_waiting
from fflab.figures.nca import final_errors_figure, grids_figure, update_weights_figure


def test_the_grids_show_each_rule_then_the_target_and_mark_the_damage():
    grids = np.random.default_rng(0).random((2, 10, 10, 3))
    fig = grids_figure(grids, ["bptt", "ff"], np.ones((10, 10, 3)), [0.02, 0.13], age=12, damage_centre=(4, 5),
                       damage_radius=2.0)
    assert [trace.type for trace in fig.data] == ["image"] * 3
    assert fig.data[0].z.dtype == np.uint8 and fig.data[2].z.max() == 255  # the white target square
    captions = [note.text for note in fig.layout.annotations]
    assert captions == ["bptt (backprop through time) · MSE 0.0200", "FF (layer-local) · MSE 0.1300", "target"]
    assert len(fig.layout.shapes) == 2 and fig.layout.shapes[0].x0 == 3.0  # one disc per grid, not the target
    assert "step 12" in fig.layout.title.text


def test_missing_or_mismatched_data_waits_instead_of_raising():
    assert is_waiting(grids_figure(None, ["bptt"], None))
    assert is_waiting(grids_figure(np.zeros((2, 4, 4, 3)), ["bptt"], np.zeros((4, 4, 3))))  # 2 grids, 1 name
    assert is_waiting(update_weights_figure(None, ["bptt"]))
    assert is_waiting(final_errors_figure({}, ["bptt", "ff"]))


def test_update_weights_share_one_scale_centred_on_zero():
    weights = np.zeros((2, 16, 128))
    weights[1, 3, 7] = -0.5
    fig = update_weights_figure(weights, ["bptt", "ff"])
    assert len(fig.data) == 2 and fig.data[0].zmin == -0.5 and fig.data[1].zmax == 0.5
    assert list(fig.data[0].y[:5]) == ["R", "G", "B", "alpha", "h0"]


def test_final_errors_group_the_four_measurements_by_rule():
    final = {"target_mse_initial.bptt": 0.17, "target_mse.bptt": 0.02, "regrow_mse.bptt": 0.03,
             "persist_mse.bptt": 0.03, "target_mse.ff": 0.13}
    fig = final_errors_figure(final, ["bptt", "ff"])
    assert [trace.name for trace in fig.data] == ["bptt (backprop through time)", "FF (layer-local)"]
    assert list(fig.data[0].y) == [0.17, 0.02, 0.03, 0.03] and np.isnan(fig.data[1].y[0])
