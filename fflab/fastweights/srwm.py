"""`srwm`: a self-referential weight matrix that meta-learns AND, OR, XOR and NAND from 4 demonstrations.

Schmidhuber (1993), cited in `text.py`, in the continuous relaxation of the reference script:
the recurrent matrix is W_eff = W_slow + W_fast, and every step the net itself emits soft row and column
pointers (softmaxes), a write value (tanh) and a gate (sigmoid) and writes η·g·val·row colᵀ into W_fast, which
is reset every episode. An episode shows the 4 inputs of one boolean function with their labels (demo), then
the 4 inputs again without (query); only W_fast and the hidden state carry the demo into the query phase.
The slow weights learn by autograd through every write (BPTT), Adam, each gradient tensor's norm clipped at 5.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from fflab.experiment import Preset
from fflab.fastweights.common import SOURCE, FastWeightExperiment, clip_each_tensor, to_numpy
from fflab.fastweights.rules import pointer_write
from fflab.fastweights.text import SRWM_TEACHING
from fflab.params import Param, ParamSpec

TASKS = ("AND", "OR", "XOR", "NAND")
DEMO_STEPS = 4
N_IN = 4  # x0, x1, the demo label (0 in the query phase), the demo flag


def task_labels(task: torch.Tensor, bits: torch.Tensor) -> torch.Tensor:
    """Targets in {0, 1} for task ids (B,) on bits in {0, 1} of shape (B, T, 2)."""
    a, b = bits[..., 0], bits[..., 1]
    table = torch.stack([a * b, torch.maximum(a, b), (a - b).abs(), 1 - a * b], dim=-1)  # AND OR XOR NAND
    return table.gather(-1, task[:, None, None].expand(-1, bits.shape[1], 1))[..., 0]


def make_episodes(task: torch.Tensor, generator: torch.Generator):
    """Inputs (B, 8, 4), targets (B, 8) for the given task ids: each phase shows all 4 inputs, shuffled."""
    batch = len(task)
    corners = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    order = torch.rand(batch, 2, DEMO_STEPS, generator=generator).argsort(dim=-1).flatten(1)  # (B, 8)
    bits = corners[order]
    targets = task_labels(task, bits)
    x = torch.zeros(batch, 2 * DEMO_STEPS, N_IN)
    x[..., :2] = bits * 2 - 1
    x[:, :DEMO_STEPS, 2] = targets[:, :DEMO_STEPS] * 2 - 1
    x[:, :DEMO_STEPS, 3] = 1.0
    return x, targets


class SelfReferentialNet(nn.Module):
    def __init__(self, hidden: int, generator: torch.Generator):
        super().__init__()
        s = 1.0 / max(hidden, N_IN) ** 0.5

        def uniform(*shape: int) -> nn.Parameter:
            return nn.Parameter((torch.rand(*shape, generator=generator) * 2 - 1) * s)

        self.w_slow, self.w_in = uniform(hidden, hidden), uniform(hidden, N_IN)
        self.b_h = nn.Parameter(torch.zeros(hidden))
        self.w_out, self.b_out = uniform(1, hidden), nn.Parameter(torch.zeros(1))
        self.a_row, self.a_col = uniform(hidden, hidden), uniform(hidden, hidden)
        self.a_val, self.a_gate = uniform(1, hidden), uniform(1, hidden)
        self.hidden = hidden

    def forward(self, x: torch.Tensor, eta: float, self_modify: bool = True, trace: bool = False):
        """Logits of the label at every step (B, T); with `trace`, also the per-step write internals."""
        batch, steps, _ = x.shape
        n = self.hidden
        heads = torch.cat([self.w_out, self.a_row, self.a_col, self.a_val, self.a_gate])
        head_bias = torch.cat([self.b_out, x.new_zeros(2 * n + 2)])
        drive = x @ self.w_in.T + self.b_h
        h = x.new_zeros(batch, n)
        fast = x.new_zeros(batch, n, n)
        logits, record = [], {"fast_weights": [], "row": [], "col": [], "value": [], "gate": []}
        for t in range(steps):
            recurrent = h @ self.w_slow.T
            if self_modify:
                recurrent = recurrent + (fast @ h[..., None])[..., 0]
            h = torch.tanh(recurrent + drive[:, t])
            y, row, col, val, gate = (h @ heads.T + head_bias).split((1, n, n, 1, 1), dim=-1)
            row, col = row.softmax(dim=-1), col.softmax(dim=-1)
            val, gate = torch.tanh(val[:, 0]), torch.sigmoid(gate[:, 0])
            if self_modify:
                fast = pointer_write(fast, row, col, val, gate, eta)
            logits.append(y[:, 0])
            if trace:
                for key, item in zip(record, (fast, row, col, val, gate), strict=True):
                    record[key].append(item)
        out = torch.stack(logits, dim=1)
        if trace:
            return out, {key: torch.stack(items, dim=1) for key, items in record.items()}
        return out


def query_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits[:, DEMO_STEPS:], targets[:, DEMO_STEPS:])


@dataclass(frozen=True)
class SRWMSnapshot:
    """One held-out episode per task (8 steps: 4 demo, 4 query) of a net with n hidden units."""

    tasks: list[str]  # the task of each episode, in order: AND, OR, XOR, NAND
    phase: list[str]  # per step: "demo" or "query"
    inputs: np.ndarray  # (tasks, 8, 4): x0, x1 (±1), the demo label (±1, 0 in the query phase), the demo flag
    targets: np.ndarray  # (tasks, 8): the labels, 0 or 1
    prediction: np.ndarray  # (tasks, 8): the net's P(label = 1)
    fast_weights_after_demo: np.ndarray  # (tasks, n, n): W_fast after the last demo step
    fast_weights: np.ndarray  # (tasks, 8, n, n): W_fast after each step
    row_pointer: np.ndarray  # (tasks, 8, n): the soft row pointer of each write (sums to 1)
    col_pointer: np.ndarray  # (tasks, 8, n): the soft column pointer
    write_strength: np.ndarray  # (tasks, 8): η·g·val of each write
    gate: np.ndarray  # (tasks, 8): the write gate g
    slow_weights: np.ndarray  # (n, n): W_slow
    eta: float
    self_modify: bool  # whether the run lets the net write into its own matrix


SRWM_PARAMS = ParamSpec([
    Param("episodes", "int", 3000, "Training episodes (each of a random task).", low=1, high=1_000_000),
    Param("batch", "int", 1, "Episodes per Adam update.", low=1, high=1024),
    Param("hidden", "int", 6, "Units of the recurrent net; the matrix it rewrites is hidden × hidden.",
          low=2, high=128),
    Param("eta", "float", 0.5, "η, the strength of each self-modifying write.", low=0.0, high=5.0, live=True),
    Param("lr", "float", 0.01, "Adam learning rate of the slow weights.", low=1e-5, high=1.0, log=True, live=True),
    Param("clip", "float", 5.0, "Clip each gradient tensor's norm to this (0 is off).", low=0.0, high=100.0,
          live=True),
    Param("self_modify", "bool", True, "Let the net write into its own weight matrix; off, it is a plain RNN "
          "that must hold the demonstrations in its hidden state."),
    Param("eval_every", "int", 200, "Measure held-out query accuracy every this many updates (0 never).",
          low=0, high=100_000),
    Param("eval_episodes", "int", 400, "Held-out episodes per task in the final evaluation.", low=1, high=100_000),
])

SRWM_PRESETS = {
    "reference": Preset(
        "reference", {},
        "Hidden 6, η 0.5, 3000 episodes of one random task each, Adam 0.01, gradient tensors clipped at norm 5; "
        "query accuracy on 400 held-out episodes per task.",
        source=SOURCE + " (self-referential-weight-matrix)",
        published="query accuracy 0.996 (AND 1.00, OR 0.99, XOR 1.00, NAND 1.00) after 3000 episodes, about 12 s",
    ),
    "no-self-modification": Preset("no-self-modification", {"self_modify": False},
                                   "The reference setting with the write path off: what does self-modification buy?"),
}


class SelfReferentialWeightMatrix(FastWeightExperiment):
    """`query_accuracy_ablated` is measured by evaluating the trained net with its writes switched off (W_fast
    stays zero), with no second training run: it shows how much the trained net relies on self-modification.
    To see what a net trained without the path reaches, run with `self_modify=false`."""

    name = "srwm"
    headline = "query_accuracy"
    title = "Self-referential weight matrix"
    summary = "A recurrent net that writes into its own weight matrix learns a new boolean function from 4 examples."
    params = SRWM_PARAMS
    presets = SRWM_PRESETS
    default_preset = "reference"
    teaching = SRWM_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.model = SelfReferentialNet(self.p["hidden"], self.generator(17)).to(self.device)
        self.optimizer = self.make_optimizer()
        self.episodes_done = 0

    @property
    def total_steps(self) -> int:
        return -(-self.p["episodes"] // self.p["batch"])

    def step(self) -> dict[str, float]:
        count = min(self.p["batch"], self.p["episodes"] - self.episodes_done)
        task = torch.randint(0, len(TASKS), (count,), generator=self.data_gen)
        x, targets = (t.to(self.device) for t in make_episodes(task, self.data_gen))
        logits = self.model(x, self.p["eta"], self.p["self_modify"])
        loss = query_loss(logits, targets)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.p["clip"] > 0:
            clip_each_tensor(self.model.parameters(), self.p["clip"])
        self.optimizer.step()
        self.episodes_done += count
        metrics = {"loss": float(loss.detach()), "episodes": float(self.episodes_done)}
        every = self.p["eval_every"]
        if every and ((self.steps_done + 1) % every == 0 or self.steps_done + 1 == self.total_steps):
            overall, by_task = self.query_accuracy(100, self.p["self_modify"])
            metrics["query_accuracy"] = overall
            metrics.update({f"query_accuracy.{name}": acc for name, acc in zip(TASKS, by_task, strict=True)})
            metrics["query_accuracy_ablated"] = self.query_accuracy(100, False)[0]
        return metrics

    @torch.no_grad()
    def query_accuracy(self, per_task: int, self_modify: bool) -> tuple[float, list[float]]:
        """Overall and per-task accuracy on the query steps of held-out episodes fixed by the seed."""
        task = torch.arange(len(TASKS)).repeat_interleave(per_task)
        x, targets = (t.to(self.device) for t in make_episodes(task, self.generator(1)))
        logits = self.model(x, self.p["eta"], self_modify)
        correct = ((logits[:, DEMO_STEPS:] > 0).float() == targets[:, DEMO_STEPS:]).float().mean(dim=1)
        by_task = correct.view(len(TASKS), per_task).mean(dim=1)
        return float(correct.mean()), [float(a) for a in by_task]

    def evaluate(self) -> dict[str, float]:
        overall, by_task = self.query_accuracy(self.p["eval_episodes"], self.p["self_modify"])
        metrics = {"query_accuracy": overall}
        metrics.update({f"query_accuracy.{name}": acc for name, acc in zip(TASKS, by_task, strict=True)})
        metrics["query_accuracy_ablated"] = self.query_accuracy(self.p["eval_episodes"], False)[0]
        return metrics

    @torch.no_grad()
    def snapshot(self) -> SRWMSnapshot:
        """One held-out episode per task: W_fast after the demo phase, pointers and write strength per step."""
        task = torch.arange(len(TASKS))
        x, targets = (t.to(self.device) for t in make_episodes(task, self.generator(2)))
        logits, record = self.model(x, self.p["eta"], self.p["self_modify"], trace=True)
        return SRWMSnapshot(
            tasks=list(TASKS),
            phase=["demo"] * DEMO_STEPS + ["query"] * DEMO_STEPS,
            inputs=to_numpy(x),
            targets=to_numpy(targets),
            prediction=to_numpy(torch.sigmoid(logits)),
            fast_weights_after_demo=to_numpy(record["fast_weights"][:, DEMO_STEPS - 1]),
            fast_weights=to_numpy(record["fast_weights"]),
            row_pointer=to_numpy(record["row"]),
            col_pointer=to_numpy(record["col"]),
            write_strength=to_numpy(self.p["eta"] * record["gate"] * record["value"]),
            gate=to_numpy(record["gate"]),
            slow_weights=to_numpy(self.model.w_slow),
            eta=self.p["eta"],
            self_modify=self.p["self_modify"],
        )
