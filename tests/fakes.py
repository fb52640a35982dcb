"""A tiny experiment for exercising the runner and the CLI without real training."""

from __future__ import annotations

import time

from fflab.experiment import Experiment, Preset
from fflab.params import Param, ParamSpec


class Counter(Experiment):
    """Counts steps; can sleep, raise or emit NaN on a chosen step."""

    name = "test-counter"
    title = "Counter"
    params = ParamSpec(
        [
            Param("steps", "int", 50, "Steps to run.", low=1, high=10_000_000),
            Param("sleep", "float", 0.0, "Seconds per step.", low=0.0, high=1.0, live=True),
            Param("fail_at", "int", 0, "Raise at this step (0 never).", low=0, high=10_000_000),
            Param("nan_at", "int", 0, "Report NaN at this step (0 never).", low=0, high=10_000_000),
            Param("rate", "float", 1.0, "A live value echoed in metrics.", low=0.0, high=10.0, live=True),
        ]
    )
    presets = {"short": Preset("short", {"steps": 5}, "Five steps.")}

    @property
    def total_steps(self) -> int:
        return self.p["steps"]

    def step(self) -> dict[str, float]:
        n = self.steps_done + 1
        if self.p["sleep"]:
            time.sleep(self.p["sleep"])
        if n == self.p["fail_at"]:
            raise RuntimeError(f"boom at step {n}")
        value = float("nan") if n == self.p["nan_at"] else float(n)
        return {"value": value, "rate": self.p["rate"]}

    def final_metrics(self) -> dict[str, float]:
        return {"steps_done": float(self.steps_done)}
