"""`fastweights-delay`: recall a pattern after an unknown delay, with all memory in a fast weight matrix.

Schmidhuber (1992), cited in `text.py`. A pattern P ∈ {±1}^p is shown with a store
flag at t = 0, then K random distractors, then a recall flag; the output at recall must be P. A feed-forward
slow net (no recurrence) reads only the current input x_t and emits

    h = tanh(W x_t),  key k, value v, query q (tanh heads),  gate g = sigmoid(·),
    W_fast ← W_fast + η g v kᵀ,   y = W_fast q  (read at the recall step),

so W_fast is the only path across the gap. Gradients come from autograd through every write.
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
from fflab.fastweights.common import SOURCE, FastWeightExperiment, require_order, to_numpy
from fflab.fastweights.rules import cumulative_gated_writes
from fflab.fastweights.text import DELAY_TEACHING
from fflab.params import Param, ParamSpec


class SlowProgrammer(nn.Module):
    """One tanh hidden layer and four heads (key, value, query, gate) computed for all steps at once."""

    def __init__(self, pattern_bits: int, hidden: int, key_dim: int, generator: torch.Generator | None = None,
                 init_scale: float = 0.5):
        super().__init__()
        n_in = pattern_bits + 2
        self.sizes = (key_dim, pattern_bits, key_dim, 1)
        n_out = sum(self.sizes)

        def init(rows: int, cols: int) -> nn.Parameter:
            return nn.Parameter(torch.randn(rows, cols, generator=generator) * (init_scale / cols**0.5))

        self.w_in = init(hidden, n_in)
        self.b_in = nn.Parameter(torch.zeros(hidden))
        self.w_heads = init(n_out, hidden)  # key, value, query, gate stacked
        self.b_heads = nn.Parameter(torch.zeros(n_out))

    def heads(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        h = torch.tanh(x @ self.w_in.T + self.b_in)
        k, v, q, g = (h @ self.w_heads.T + self.b_heads).split(self.sizes, dim=-1)
        return {"hidden": h, "key": torch.tanh(k), "value": torch.tanh(v), "query": torch.tanh(q),
                "gate": torch.sigmoid(g[..., 0])}

    def forward(self, x: torch.Tensor, eta: float) -> torch.Tensor:
        """x (B, T, p+2) -> the read-out at the last (recall) step, (B, p)."""
        out = self.heads(x)
        gated_values = eta * out["gate"][..., None] * out["value"]
        fast_weights = gated_values.transpose(1, 2) @ out["key"]  # Σ_t η g_t v_t k_tᵀ, (B, p, d_k)
        return (fast_weights @ out["query"][:, -1, :, None])[..., 0]


def make_episodes(batch: int, pattern_bits: int, delay: int, generator: torch.Generator):
    """Episodes of length delay + 2 sharing one delay: inputs (B, T, p+2) and the stored patterns (B, p)."""
    T = delay + 2
    bits = torch.randint(0, 2, (batch, T, pattern_bits), generator=generator).float() * 2 - 1
    x = torch.zeros(batch, T, pattern_bits + 2)
    x[:, : T - 1, :pattern_bits] = bits[:, : T - 1]
    x[:, 0, pattern_bits] = 1.0  # store flag
    x[:, T - 1, pattern_bits + 1] = 1.0  # recall flag; the pattern slot is zero
    return x, bits[:, 0].clone()


@dataclass(frozen=True)
class DelaySnapshot:
    """One held-out test episode of T = show_delay + 2 steps, traced with the current slow weights."""

    inputs: np.ndarray  # (T, p + 2): the pattern bits, then the store and recall flags, per step
    phase: list[str]  # per step: "store", then "distractor"s, then "recall"
    fast_weights: np.ndarray  # (frames, p, d_k): W_fast after each step in `fast_weight_steps`
    fast_weight_steps: list[int]  # the steps `fast_weights` holds: all when few, else evenly spaced
    fast_weight_norm: np.ndarray  # (T,): ‖W_fast‖ after each step
    gate: np.ndarray  # (T,): the write gate g per step
    keys: np.ndarray  # (T, d_k)
    values: np.ndarray  # (T, p)
    queries: np.ndarray  # (T, d_k)
    readout: np.ndarray  # (T, p): what a read W_fast q at each step would give; only the last is scored
    output: np.ndarray  # (p,): the read-out at recall
    target: np.ndarray  # (p,): the stored pattern, ±1
    eta: float
    train_delays: tuple[int, int]  # (delay_min, delay_max)
    test_delays: list[int]  # delays the last `evaluate` measured (empty before it)
    accuracy_by_delay: list[float]  # held-out bit accuracy at each of `test_delays`


DELAY_PARAMS = ParamSpec([
    Param("steps", "int", 3000, "Training batches (each with one delay drawn from the training range).",
          low=1, high=200_000),
    Param("batch", "int", 32, "Episodes per batch.", low=1, high=4096),
    Param("hidden", "int", 32, "Hidden units of the slow (feed-forward) programmer net.", low=1, high=1024),
    Param("key_dim", "int", 8, "Size of the key and query (the fast matrix's columns).", low=1, high=128),
    Param("pattern_bits", "int", 4, "Bits in the stored pattern (the fast matrix's rows).", low=1, high=64),
    Param("eta", "float", 0.5, "η, the strength of each fast-weight write.", low=0.01, high=5.0, live=True),
    Param("lr", "float", 0.01, "Adam learning rate of the slow net.", low=1e-5, high=1.0, log=True, live=True),
    Param("clip", "float", 1.0, "Clip the gradient's global norm to this (0 is off).", low=0.0, high=100.0,
          live=True),
    Param("delay_min", "int", 5, "Shortest training delay K (distractor steps).", low=1, high=500, unit="steps"),
    Param("delay_max", "int", 30, "Longest training delay K.", low=1, high=500, unit="steps"),
    Param("test_delay_max", "int", 60, "Longest delay tested; delays above the training range were never seen.",
          low=1, high=1000, unit="steps"),
    Param("eval_episodes", "int", 50, "Held-out episodes per delay in the final evaluation.", low=1, high=2000),
    Param("show_delay", "int", 20, "Delay of the test episode shown in the live view.", low=1, high=1000,
          unit="steps", live=True),
])

DELAY_PRESETS = {
    "reference": Preset(
        "reference", {},
        "4-bit patterns, hidden 32, key 8, η 0.5, K ~ U[5, 30], batch 32, Adam 1e-2, clip 1.0, 3000 batches "
        "(917 slow parameters).",
        source=SOURCE + " (fast-weights-unknown-delay)",
        published="100% bit accuracy at recall over K = 5..30 (and 1..60), about 18 s on 2 CPU cores",
    ),
    "quick": Preset("quick", {"steps": 300}, "A tenth of the reference budget: enough to reach 100% on most seeds."),
}


class FastWeightsDelay(FastWeightExperiment):
    name = "fastweights-delay"
    headline = "bit_accuracy"
    title = "Fast weights: unknown-delay recall"
    summary = "A feed-forward net stores a pattern in a fast weight matrix and reads it back after K distractors."
    params = DELAY_PARAMS
    presets = DELAY_PRESETS
    default_preset = "reference"
    teaching = DELAY_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        require_order("delay_min", self.p["delay_min"], "delay_max", self.p["delay_max"])
        init_gen = self.generator(17)
        self.model = SlowProgrammer(self.p["pattern_bits"], self.p["hidden"], self.p["key_dim"], init_gen)
        self.model.to(self.device)
        self.optimizer = self.make_optimizer()
        self.accuracy_by_test_delay: dict[int, float] = {}  # from the last `evaluate`, for the snapshot

    @property
    def total_steps(self) -> int:
        return self.p["steps"]

    def step(self) -> dict[str, float]:
        delay = int(torch.randint(self.p["delay_min"], self.p["delay_max"] + 1, (1,), generator=self.data_gen))
        x, target = make_episodes(self.p["batch"], self.p["pattern_bits"], delay, self.data_gen)
        x, target = x.to(self.device), target.to(self.device)
        y = self.model(x, self.p["eta"])
        loss = F.mse_loss(y, target)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.p["clip"] > 0:
            nn.utils.clip_grad_norm_(self.model.parameters(), self.p["clip"])
        self.optimizer.step()
        accuracy = (torch.sign(y) == target).float().mean()
        return {"loss": float(loss.detach()), "bit_accuracy": float(accuracy), "delay": float(delay)}

    @torch.no_grad()
    def accuracy_by_delay(self, delays: range, offset: int) -> dict[int, float]:
        """Bit accuracy at recall for each delay, on held-out episodes fixed by the seed."""
        gen = self.generator(offset)
        result = {}
        for delay in delays:
            x, target = make_episodes(self.p["eval_episodes"], self.p["pattern_bits"], delay, gen)
            y = self.model(x.to(self.device), self.p["eta"])
            result[delay] = float((torch.sign(y) == target.to(self.device)).float().mean())
        return result

    def evaluate(self) -> dict[str, float]:
        inside = self.accuracy_by_delay(range(self.p["delay_min"], self.p["delay_max"] + 1), 1)
        longer = self.accuracy_by_delay(range(self.p["delay_max"] + 1, self.p["test_delay_max"] + 1), 2)
        self.accuracy_by_test_delay = {**inside, **longer}
        metrics = {"bit_accuracy": sum(inside.values()) / len(inside)}
        if longer:
            metrics["bit_accuracy_long"] = sum(longer.values()) / len(longer)
        return metrics

    @torch.no_grad()
    def snapshot(self) -> DelaySnapshot:
        """One fixed held-out episode at `show_delay`, step by step (W_fast at up to MAX_FRAMES steps), and the
        accuracy per test delay once `evaluate` has run."""
        x, target = make_episodes(1, self.p["pattern_bits"], self.p["show_delay"], self.generator(3))
        x = x.to(self.device)
        out = self.model.heads(x)
        fast = cumulative_gated_writes(out["key"], out["value"], out["gate"], self.p["eta"])[0]  # (T, p, d_k)
        readout = (fast @ out["query"][0, :, :, None])[..., 0]  # what a read at each step would give, (T, p)
        T = x.shape[1]
        frames = frame_steps(T, fast[0].numel())
        delays = sorted(self.accuracy_by_test_delay)
        return DelaySnapshot(
            inputs=to_numpy(x[0]),
            phase=["store"] + ["distractor"] * (T - 2) + ["recall"],
            fast_weights=to_numpy(fast[frames]),
            fast_weight_steps=frames.tolist(),
            fast_weight_norm=to_numpy(fast.flatten(1).norm(dim=1)),
            gate=to_numpy(out["gate"][0]),
            keys=to_numpy(out["key"][0]),
            values=to_numpy(out["value"][0]),
            queries=to_numpy(out["query"][0]),
            readout=to_numpy(readout),
            output=to_numpy(readout[-1]),
            target=to_numpy(target[0]),
            eta=self.p["eta"],
            train_delays=(self.p["delay_min"], self.p["delay_max"]),
            test_delays=delays,
            accuracy_by_delay=[self.accuracy_by_test_delay[d] for d in delays],
        )

MAX_FRAMES = 200
MAX_FRAME_CELLS = 200_000  # numbers in all frames together: keeps a snapshot small however large W_fast is


def frame_steps(steps: int, cells: int) -> torch.Tensor:
    """Which steps' W_fast a snapshot keeps: all of them when few, else evenly spaced, always the first and last."""
    count = max(2, min(MAX_FRAMES, MAX_FRAME_CELLS // max(cells, 1)))
    if steps <= count:
        return torch.arange(steps)
    return torch.linspace(0, steps - 1, count).round().long().unique()
