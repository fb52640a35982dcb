"""The experiment contract; it knows no experiment (the catalog lists them).

An experiment is a class with a `ParamSpec`, named presets, and the methods the
runner calls: `advance()` (one unit of work, counted; subclasses write it as `step()`),
`snapshot()` (arrays a plot needs), `evaluate()` (held-out figures),
`update()` (live parameter changes), `final_metrics()`, `features()` (for a linear
probe), and `state_dict()`/`load_state_dict()`. A seed fixes everything.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch

from fflab.params import ParamError, ParamSpec


@dataclass(frozen=True)
class Preset:
    name: str
    values: Mapping[str, Any]
    help: str
    source: str = ""
    published: str = ""
    measured: str = ""

    def describe(self) -> str:
        parts = [self.help]
        if self.source:
            parts.append(f"Source: {self.source}.")
        if self.published:
            parts.append(f"Published: {self.published}.")
        if self.measured:
            parts.append(f"fflab measured: {self.measured}.")
        return " ".join(parts)


class Experiment:
    """Base class. Subclasses set the class attributes and implement `step`."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    params: ClassVar[ParamSpec] = ParamSpec([])
    presets: ClassVar[dict[str, Preset]] = {}
    default_preset: ClassVar[str | None] = None
    # Small models run fastest on one thread: a parallel region costs more than it saves, and far
    # more when the cores are busy. None: as many as the run's share of the cores.
    max_threads: ClassVar[int | None] = None

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        self.p: dict[str, Any] = dict(params)
        self.seed = int(seed)
        self.device = torch.device(device)
        self.steps_done = 0
        self.notes: list[str] = []
        seed_everything(self.seed)

    # -- the contract --------------------------------------------------------
    @property
    def total_steps(self) -> int:
        raise NotImplementedError

    @property
    def done(self) -> bool:
        return self.steps_done >= self.total_steps

    @property
    def step_number(self) -> int:
        """The 1-based number of the step `step()` is taking (or that `advance()` will take next)."""
        return self.steps_done + 1

    def advance(self) -> dict[str, float]:
        """Do one unit of work and count it: the one way the runner, composite experiments and tests step."""
        metrics = self.step()
        self.steps_done += 1
        return metrics

    def step(self) -> dict[str, float]:
        """One unit of work (a batch, a few episodes), returning scalar metrics; call it through `advance()`."""
        raise NotImplementedError

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """What a linear probe reads of these images (one row each); for experiments that learn features."""
        raise NotImplementedError(f"{type(self).__name__} has no features for a linear probe")

    def snapshot(self) -> dict[str, Any]:
        return {}

    def evaluate(self) -> dict[str, float]:
        return {}

    def final_metrics(self) -> dict[str, float]:
        return self.evaluate()

    def update(self, **changes: Any) -> None:
        """Change live parameters; anything else is refused with a clear message."""
        for name, value in changes.items():
            if name not in self.params:
                raise ParamError(name, "unknown parameter")
            param = self.params[name]
            if not param.live:
                raise ParamError(name, "cannot change while a run is going; stop and start again")
            self.p[name] = param.validate(value)
        self.on_update(changes)

    def on_update(self, changes: Mapping[str, Any]) -> None:
        """Hook for subclasses that must act on a live change (e.g. set an optimiser's lr)."""

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {}

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        pass

    # -- helpers -------------------------------------------------------------
    @classmethod
    def resolve_params(cls, preset: str | None = None, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        base: Mapping[str, Any] = {}
        if preset:
            if preset not in cls.presets:
                raise ParamError("preset", f"{preset!r} is not one of {', '.join(cls.presets) or '(none)'}")
            base = cls.presets[preset].values
        return cls.params.resolve(overrides, base=base)


_reporter = threading.local()


def set_status_reporter(report: Callable[[str], None] | None) -> None:
    """The runner's hook, per thread, for what an experiment is doing before it can step."""
    _reporter.report = report


def report_status(text: str) -> None:
    """Tell whoever runs this experiment what it is doing (e.g. downloading MNIST, 40%)."""
    report = getattr(_reporter, "report", None)
    if report is not None:
        report(text)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def resolve_device(choice: str = "auto") -> torch.device:
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise ParamError("device", "cuda was asked for but no CUDA device is available; use cpu or auto")
    if choice not in ("cpu", "cuda"):
        raise ParamError("device", f"{choice!r} is not one of auto, cpu, cuda")
    return torch.device(choice)
