"""The γ sweep of layer collaboration: contestants differ only in γ."""

from __future__ import annotations

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.ff.negatives.race import NegativeRace
from fflab.params import ParamError
from fflab.studies.collab import CollabSweep

TINY = {"dataset": "digits", "hidden": (16, 16, 16), "steps": 12, "eval_every": 6, "eval_samples": 100,
        "batch_size": 50, "norm": "rms"}


def sweep(**overrides) -> CollabSweep:
    return CollabSweep(CollabSweep.params.resolve({**TINY, **overrides}), seed=3)


def steps(exp, n: int) -> list[dict[str, float]]:
    out = []
    for _ in range(n):
        out.append(exp.advance())
    return out


def test_registered_with_contestants_in_gamma_order():
    assert get_experiment("collab") is CollabSweep
    exp = sweep(gammas=("1", "0", "0.3"))
    assert exp.strategies == ("γ=0", "γ=0.3", "γ=1")
    assert [c.p["collab_gamma"] for c in exp.contestants.values()] == [0.0, 0.3, 1.0]


def test_contestants_start_identical_and_then_differ_only_through_gamma():
    exp = sweep(gammas=("0", "0.7"))
    plain, collab = exp.contestants.values()
    for a, b in zip(plain.state_dict().values(), collab.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    steps(exp, 3)
    differs = any(not torch.equal(a, b) for a, b in zip(plain.state_dict().values(), collab.state_dict().values(),
                                                       strict=True))
    assert differs, "γ = 0.7 must change the updates"


def test_gamma_zero_is_exactly_the_plain_race():
    exp = sweep(gammas=("0",))
    race = NegativeRace(NegativeRace.params.resolve({**TINY, "strategies": ("wrong_label",)}), seed=3)
    ours, theirs = steps(exp, 6), steps(race, 6)
    assert [r["test_accuracy.γ=0"] for r in ours if "test_accuracy.γ=0" in r] == \
        [r["test_accuracy.wrong_label"] for r in theirs if "test_accuracy.wrong_label" in r]
    assert [r["loss.γ=0"] for r in ours] == [r["loss.wrong_label"] for r in theirs]


def test_final_metrics_per_gamma():
    exp = sweep(gammas=("0", "1"))
    steps(exp, exp.total_steps)
    final = exp.final_metrics()
    assert set(final) >= {"test_accuracy.γ=0", "test_accuracy.γ=1"}
    assert exp.snapshot().strategy_help["γ=0"].startswith("plain FF")


def test_an_unknown_gamma_is_refused():
    with pytest.raises(ParamError, match="gammas"):
        sweep(gammas=("0.42",))
