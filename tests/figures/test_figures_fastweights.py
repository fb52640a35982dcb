"""Figures of the fast-weight experiments, built from real (tiny) snapshots and from arrays and records shaped
like theirs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fflab.fastweights.delay import DelaySnapshot, FastWeightsDelay
from fflab.fastweights.kv import FastWeightsKV, KVSnapshot
from fflab.fastweights.srwm import SelfReferentialWeightMatrix, SRWMSnapshot
from fflab.figures import (
    UIREVISION,
    ablation_figure,
    accuracy_by_delay_figure,
    capacity_figure,
    episode_line_figure,
    episode_vectors_figure,
    fast_weight_animation_figure,
    is_waiting,
    key_cosine_figure,
    matrix_figure,
    metric_lines_figure,
    per_task_steps_figure,
    phase_spans,
    pointer_figure,
    recall_figure,
    retrieval_bars_figure,
    task_matrices_figure,
)
from tests.training import advance, torch_threads

PHASE = ["store"] + ["distractor"] * 5 + ["recall"]
TASKS = ["AND", "OR", "XOR", "NAND"]
SRWM_PHASE = ["demo"] * 4 + ["query"] * 4


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def snapshot_of(cls, **overrides):
    with torch_threads(1):
        exp = cls(cls.resolve_params("reference", overrides), seed=0)
        advance(exp, 2)
        return exp.snapshot()


def test_a_delay_snapshot_draws_every_figure_of_its_view():
    snap = snapshot_of(FastWeightsDelay, steps=2, show_delay=5)
    assert isinstance(snap, DelaySnapshot)
    fig = fast_weight_animation_figure(snap.fast_weights, snap.fast_weight_steps, snap.phase)
    assert len(fig.frames) == 7 and "step 6 (recall)" in fig.layout.title.text
    vectors = episode_vectors_figure({"key k": snap.keys, "value v": snap.values, "query q": snap.queries,
                                      "read-out W_fast q": snap.readout}, snap.phase)
    assert len(vectors.data) == 4
    for fig in (episode_line_figure(snap.fast_weight_norm, snap.phase, "norm", "norm", "norm"),
                episode_line_figure(snap.gate, snap.phase, "gate", "g", "g"), recall_figure(snap.output, snap.target)):
        assert not is_waiting(fig)
    assert is_waiting(accuracy_by_delay_figure(snap.test_delays, snap.accuracy_by_delay, snap.train_delays))


def test_a_kv_snapshot_draws_every_figure_of_its_view():
    snap = snapshot_of(FastWeightsKV, steps=200)
    assert isinstance(snap, KVSnapshot)
    assert len(key_cosine_figure(snap.key_cosine_before, snap.key_cosine_after).data) == 2
    assert len(retrieval_bars_figure(snap.retrieval_cosine_before, snap.retrieval_cosine_after).data) == 2
    capacity = capacity_figure(snap.capacity_pairs, snap.capacity_cosine_by_rule, snap.capacity_cosine_untrained, 5,
                               snap.rule)
    assert len(capacity.data) == 4
    assert len(fast_weight_animation_figure(snap.fast_weights_each_write, None, None).frames) == 5
    for fig in (matrix_figure(snap.key_projection, "W_K", "in", "out"),
                episode_line_figure(snap.fast_weight_norm, None, "norm", "norm", "norm"),
                episode_vectors_figure({"written key W_K k": snap.written_keys, "value v": snap.values})):
        assert not is_waiting(fig)


def test_an_srwm_snapshot_draws_every_figure_of_its_view():
    snap = snapshot_of(SelfReferentialWeightMatrix, episodes=2, eval_every=0)
    assert isinstance(snap, SRWMSnapshot)
    assert len(task_matrices_figure(snap.fast_weights_after_demo, snap.tasks).data) == 4
    assert len(pointer_figure(snap.row_pointer, snap.col_pointer, snap.tasks, snap.phase).data) == 8
    assert len(fast_weight_animation_figure(snap.fast_weights[2], None, snap.phase).frames) == 8
    assert len(per_task_steps_figure(snap.write_strength, snap.tasks, snap.phase, "w", "w").data) == 4
    assert len(per_task_steps_figure(snap.prediction, snap.tasks, snap.phase, "p", "p", snap.targets).data) == 8


def test_phase_spans_group_equal_neighbours():
    assert phase_spans(PHASE) == [("store", 0, 0), ("distractor", 1, 5), ("recall", 6, 6)]
    assert phase_spans(SRWM_PHASE) == [("demo", 0, 3), ("query", 4, 7)]
    assert phase_spans([]) == []


def test_animation_has_a_frame_and_a_slider_step_per_step_on_one_fixed_scale(rng):
    fast = np.cumsum(rng.normal(size=(7, 4, 8)), axis=0)
    fig = fast_weight_animation_figure(fast, None, PHASE)
    assert fig.layout.uirevision == UIREVISION
    assert [f.name for f in fig.frames] == [str(t) for t in range(7)]
    np.testing.assert_allclose(fig.frames[3].data[0].z, fast[3])
    slider = fig.layout.sliders[0]
    assert len(slider.steps) == 7 and slider.active == 6  # opens on the memory the episode leaves
    assert list(slider.steps[2].args[0]) == ["2"] and slider.steps[2].method == "animate"
    assert [b.label for b in fig.layout.updatemenus[0].buttons][0].endswith("Play")
    limit = np.abs(fast).max()
    assert fig.data[0].zmin == -limit and fig.data[0].zmax == limit  # every frame on the same scale
    np.testing.assert_allclose(fig.data[0].z, fast[-1])
    assert "step 6 (recall)" in fig.layout.title.text
    assert "step 0 (store)" in fig.frames[0].layout.title.text


def test_animation_of_subsampled_steps_names_frames_by_their_step(rng):
    fig = fast_weight_animation_figure(rng.normal(size=(3, 2, 2)), [0, 50, 99], None, step_name="after write")
    assert [f.name for f in fig.frames] == ["0", "50", "99"]
    assert fig.layout.sliders[0].currentvalue.prefix.startswith("after write")


@pytest.mark.parametrize("bad", [None, [], np.zeros((4, 4)), "text"])
def test_animation_waits_for_data(bad):
    assert is_waiting(fast_weight_animation_figure(bad))


def test_episode_line_shades_each_phase_and_keeps_nan_as_a_gap():
    gate = np.array([0.9, 0.01, 0.02, math.nan, 0.01, 0.0, 0.1])
    fig = episode_line_figure(gate, PHASE, "Write gate", "g", "g", y_range=(0, 1))
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(r.x0, r.x1) for r in rects] == [(-0.5, 0.5), (0.5, 5.5), (5.5, 6.5)]
    assert [a.text for a in fig.layout.annotations] == ["store", "distractor", "recall"]
    assert len(fig.data[0].y) == 7 and math.isnan(fig.data[0].y[3])
    assert list(fig.layout.yaxis.range) == [0, 1]
    assert is_waiting(episode_line_figure(None, PHASE, "Write gate", "g", "g"))


def test_episode_vectors_stack_one_heatmap_per_array_units_by_steps(rng):
    keys, values = rng.normal(size=(7, 8)), rng.normal(size=(7, 4))
    fig = episode_vectors_figure({"key k": keys, "value v": values, "query q": None}, PHASE)
    assert len(fig.data) == 2  # a missing array is left out
    np.testing.assert_allclose(fig.data[1].z, values.T)
    assert fig.data[0].yaxis == "y" and fig.data[1].yaxis == "y2"
    assert fig.layout.yaxis.domain[0] > fig.layout.yaxis2.domain[1]  # stacked, first on top, no overlap
    boundaries = sorted({s.x0 for s in fig.layout.shapes})
    assert boundaries == [0.5, 5.5]  # dotted lines where the phase changes
    assert is_waiting(episode_vectors_figure({"key k": None}))


def test_recall_counts_bits_with_the_right_sign():
    fig = recall_figure([0.8, -0.2, 0.1, 0.4], [1, -1, -1, 1])
    assert "3 of 4 bits right" in fig.layout.title.text
    assert [t.name for t in fig.data] == ["target", "read-out W_fast q"]
    assert is_waiting(recall_figure([0.1, 0.2], [1, 1, 1]))


def test_accuracy_by_delay_shades_the_training_range():
    fig = accuracy_by_delay_figure([3, 4, 5, 6], [1.0, 1.0, 0.9, 0.8], (3, 4))
    (rect,) = fig.layout.shapes
    assert (rect.x0, rect.x1) == (2.5, 4.5)
    assert is_waiting(accuracy_by_delay_figure([], [], (3, 4)))


def test_metric_lines_draw_each_logged_key_as_percent_when_asked():
    records = [{"step": float(i), "loss": 1 / i, **({"acc": 0.5} if i % 2 else {})} for i in range(1, 11)]
    fig = metric_lines_figure(records, [("acc", "accuracy"), ("missing", "never logged")], "Acc", percent=True)
    assert [t.name for t in fig.data] == ["accuracy"] and list(fig.data[0].x) == [1, 3, 5, 7, 9]
    assert fig.layout.yaxis.tickformat == ".0%"
    assert is_waiting(metric_lines_figure([], [("loss", "loss")], "Loss"))


def test_key_cosines_side_by_side_on_minus_one_to_one(rng):
    before = np.full((5, 5), 0.9) + 0.1 * np.eye(5)
    after = np.eye(5)
    fig = key_cosine_figure(before, after)
    assert len(fig.data) == 2 and all(t.zmin == -1 and t.zmax == 1 for t in fig.data)
    texts = [a.text for a in fig.layout.annotations]
    assert "mean off-diagonal 0.90" in texts[0] and "mean off-diagonal 0.00" in texts[1]
    assert is_waiting(key_cosine_figure(None, None))


def test_matrix_figure_is_centred_on_zero(rng):
    w = rng.normal(size=(8, 8))
    fig = matrix_figure(w, "W_K", "in", "out")
    assert fig.data[0].zmid == 0 and fig.data[0].zmax == -fig.data[0].zmin == np.abs(w).max()
    assert is_waiting(matrix_figure(None, "W_K", "in", "out"))


def test_retrieval_bars_name_their_means():
    fig = retrieval_bars_figure([0.2, 0.4], [0.9, 0.7])
    assert [t.name for t in fig.data] == ["before (W_K = I): mean 0.30", "now (trained W_K): mean 0.80"]
    assert is_waiting(retrieval_bars_figure(None, None))


def test_capacity_has_a_solid_and_a_dotted_line_per_rule_and_marks_the_trained_n():
    pairs = list(range(1, 13))
    down = [1 - n / 20 for n in pairs]
    fig = capacity_figure(pairs, {"sum": down, "delta": down}, {"sum": down, "delta": down[:5]}, 5, "sum")
    assert [(t.name, t.line.dash) for t in fig.data] == [
        ("sum rule, trained W_K", "solid"), ("delta rule, trained W_K", "solid"), ("sum rule, W_K = I", "dot")]
    assert fig.layout.shapes[0].x0 == 5 and "N = 5 (sum rule)" in fig.layout.annotations[0].text
    assert is_waiting(capacity_figure(pairs, None))


def test_task_matrices_share_one_scale_and_name_each_task(rng):
    mats = rng.normal(size=(4, 6, 6))
    fig = task_matrices_figure(mats, TASKS)
    assert len(fig.data) == 4 and len({(t.zmin, t.zmax) for t in fig.data}) == 1
    assert [a.text.split(":")[0] for a in fig.layout.annotations] == TASKS
    assert sum(bool(t.showscale) for t in fig.data) == 1
    assert is_waiting(task_matrices_figure(None, TASKS))


def test_pointers_draw_rows_above_columns_per_task(rng):
    row = rng.dirichlet(np.ones(6), size=(4, 8))
    fig = pointer_figure(row, row[:, :, ::-1], TASKS, SRWM_PHASE)
    assert len(fig.data) == 8
    np.testing.assert_allclose(fig.data[0].z, row[0].T)  # units down, steps across
    assert all(t.zmin == 0 and t.zmax == 1 for t in fig.data)
    assert {s.x0 for s in fig.layout.shapes} == {3.5}  # the demo/query boundary in every panel
    assert is_waiting(pointer_figure(row, None, TASKS, SRWM_PHASE))


def test_per_task_steps_with_labels_as_markers(rng):
    pred, labels = rng.random((4, 8)), (rng.random((4, 8)) > 0.5).astype(float)
    fig = per_task_steps_figure(pred, TASKS, SRWM_PHASE, "P(label)", "p", labels)
    assert [t.name for t in fig.data if t.showlegend is not False] == TASKS
    assert len(fig.data) == 8 and fig.data[1].mode == "markers"
    assert len([s for s in fig.layout.shapes if s.type == "rect"]) == 2


def test_ablation_bars_and_the_task_blind_line():
    fig = ablation_figure({"overall": 0.99, "AND": 1.0, "OR": None}, 0.6, "end of run")
    assert list(fig.data[0].x) == ["overall", "AND"] and list(fig.data[1].y) == [0.6]
    assert fig.layout.shapes[0].y0 == pytest.approx(11 / 16)
    assert is_waiting(ablation_figure({"overall": None}, None, "last evaluation"))


def test_episode_line_from_zero_shows_a_steady_norm_as_flat():
    fig = episode_line_figure([1.33, 1.331, 1.332], None, "‖W_fast‖", "norm", "norm", from_zero=True)
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.range[1] == pytest.approx(1.332 * 1.08)
