"""`continual`: GEM's measures by hand, the reservoir, and a tiny stream where forgetting shows."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from fflab.studies.continual.experiment import Continual, ContinualSnapshot
from fflab.studies.continual.measures import Reservoir, average_accuracy, backward_transfer, forgetting
from tests.training import advance


def test_gem_measures_by_hand() -> None:
    r = np.array([[0.9, 0.0, 0.0],
                  [0.5, 0.8, 0.0],
                  [0.3, 0.6, 0.7]])
    assert math.isclose(average_accuracy(r), (0.3 + 0.6 + 0.7) / 3)
    assert math.isclose(backward_transfer(r), ((0.3 - 0.9) + (0.6 - 0.8)) / 2)
    assert math.isclose(forgetting(r), ((0.9 - 0.3) + (0.8 - 0.6)) / 2)
    assert math.isnan(forgetting(r[:1, :1]))


def test_the_reservoir_keeps_a_uniform_sample_of_the_stream() -> None:
    gen = torch.Generator().manual_seed(0)
    kept = np.zeros(1000)
    for _ in range(200):
        buffer = Reservoir(50, (1,), torch.device("cpu"), gen)
        for start in range(0, 1000, 100):
            ids = torch.arange(start, start + 100)
            buffer.add(ids[:, None].float(), ids)
        assert len(buffer) == 50 and buffer.seen == 1000
        kept[buffer.labels.numpy()] += 1
    early, late = kept[:500].sum(), kept[500:].sum()
    assert abs(early - late) / (early + late) < 0.08, (early, late)  # each example equally likely: 5% each


@pytest.fixture(scope="module")
def finished() -> Continual:
    params = Continual.resolve_params("split-digits", {"steps_per_task": 60, "hidden": (64,), "eval_every": 30,
                                                       "methods": ("bp", "bp_replay", "joint", "ff")})
    torch.set_num_threads(1)
    exp = Continual(params, seed=0)
    advance(exp)
    return exp


def test_fine_tuning_forgets_and_replay_and_joint_training_do_not(finished: Continual) -> None:
    final = finished.final_metrics()
    assert final["tasks_done"] == 5
    assert final["forgetting.bp"] > 0.8, final  # the single head forgets every old task
    assert final["forgetting.bp_replay"] < final["forgetting.bp"] - 0.3, final
    assert final["average_accuracy.joint"] > final["average_accuracy.bp_replay"] > final["average_accuracy.bp"]
    assert final["average_accuracy.joint"] > 0.85, final


def test_the_matrix_fills_row_by_row(finished: Continual) -> None:
    snap = finished.snapshot()
    assert isinstance(snap, ContinualSnapshot) and snap.tasks == ((0, 1), (2, 3), (4, 5), (6, 7), (8, 9))
    for method, matrix in snap.matrices.items():
        assert matrix.shape == (5, 5) and not np.isnan(matrix).any(), method
    bp = snap.matrices["bp"]
    assert np.diag(bp).mean() > 0.8 and (np.tril(bp, -1) < 0.05).all(), bp  # learnt on the diagonal, then lost


def test_a_stopped_stream_reports_only_the_tasks_it_reached() -> None:
    params = Continual.resolve_params("split-digits", {"steps_per_task": 10, "hidden": (16,),
                                                       "methods": ("bp",)})
    exp = Continual(params, seed=1)
    advance(exp, 25)
    final = exp.final_metrics()
    assert final["tasks_done"] == 2 and "average_accuracy.bp" in final
    assert np.isnan(exp.snapshot().matrices["bp"][2:]).all()


def test_permuted_tasks_shuffle_the_pixels_once_per_task_and_keep_every_class() -> None:
    params = Continual.resolve_params("permuted-digits", {"tasks": 3, "hidden": (16,), "methods": ("bp",)})
    exp = Continual(params, seed=0)
    perms = exp.permutations
    assert perms is not None and perms.shape == (3, 64)
    assert torch.equal(perms[0], torch.arange(64))  # the first task sees the digits as they are
    assert all(torch.equal(p.sort().values, torch.arange(64)) for p in perms)
    assert not torch.equal(perms[1], perms[2]) and not torch.equal(perms[1], perms[0])
    assert torch.equal(Continual(params, seed=0).permutations, perms)  # drawn from the seed
    assert exp.tasks == (tuple(range(10)),) * 3 and exp.snapshot().task_names == ("plain", "shuffle 1", "shuffle 2")
    images = exp.x_test[:4]
    per_image = exp._in_task(images, torch.tensor([0, 1, 2, 1]))
    assert torch.equal(per_image[0], images[0]) and torch.equal(per_image[1], images[1][perms[1]])
    assert torch.equal(per_image[2], exp._in_task(images, 2)[2])


def test_shuffled_pixels_are_forgotten_less_than_new_classes(finished: Continual) -> None:
    params = Continual.resolve_params("permuted-digits", {"steps_per_task": 60, "hidden": (64,), "eval_every": 30,
                                                          "tasks": 3, "methods": ("bp", "joint")})
    exp = Continual(params, seed=0)
    advance(exp)
    final = exp.final_metrics()
    assert final["tasks_done"] == 3 and not np.isnan(exp.snapshot().matrices["bp"]).any()
    assert np.diag(exp.snapshot().matrices["bp"]).mean() > 0.6  # each shuffle learnt while current (chance: 0.1)
    # the same classes under a new shuffle: old tasks fade, but far less than when the classes change
    assert final["forgetting.bp"] < finished.final_metrics()["forgetting.bp"] - 0.3, final
    assert final["average_accuracy.joint"] > final["average_accuracy.bp"], final
