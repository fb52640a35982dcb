"""Run-level settings (seed, device, speed), declared like every experiment parameter.

They belong to a run rather than to an experiment, so they are declared once here,
in the same `ParamSpec` form as an experiment's hyperparameters. The CLI's `--seed`
and `--device`, the URL's `seed`, the page's seed box, device box and speed slider,
and `RunSpec`'s checks are all built from `RUN_PARAMS`; nothing restates a default,
a range or a choice elsewhere.
"""

from __future__ import annotations

import torch

from fflab.params import Param, ParamError, ParamSpec

SEED_MAX = 2**31 - 1
SPEED_DELAYS_S = {"full": 0.0, "fast": 0.01, "medium": 0.05, "slow": 0.2}  # pause between steps

RUN_PARAMS = ParamSpec(
    [
        Param(
            "seed",
            "int",
            0,
            "Fixes the initial weights, the batches and the negatives: the same seed and parameters "
            "give the same curve on the CPU.",
            low=0,
            high=SEED_MAX,
        ),
        Param(
            "device",
            "choice",
            "auto",
            "Where the run computes. auto: CUDA when present, else the CPU.",
            choices=("auto", "cpu", "cuda"),
        ),
        Param(
            "speed",
            "choice",
            "full",
            "Pause between steps; slow lets you watch single steps.",
            choices=tuple(SPEED_DELAYS_S),
            live=True,
            choice_help={name: f"{delay_s:g} s between steps" for name, delay_s in SPEED_DELAYS_S.items()},
        ),
    ]
)

CLI_SETTINGS = ("seed", "device")  # `python -m fflab run --seed --device`; speed only matters to a watcher
URL_SETTINGS = ("seed",)  # what a shared link carries besides the experiment's parameters


def speed_delay_s(speed: str) -> float:
    """The pause between steps, in seconds, that a speed setting stands for (ParamError if unknown)."""
    return SPEED_DELAYS_S[RUN_PARAMS["speed"].validate(speed)]


def resolve_device(choice: str = "auto") -> torch.device:
    """The torch device a `device` setting names; ParamError naming `device` when it cannot be had."""
    choice = RUN_PARAMS["device"].validate(choice)
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise ParamError("device", "cuda was asked for but no CUDA device is available; use cpu or auto")
    return torch.device(choice)
