"""A loss or goodness that explodes is named with the learning rates, before it reaches inf or NaN."""

from __future__ import annotations

from fflab.catalog import get_experiment
from fflab.runner import RunSpec, Status, run_to_end
from fflab.runner.blowup import BlowUpWatch


def test_the_watch_warns_once_past_a_thousand_times_the_early_level():
    watch = BlowUpWatch({"lr": 1.0, "head_lr": 0.01, "hidden": (8,)})
    assert watch.check({"loss": 1.0, "goodness_pos.layer1": 0.2, "accuracy": 0.1}, 1) == []
    assert watch.check({"loss": 1.2, "accuracy": 5000.0}, 2) == []  # accuracy is not watched
    (warning,) = watch.check({"loss": 2000.0, "goodness_pos.layer1": 5000.0}, 3)
    assert warning.startswith("loss reached 2,000 at step 3") and "lr was 1, head_lr was 0.01" in warning
    assert watch.check({"loss": 1e9}, 4) == []  # said once


def test_an_adam_lr_of_1_on_ff_finishes_with_the_blow_up_named():
    cls = get_experiment("ff")
    params = cls.resolve_params("digits-quick", {"lr": 1.0, "steps": 20, "epochs": 0, "eval_every": 1000})
    run = run_to_end(RunSpec("ff", params, seed=0, device="cpu"))
    assert run.status is Status.FINISHED
    (warning,) = run.warnings
    assert "blowing up" in warning and "at step 2" in warning and "lr was 1" in warning


def test_a_healthy_run_has_no_warning():
    cls = get_experiment("ff")
    params = cls.resolve_params("digits-quick", {"steps": 60, "epochs": 0, "eval_every": 1000})
    assert run_to_end(RunSpec("ff", params, seed=0, device="cpu")).warnings == []
