"""The run settings (seed, device, speed): one declaration, used by RunSpec, the runner and the CLI."""

from __future__ import annotations

import pytest
import torch

from fflab.params import ParamError
from fflab.run_settings import CLI_SETTINGS, RUN_PARAMS, SEED_MAX, URL_SETTINGS, resolve_device, speed_delay_s
from fflab.runner import RunSpec


def test_seed_device_and_speed_are_declared_parameters():
    assert RUN_PARAMS.names() == ["seed", "device", "speed"]
    assert RUN_PARAMS.defaults() == {"seed": 0, "device": "auto", "speed": "full"}
    seed = RUN_PARAMS["seed"]
    assert (seed.kind, seed.low, seed.high) == ("int", 0, SEED_MAX)
    assert RUN_PARAMS["device"].choices == ("auto", "cpu", "cuda")
    assert RUN_PARAMS["speed"].choices == ("full", "fast", "medium", "slow") and RUN_PARAMS["speed"].live
    assert set(CLI_SETTINGS) <= set(RUN_PARAMS.names()) and set(URL_SETTINGS) <= set(CLI_SETTINGS)


def test_speeds_stand_for_pauses_between_steps():
    assert [speed_delay_s(s) for s in RUN_PARAMS["speed"].choices] == [0.0, 0.01, 0.05, 0.2]
    with pytest.raises(ParamError, match="speed: 'warp' is not one of full, fast, medium, slow"):
        speed_delay_s("warp")


@pytest.mark.parametrize(
    "raw, message",
    [
        ("-1", f"seed: -1 is out of range; allowed: a number from 0 to {SEED_MAX} (whole)"),
        (str(SEED_MAX + 1), f"seed: {SEED_MAX + 1} is out of range; allowed: a number from 0 to {SEED_MAX} (whole)"),
        ("1.5", f"seed: '1.5' is not a whole number; allowed: a number from 0 to {SEED_MAX} (whole)"),
        ("x", f"seed: 'x' is not a number from 0 to {SEED_MAX} (whole)"),
    ],
)
def test_a_bad_seed_is_refused_naming_seed_and_its_range(raw: str, message: str):
    with pytest.raises(ParamError) as caught:
        RUN_PARAMS["seed"].parse(raw)
    assert str(caught.value) == message


def test_run_spec_checks_its_seed_and_device():
    assert RunSpec("anything", {}, seed=7, device="cpu").seed == 7
    with pytest.raises(ParamError, match="seed: -3 is out of range"):
        RunSpec("anything", {}, seed=-3)
    with pytest.raises(ParamError, match="device: 'tpu' is not one of auto, cpu, cuda"):
        RunSpec("anything", {}, device="tpu")


def test_resolve_device():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ParamError, match="device: 'tpu' is not one of auto, cpu, cuda"):
        resolve_device("tpu")
