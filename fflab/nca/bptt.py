"""The classic rule (`rule=bptt`): backpropagation through a random 64-96 steps of the automaton.

As in Mordvintsev et al. (2020): a batch drawn from the sample pool is grown for a random number of steps,
the loss is the mean squared error of its RGBA channels against the target, the gradient flows back through
every step, each parameter's gradient is divided by its norm, and Adam takes one step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from fflab.nca.model import UpdateRule, grow, rgba_error
from fflab.nca.pool import RuleTrainer, SamplePool


class BPTTTrainer(RuleTrainer):
    kind = "bptt"

    def __init__(self, rule: UpdateRule, target: torch.Tensor, p: Mapping[str, Any], generator: torch.Generator):
        super().__init__()
        self.rule, self.target, self.p, self.generator = rule, target, p, generator
        self.pool = SamplePool(p["pool_size"], target.shape[1], target.shape[2], target.device)
        self.optimizer = torch.optim.Adam(rule.parameters(), lr=p["lr"])

    def _train_step(self) -> dict[str, float]:
        p = self.p
        indices, states = self.pool.draw(p["batch"], self.target, p["train_damage"], p["damage_radius"],
                                         self.generator)
        steps = int(torch.randint(p["grow_min"], p["grow_max"] + 1, (1,), generator=self.generator))
        grown = grow(states, self.rule, steps, p["fire_rate"], self.generator)
        loss = rgba_error(grown, self.target).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        with torch.no_grad():
            for param in self.rule.parameters():
                if param.grad is not None:
                    param.grad /= param.grad.norm() + 1e-8
        self.optimizer.step()
        self.pool.put_back(indices, grown)
        return {"loss": float(loss.detach()), "grow_steps": float(steps)}
