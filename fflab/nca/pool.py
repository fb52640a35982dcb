"""What both rules' trainers share: the sample pool of grown states, and their timing.

The pool (Mordvintsev et al. 2020) holds states the rule has grown; each training batch is drawn from it and
written back after training, so the rule also learns to keep a grown pattern. The worst state of a batch is
replaced by the seed (so growing from scratch stays in training), and optionally the best few are damaged (so
regrowing is trained too).
"""

from __future__ import annotations

import time

import torch

from fflab.nca.model import UpdateRule, damage_disc, rgba_error, seed_state


class SamplePool:
    """`size` states of one grid shape, all starting as the seed, on `device`."""

    def __init__(self, size: int, height: int, width: int, device: torch.device):
        self.states = seed_state(size, height, width, device)
        self.seed = seed_state(1, height, width, device)

    def draw(self, batch: int, target: torch.Tensor, damaged: int, damage_radius: float,
             generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """(indices, states): `batch` states, sorted worst first; the worst reseeded, the `damaged` best damaged."""
        indices = torch.randperm(len(self.states), generator=generator)[:batch].to(self.states.device)
        states = self.states[indices].clone()
        order = torch.argsort(rgba_error(states, target), descending=True)
        indices, states = indices[order], states[order]
        states[0] = self.seed[0]
        height, width = states.shape[-2:]
        for i in range(max(0, len(states) - damaged), len(states)):
            if i == 0:
                continue
            centre = (int(torch.randint(height, (1,), generator=generator)),
                      int(torch.randint(width, (1,), generator=generator)))
            states[i : i + 1] = damage_disc(states[i : i + 1], centre, damage_radius)
        return indices, states

    def put_back(self, indices: torch.Tensor, states: torch.Tensor) -> None:
        self.states[indices] = states.detach()


class RuleTrainer:
    """Base of the two trainers: one rule, its pool, its optimiser; `train_step` is timed into `seconds`."""

    kind: str = ""
    rule: UpdateRule

    def __init__(self) -> None:
        self.seconds = 0.0

    def train_step(self) -> dict[str, float]:
        began = time.perf_counter()
        metrics = self._train_step()
        self.seconds += time.perf_counter() - began
        return metrics

    def _train_step(self) -> dict[str, float]:
        raise NotImplementedError

    def set_lr(self, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    optimizer: torch.optim.Optimizer
