"""`continual-text`: parts that do not overlap, one stream whoever learns from it, and the matrices it fills."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fflab.params import ParamError
from fflab.studies.continual.text_stream import ContinualText
from tests.training import advance

TINY = {"corpus": "excerpt", "context": 6, "hidden": (32, 32), "steps_per_task": 30, "batch_size": 32,
        "replay_size": 100, "eval_every": 15, "eval_chars": 200, "tasks": 3}


def test_each_parts_training_and_validation_windows_stay_inside_it() -> None:
    exp = ContinualText(ContinualText.params.resolve(TINY), seed=0)
    k = TINY["context"]
    bounds = np.linspace(0, len(exp.ids), TINY["tasks"] + 1).astype(int)
    for part, (low, high) in enumerate(exp.train_span):
        start, end = bounds[part], bounds[part + 1]
        validation = exp.val_of[part]
        assert low - k == start and high <= int(validation.min()) - k, "a window never reaches back across a split"
        assert int(validation.max()) < end and len(validation) == 200


def test_the_stream_is_the_same_whoever_learns_from_it_and_every_row_fills(one_thread) -> None:
    alone = ContinualText(ContinualText.params.resolve({**TINY, "methods": ("ff",)}), seed=1)
    together = ContinualText(ContinualText.params.resolve(TINY), seed=1)
    records = advance(alone), advance(together)
    np.testing.assert_array_equal(alone.matrices["ff"], together.matrices["ff"])
    assert not np.isnan(together.matrices["joint"]).any()
    final = together.final_metrics()
    assert final["tasks_done"] == 3
    for method in ("ff", "bp", "ff_replay", "bp_replay", "joint"):
        assert {f"average_accuracy.{method}", f"forgetting.{method}", f"backward_transfer.{method}"} <= set(final)
        assert final[f"average_accuracy.{method}"] > 1.5 / together.vocab, "better than guessing"
    assert any("seen_accuracy.ff" in r for r in records[1])
    assert together.buffer.images.dtype == torch.long and len(together.buffer) == 100


def test_a_text_too_short_for_its_parts_is_refused_by_name() -> None:
    exp = ContinualText(ContinualText.params.resolve(TINY), seed=0)
    with pytest.raises(ParamError, match="tasks: 3 parts of a 100-character text"):
        exp._cut_into_parts(100)
