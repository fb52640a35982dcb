"""What the fast-weight experiments share: a seeded generator, an optimiser with a live learning rate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from fflab.experiment import Experiment
from fflab.params import ParamError

SOURCE = "cybertronai/schmidhuber-problems wave 4"


def clip_each_tensor(parameters, max_norm: float) -> None:
    """Scale each parameter's gradient down to norm `max_norm` if it is longer, each tensor on its own (as
    `clip_grad_norm_` called per tensor does), in three batched calls instead of a loop over tensors."""
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return
    norms = torch.stack(torch._foreach_norm(grads))
    factors = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    torch._foreach_mul_(grads, list(factors.unbind()))


class FastWeightExperiment(Experiment):
    """Base for the three experiments: subclasses build `self.model` and call `self.make_optimizer()`."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    max_threads = 1  # tiny matrices: threads only add waiting

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.data_gen = torch.Generator().manual_seed(self.seed)

    def generator(self, offset: int) -> torch.Generator:
        """A fresh generator for held-out data, fixed by the seed, independent of the training stream."""
        return torch.Generator().manual_seed(self.seed * 1_000_003 + offset)

    def make_optimizer(self, kind: str = "adam") -> torch.optim.Optimizer:
        params = self.model.parameters()
        if kind == "sgd":
            return torch.optim.SGD(params, lr=self.p["lr"])
        return torch.optim.Adam(params, lr=self.p["lr"])

    def on_update(self, changes: Mapping[str, Any]) -> None:
        optimizer = getattr(self, "optimizer", None)  # kv has none: its SGD reads self.p["lr"] directly
        if "lr" in changes and optimizer is not None:
            for group in optimizer.param_groups:
                group["lr"] = self.p["lr"]

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        self.model.load_state_dict({k: v.to(self.device) for k, v in state.items()})


def require_order(low_name: str, low: int, high_name: str, high: int) -> None:
    if low > high:
        raise ParamError(low_name, f"{low} is above {high_name} ({high})")


def to_numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().cpu().numpy()
