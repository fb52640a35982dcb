"""The Forward-Forward rule (`rule=ff`): the same two layers, each trained on its own, one step at a time.

Nothing is backpropagated through time or from one layer into the other:
- The states the rule learns from are grown by the rule itself, without gradient (a sample pool, as for bptt).
- A *teacher state* says what every cell should hold: the target's RGBA, and in the hidden channels a fixed
  positional code (the cell's x and y relative to the seed, in units of the target's half-width). BPTT lets the
  rule invent its own hidden code; a rule that learns one step at a time has no way to, so it is given one.
- `perceive_layer` (48→128, ReLU) learns by goodness (mean square activity) against a threshold θ: *positive*
  neighbourhoods come from the teacher's growth (the teacher state inside a disc of random radius around the
  seed), *negative* ones from the states the rule grows itself and from the teacher with its positional code
  shifted (the right colours at the wrong place).
- `update_layer` (128→16) reads the detached activity of `perceive_layer` (RMS-normalised, as FF passes activity
  on, with `ff_readout` = `normalised`) and learns by a local delta rule: every cell that may be alive after the
  step should propose the change that takes it straight to its teacher value (`teacher − state`). It is FF's
  linear read-out on top of goodness-trained features.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F

from fflab.nca.model import RGBA, UpdateRule, alive_mask, ca_step, perceive, rgba_error
from fflab.nca.pool import RuleTrainer, SamplePool

CODE_CHANNELS = (4, 5)  # hidden channels that carry the teacher's x and y


def rms_normalise(hidden: torch.Tensor) -> torch.Tensor:
    """Divide each cell's activity (dim 1) by its root mean square: only its direction goes to the next layer."""
    return hidden / (hidden.pow(2).mean(dim=1, keepdim=True) + 1e-6).sqrt()


def goodness(hidden: torch.Tensor) -> torch.Tensor:
    """(B, units, H, W) -> (B, H, W): mean square activity per cell."""
    return hidden.pow(2).mean(dim=1)


class FFRule(UpdateRule):
    """The bptt rule's layers; with `normalised`, FF's normalisation between them (no goodness magnitude passes)."""

    def __init__(self, normalised: bool = False, generator: torch.Generator | None = None):
        super().__init__(generator=generator)
        self.normalised = normalised

    def change(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.update_layer(rms_normalise(hidden) if self.normalised else hidden)


def teacher_state(target: torch.Tensor, half_width: float) -> torch.Tensor:
    """(16, H, W): the target's RGBA, and the cell's position relative to the centre where the target is drawn."""
    _, height, width = target.shape
    state = torch.zeros(16, height, width, device=target.device)
    state[:RGBA] = target
    inside = (target[3] > 0).to(target.dtype)
    rows = torch.arange(height, device=target.device, dtype=target.dtype)[:, None] - height // 2
    cols = torch.arange(width, device=target.device, dtype=target.dtype)[None, :] - width // 2
    state[CODE_CHANNELS[0]] = cols / half_width * inside
    state[CODE_CHANNELS[1]] = rows / half_width * inside
    return state


def teacher_growth(teacher: torch.Tensor, batch: int, generator: torch.Generator) -> torch.Tensor:
    """(batch, 16, H, W): the teacher state inside discs of random radius around the centre (its growth)."""
    _, height, width = teacher.shape
    rows = torch.arange(height, device=teacher.device)[:, None] - height // 2
    cols = torch.arange(width, device=teacher.device)[None, :] - width // 2
    distance = (rows**2 + cols**2).float().sqrt()
    radius = torch.rand(batch, generator=generator).to(teacher.device) * (distance.max() + 1)
    return teacher[None] * (distance[None] <= radius[:, None, None]).to(teacher.dtype)[:, None]


def shifted_code(states: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """A copy with the positional code channels rolled by a random offset of 2 to 6 cells."""
    shifted = states.clone()
    rows, cols = (int(v) * (1 if int(s) else -1) for v, s in zip(torch.randint(2, 7, (2,), generator=generator),
                                                                   torch.randint(0, 2, (2,), generator=generator),
                                                                   strict=True))
    code = list(CODE_CHANNELS)
    shifted[:, code] = torch.roll(states[:, code], shifts=(rows, cols), dims=(2, 3))
    return shifted


class FFTrainer(RuleTrainer):
    kind = "ff"

    def __init__(self, rule: FFRule, target: torch.Tensor, p: Mapping[str, Any], generator: torch.Generator):
        super().__init__()
        self.rule, self.target, self.p, self.generator = rule, target, p, generator
        self.teacher = teacher_state(target, max(p["size"] / 2, 1.0))
        self.pool = SamplePool(p["pool_size"], target.shape[1], target.shape[2], target.device)
        self.optimizer = torch.optim.Adam(rule.parameters(), lr=p["ff_lr"])

    def perceive_loss(self, own_states: torch.Tensor) -> tuple[torch.Tensor, float, float, torch.Tensor]:
        """The goodness loss of `perceive_layer` (gradient into it only): (loss, mean positive goodness, mean
        negative goodness, the detached activity of `own_states`, which the update layer reads next)."""
        positives = teacher_growth(self.teacher, len(own_states), self.generator)
        negatives = torch.cat([own_states, shifted_code(positives, self.generator)])
        hidden_neg = self.rule.hidden(perceive(negatives))
        g_pos = goodness(self.rule.hidden(perceive(positives)))[alive_mask(positives)[:, 0]]
        g_neg = goodness(hidden_neg)[alive_mask(negatives)[:, 0]]
        theta = self.p["threshold"]
        loss = F.softplus(theta - g_pos).mean() + F.softplus(g_neg - theta).mean()
        return loss, float(g_pos.mean().detach()), float(g_neg.mean().detach()), hidden_neg[: len(own_states)].detach()

    def update_loss(self, states: torch.Tensor, hidden: torch.Tensor | None = None) -> torch.Tensor:
        """The delta-rule loss of `update_layer` on detached activity (gradient into it only)."""
        region = alive_mask(states).to(states.dtype)  # the cells that may be alive after this step
        hidden = (self.rule.hidden(perceive(states)) if hidden is None else hidden).detach()
        proposed = self.rule.change(hidden)
        wanted = (self.teacher[None] - states) * region
        return ((proposed - wanted) ** 2 * region).sum() / (region.sum() * states.shape[1]).clamp(min=1.0)

    def _train_step(self) -> dict[str, float]:
        p = self.p
        indices, states = self.pool.draw(p["batch"], self.target, p["train_damage"], p["damage_radius"],
                                         self.generator)
        totals = {"goodness_loss": 0.0, "update_loss": 0.0, "goodness_pos": 0.0, "goodness_neg": 0.0}
        for _ in range(p["ff_rollout"]):
            states = states.detach()
            with torch.set_grad_enabled(p["ff_perceive"] == "goodness"):  # a frozen layer is only measured
                perceive_loss, g_pos, g_neg, hidden = self.perceive_loss(states)
            update_loss = self.update_loss(states, hidden)
            self.optimizer.zero_grad(set_to_none=True)
            if p["ff_perceive"] == "goodness":
                perceive_loss.backward()
            update_loss.backward()
            self.optimizer.step()
            for name, value in zip(totals, (float(perceive_loss.detach()), float(update_loss.detach()), g_pos, g_neg),
                                   strict=True):
                totals[name] += value / p["ff_rollout"]
            with torch.no_grad():
                states = ca_step(states, self.rule, p["fire_rate"], self.generator)
        self.pool.put_back(indices, states)
        return {"loss": float(rgba_error(states, self.target).mean()), **totals}
