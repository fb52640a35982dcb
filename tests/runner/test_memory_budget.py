"""A run whose settings would need more memory than the budget is refused before it starts, with a message."""

from __future__ import annotations

import pytest

from fflab.catalog import get_experiment
from fflab.params import ParamError
from fflab.runner import Run, RunSpec
from fflab.scheduler import Scheduler

HUGE = {"dataset": "mnist", "hidden": (4000,) * 6, "batch_size": 0, "eval_samples": 60000, "steps": 5}


def test_the_workshop_crasher_is_refused_naming_what_to_lower(monkeypatch):
    monkeypatch.delenv("FFLAB_RUN_MEMORY_GB", raising=False)
    params = get_experiment("ff").resolve_params(None, HUGE)
    with pytest.raises(ParamError, match=r"memory: this run would need about \d+\.\d GB, over the budget") as err:
        Run(RunSpec("ff", params), scheduler=Scheduler(1))
    assert "batch_size" in str(err.value) and "FFLAB_RUN_MEMORY_GB" in str(err.value)


def test_presets_fit_and_the_budget_is_configurable(monkeypatch):
    monkeypatch.delenv("FFLAB_RUN_MEMORY_GB", raising=False)
    for name in ("ff", "bp"):
        cls = get_experiment(name)
        for preset in cls.presets:
            Run(RunSpec(name, cls.resolve_params(preset)), scheduler=Scheduler(1))  # none refused
    monkeypatch.setenv("FFLAB_RUN_MEMORY_GB", "0.01")
    with pytest.raises(ParamError, match="over the budget of 0.0 GB"):
        Run(RunSpec("ff", get_experiment("ff").resolve_params("quick")), scheduler=Scheduler(1))

