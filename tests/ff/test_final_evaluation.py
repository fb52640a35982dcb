"""The final evaluation: the whole test set, the training set on its sample unless asked, progress said."""

from __future__ import annotations

import torch

from fflab.catalog import get_experiment
from fflab.experiment import set_status_reporter
from tests.training import advance


def _trained(train_score: str):
    cls = get_experiment("ff")
    params = cls.resolve_params("digits-quick", {"steps": 20, "hidden": (32,), "eval_samples": 100,
                                                 "train_score": train_score})
    exp = cls(params, seed=0)
    advance(exp)
    return exp


def test_the_training_set_is_scored_on_its_sample_unless_all_is_asked_for() -> None:
    said: list[str] = []
    set_status_reporter(said.append)
    try:
        sampled = _trained("sample")
        said.clear()
        final = sampled.final_metrics()
    finally:
        set_status_reporter(None)
    sample = sampled.eval_train
    assert len(sample) == 100
    assert final["train_accuracy"] == sampled.score(sampled.x_train[sample], sampled.y_train[sample])
    assert said == ["final metrics: scoring all 360 test images", "final metrics: scoring 100 training images",
                    "final metrics: counting dead units"]
    everything = _trained("all")
    assert everything.final_metrics()["train_accuracy"] == everything.score(everything.x_train, everything.y_train)
    assert torch.equal(everything.eval_train, sample)  # the same net and sample: only the scoring differs
