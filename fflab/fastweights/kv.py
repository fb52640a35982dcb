"""`fastweights-kv`: bind N key/value pairs in a fast weight matrix; a slow projector learns the address space.

Schmidhuber (1992); the linear-attention reading is Schlag, Irie & Schmidhuber (2021). Raw keys share a bias
direction b (k = α b + β noise), so unprojected keys overlap and retrieval is swamped by the other values.
A trained linear map W_K projects the keys; the fast weights are written by the sum rule
W_fast = Σ v (W_K k)ᵀ (or the delta rule), and retrieval reads y = W_fast W_K k_q. W_K learns by SGD through
the writes (autograd) to make the projected keys nearly orthogonal.
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
from fflab.fastweights.common import SOURCE, FastWeightExperiment, to_numpy
from fflab.fastweights.rules import delta_rule, delta_rule_states, sum_rule, sum_rule_states
from fflab.fastweights.text import KV_TEACHING
from fflab.params import Param, ParamSpec

CAPACITY_MAX_PAIRS = 12


def bias_direction(dim: int) -> torch.Tensor:
    """The unit direction every raw key shares; fixed for a dimension, the same for every seed."""
    v = torch.randn(dim, generator=torch.Generator().manual_seed(13))
    return v / v.norm()


def make_episodes(batch: int, pairs: int, key_dim: int, value_dim: int, bias: float, noise: float,
                  generator: torch.Generator):
    """Raw keys (B, N, d), values (B, N, d_v) and the index of the queried pair (B,)."""
    iid = torch.randn(batch, pairs, key_dim, generator=generator) / key_dim**0.5
    keys = bias * bias_direction(key_dim) + noise * iid
    values = torch.randn(batch, pairs, value_dim, generator=generator) / value_dim**0.5
    query = torch.randint(0, pairs, (batch,), generator=generator)
    return keys, values, query


def retrieve(key_projection: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, query: torch.Tensor,
             rule: str = "sum", beta: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """The retrieved value y = W_fast W_K k_q, (B, d_v), and W_fast, (B, d_v, d_k).

    The delta rule writes with unit-length projected keys (as Schlag et al. normalise theirs), so that one write
    of β = 1 stores its value exactly; the sum rule uses them as they come, as the 1992 net does.
    """
    projected = keys @ key_projection.T
    if rule == "delta":
        projected = F.normalize(projected, dim=-1)
        fast_weights = delta_rule(projected, values, beta)
    else:
        fast_weights = sum_rule(projected, values)
    q = projected[torch.arange(len(query)), query]
    return (fast_weights @ q[..., None])[..., 0], fast_weights


def retrieve_one(key_projection: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, query: int,
                 rule: str = "sum", beta: float = 1.0) -> torch.Tensor:
    """`retrieve` for one episode (keys (N, d), values (N, d_v), a query index), in as few ops as it takes.

    Training calls this once per SGD update, so op count is its cost. The sum rule reads in the associative
    order y = Vᵀ (P P_q), with P the projected keys: the same value as W_fast P_q without forming W_fast.
    """
    projected = keys @ key_projection.T
    if rule == "delta":
        projected = F.normalize(projected, dim=-1)
        return delta_rule(projected, values, beta) @ projected[query]
    return values.T @ (projected @ projected[query])


def fast_weights_after_each_write(key_projection: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                                  rule: str = "sum", beta: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """W_fast after each write of an episode, (..., N, d_v, d_k), and the keys as the rule wrote them, (..., N, d_k).

    Entry n is the W_fast that `retrieve` builds from the first n + 1 pairs alone.
    """
    projected = keys @ key_projection.T
    if rule == "delta":
        projected = F.normalize(projected, dim=-1)
        return delta_rule_states(projected, values, beta), projected
    return sum_rule_states(projected, values), projected


def capacity_cosines(key_projection: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, queries: torch.Tensor,
                     rule: str = "sum", beta: float = 1.0) -> torch.Tensor:
    """Mean retrieval cosine when only the first n pairs are written, for every n = 1..N at once, (N,).

    keys (B, N, d), values (B, N, d_v); queries (B, N) holds, for each n, the index (< n) of the pair read back.
    """
    states, written = fast_weights_after_each_write(key_projection, keys, values, rule, beta)
    index = queries[..., None]
    query_keys = written.gather(-2, index.expand(-1, -1, written.shape[-1]))
    targets = values.gather(-2, index.expand(-1, -1, values.shape[-1]))
    retrieved = (states @ query_keys[..., None])[..., 0]
    return F.cosine_similarity(retrieved, targets, dim=-1).mean(dim=0)


class KeyProjector(nn.Module):
    def __init__(self, key_dim: int, generator: torch.Generator):
        super().__init__()
        self.weight = nn.Parameter(torch.eye(key_dim) + 0.05 * torch.randn(key_dim, key_dim, generator=generator))


@dataclass(frozen=True)
class KVSnapshot:
    """One held-out episode of N pairs (raw keys d, values d_v), the current W_K, and the capacity curves."""

    rule: str  # the write rule, "sum" or "delta"
    key_cosine_before: np.ndarray  # (N, N): cosines between the raw keys
    key_cosine_after: np.ndarray  # (N, N): cosines between the keys projected by W_K
    key_projection: np.ndarray  # (d, d): W_K
    raw_keys: np.ndarray  # (N, d)
    written_keys: np.ndarray  # (N, d): the keys as the rule wrote them (W_K k; unit length for delta)
    values: np.ndarray  # (N, d_v)
    fast_weights: np.ndarray  # (d_v, d): W_fast after the last write
    fast_weights_each_write: np.ndarray  # (N, d_v, d): W_fast after each write
    fast_weight_norm: np.ndarray  # (N,): ‖W_fast‖ after each write
    retrieval_cosine_before: np.ndarray  # (N,): cosine(retrieved, stored) per pair with W_K = I
    retrieval_cosine_after: np.ndarray  # (N,): the same with the current W_K
    capacity_pairs: list[int]  # N = 1..CAPACITY_MAX_PAIRS, the x axis of the capacity curves
    capacity_cosine: list[float]  # mean retrieval cosine per N, this run's rule, current W_K
    capacity_cosine_by_rule: dict[str, list[float]]  # the same for each rule ("sum", "delta")
    capacity_cosine_untrained: dict[str, list[float]]  # the same per rule with W_K = I


KV_PARAMS = ParamSpec([
    Param("steps", "int", 1500, "SGD updates, one episode each.", low=1, high=1_000_000),
    Param("updates_per_step", "int", 100, "SGD updates per reported step (for smoother curves and less overhead).",
          low=1, high=10_000),
    Param("pairs", "int", 5, "N, key/value pairs written into the fast weights per episode.", low=1, high=64),
    Param("key_dim", "int", 8, "d, the size of raw and projected keys.", low=2, high=256),
    Param("value_dim", "int", 8, "Size of the values.", low=1, high=256),
    Param("key_bias", "float", 1.0, "α, how far every raw key leans along the shared bias direction.",
          low=0.0, high=10.0),
    Param("key_noise", "float", 0.4, "β, the size of each raw key's own random part.", low=0.01, high=10.0),
    Param("rule", "choice", "sum", "How pairs are written: the sum rule W += v kᵀ (1992), or the delta rule "
          "W += β(v − W k) kᵀ, which overwrites what a key already retrieves (2021).", choices=("sum", "delta"),
          choice_help={"sum": "W = Σ v kᵀ", "delta": "W += β (v − W k) kᵀ with unit keys"}),
    Param("beta", "float", 1.0, "β, the delta rule's write strength.", low=0.0, high=2.0),
    Param("lr", "float", 0.05, "SGD learning rate of the key projection W_K.", low=1e-5, high=10.0, log=True,
          live=True),
    Param("clip", "float", 1.0, "Clip each update's gradient norm to this (0 is off).", low=0.0, high=100.0,
          live=True),
    Param("eval_episodes", "int", 200, "Held-out episodes for the before/after cosines (and per N of the "
          "capacity curve).", low=1, high=100_000),
])

KV_PRESETS = {
    "reference": Preset(
        "reference", {},
        "N = 5 pairs, d = 8, keys 1.0·b + 0.4·noise, a trained linear W_K, sum rule, plain SGD lr 0.05 (gradient "
        "norm clipped at 1), 1500 one-episode updates; cosines on 200 held-out episodes (before: W_K = I).",
        source=SOURCE + " (fast-weights-key-value)",
        published="mean retrieval cosine 0.43 before training, 0.75 after (0.75-0.81 over seeds 0-9), about 0.13 s",
    ),
    "delta": Preset("delta", {"rule": "delta"}, "The reference setting with the delta rule instead of the sum rule."),
}


class FastWeightsKV(FastWeightExperiment):
    name = "fastweights-kv"
    headline = "cosine_after"
    title = "Fast weights: key/value binding"
    summary = "A slow projector learns keys that a fast weight matrix can store N values under and give back."
    params = KV_PARAMS
    presets = KV_PRESETS
    default_preset = "reference"
    teaching = KV_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.model = KeyProjector(self.p["key_dim"], self.generator(17)).to(self.device)
        # No torch.optim here: `step` applies plain SGD itself (reading the live lr from self.p), and building
        # an optimiser would import torch._dynamo, about a second, several times the whole reference run.
        self.updates_done = 0
        self._capacity: tuple[int, dict[str, list[float]]] | None = None
        self._capacity_untrained: dict[str, list[float]] | None = None

    @property
    def total_steps(self) -> int:
        return -(-self.p["steps"] // self.p["updates_per_step"])

    def episodes(self, batch: int, generator: torch.Generator, pairs: int | None = None):
        p = self.p
        tensors = make_episodes(batch, pairs or p["pairs"], p["key_dim"], p["value_dim"], p["key_bias"],
                                p["key_noise"], generator)
        return tuple(t.to(self.device) for t in tensors)

    def step(self) -> dict[str, float]:
        """`updates_per_step` plain SGD updates, one episode each (the episodes drawn together, up front)."""
        count = min(self.p["updates_per_step"], self.p["steps"] - self.updates_done)
        all_keys, all_values, all_queries = self.episodes(count, self.data_gen)
        weight, lr, clip = self.model.weight, self.p["lr"], self.p["clip"]
        rule, beta = self.p["rule"], self.p["beta"]
        queries = all_queries.tolist()
        outputs = torch.empty(count, all_values.shape[-1], device=self.device)
        for i, query in enumerate(queries):
            values = all_values[i]
            y = retrieve_one(weight, all_keys[i], values, query, rule, beta)
            error = y - values[query]
            (grad,) = torch.autograd.grad(0.5 * error.dot(error), weight)
            with torch.no_grad():
                if clip > 0:  # scale by min(1, clip / ‖g‖) without a Python branch on a tensor (no sync)
                    grad.mul_(torch.clamp(clip / grad.norm(), max=1.0))
                weight.sub_(grad, alpha=lr)
                outputs[i] = y
        self.updates_done += count
        target = all_values[torch.arange(count), all_queries]
        loss = 0.5 * (outputs - target).square().sum(dim=-1).mean()
        cosine = F.cosine_similarity(outputs, target, dim=-1).mean()
        return {"loss": float(loss), "cosine": float(cosine), "updates": float(self.updates_done)}

    @torch.no_grad()
    def mean_cosine(self, key_projection: torch.Tensor, pairs: int | None = None, offset: int = 1,
                    rule: str | None = None) -> float:
        """Mean retrieval cosine over held-out episodes fixed by the seed (by default with this run's rule)."""
        keys, values, query = self.episodes(self.p["eval_episodes"], self.generator(offset), pairs)
        y, _ = retrieve(key_projection, keys, values, query, rule or self.p["rule"], self.p["beta"])
        target = values[torch.arange(len(query)), query]
        return float(F.cosine_similarity(y, target, dim=-1).mean())

    @torch.no_grad()
    def capacity_curves(self, key_projection: torch.Tensor | None = None) -> dict[str, list[float]]:
        """Mean retrieval cosine against N = 1..12, read out with the sum rule and with the delta rule, on held-out
        episodes of 12 pairs of which the first N are written. With the current W_K (trained at `pairs` with this
        run's rule) unless `key_projection` is given; cached until W_K changes."""
        if key_projection is None:
            if self._capacity is None or self._capacity[0] != self.updates_done:
                self._capacity = (self.updates_done, self.capacity_curves(self.model.weight))
            return self._capacity[1]
        gen = self.generator(100)
        keys, values, _ = self.episodes(self.p["eval_episodes"], gen, CAPACITY_MAX_PAIRS)
        pairs = torch.arange(1, CAPACITY_MAX_PAIRS + 1)
        queries = (torch.rand(len(keys), CAPACITY_MAX_PAIRS, generator=gen) * pairs).long().to(self.device)
        return {rule: capacity_cosines(key_projection, keys, values, queries, rule, self.p["beta"]).tolist()
                for rule in ("sum", "delta")}

    def _untrained_capacity(self) -> dict[str, list[float]]:
        if self._capacity_untrained is None:  # W_K = I never changes
            self._capacity_untrained = self.capacity_curves(torch.eye(self.p["key_dim"], device=self.device))
        return self._capacity_untrained

    def evaluate(self) -> dict[str, float]:
        identity = torch.eye(self.p["key_dim"], device=self.device)
        return {"cosine_before": self.mean_cosine(identity), "cosine_after": self.mean_cosine(self.model.weight)}

    @torch.no_grad()
    def snapshot(self) -> KVSnapshot:
        """One held-out episode, its raw keys (before) and projected keys (after): key cosines, retrieval of every
        pair, W_fast after each write; W_K; the capacity curves."""
        keys, values, query = self.episodes(1, self.generator(2))
        rule, beta = self.p["rule"], self.p["beta"]
        retrieval = {}
        for label, matrix in (("before", torch.eye(self.p["key_dim"], device=self.device)),
                              ("after", self.model.weight)):
            every = torch.arange(self.p["pairs"], device=self.device)
            y, _ = retrieve(matrix, keys.expand(len(every), -1, -1), values.expand(len(every), -1, -1), every,
                            rule, beta)
            retrieval[label] = to_numpy(F.cosine_similarity(y, values[0], dim=-1))
        fast_each_write, written = fast_weights_after_each_write(self.model.weight, keys[0], values[0], rule, beta)
        projected = keys[0] @ self.model.weight.T
        unit_raw, unit_projected = F.normalize(keys[0], dim=-1), F.normalize(projected, dim=-1)
        curves = self.capacity_curves()
        return KVSnapshot(
            rule=rule,
            key_cosine_before=to_numpy(unit_raw @ unit_raw.T),
            key_cosine_after=to_numpy(unit_projected @ unit_projected.T),
            key_projection=to_numpy(self.model.weight),
            raw_keys=to_numpy(keys[0]),
            written_keys=to_numpy(written),
            values=to_numpy(values[0]),
            fast_weights=to_numpy(fast_each_write[-1]),
            fast_weights_each_write=to_numpy(fast_each_write),
            fast_weight_norm=to_numpy(fast_each_write.flatten(1).norm(dim=1)),
            retrieval_cosine_before=retrieval["before"],
            retrieval_cosine_after=retrieval["after"],
            capacity_pairs=list(range(1, CAPACITY_MAX_PAIRS + 1)),
            capacity_cosine=curves[rule],
            capacity_cosine_by_rule=curves,
            capacity_cosine_untrained=self._untrained_capacity(),
        )
