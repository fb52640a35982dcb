"""The negative-strategy race (`negatives`): FF networks that differ only in their negative data.

Every contestant is a Forward-Forward network (`ff`) with one negative strategy. They start
from identical weights (each is built right after seeding with the same seed), are trained on
identical positive batches in the same order (the race draws each batch once and hands it to
every contestant), and get the same budget: each `step()` advances every contestant by one
batch. Each contestant's negatives come from its own generator, so one strategy's random draws
never shift another's. With `seeds` > 1 the race is repeated, one seed after another, and the
final figures are the mean and spread over seeds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from fflab.experiment import Preset, load_state_of_parts, state_of_parts
from fflab.families import member
from fflab.ff.classifier import ClassifierExperiment
from fflab.ff.negatives import NEGATIVE_STRATEGIES
from fflab.ff.negatives.snapshot import RaceSnapshot
from fflab.ff.negatives.text import NEGATIVES_TEACHING, PUBLISHED_ACCURACY
from fflab.metric_names import layer_indices, layer_metric, metric
from fflab.params import Param, ParamSpec

if TYPE_CHECKING:  # for the type hints only: the race gets its contestants through the families listing
    from fflab.ff.forward_forward.experiment import ForwardForward

FF = member("ff")

PUBLISHED_SIX = tuple(PUBLISHED_ACCURACY)

RACE_PARAMS = ParamSpec(
    [
        Param("strategies", "choice_list", tuple(NEGATIVE_STRATEGIES), "The contestants: negative strategies that "
              "race in lockstep.", choices=tuple(NEGATIVE_STRATEGIES), max_items=len(NEGATIVE_STRATEGIES),
              choice_help={k: v.help for k, v in NEGATIVE_STRATEGIES.items()}, group="negatives"),
        Param("seeds", "int", 1, "Repeat the race over this many seeds (seed, seed + 1, ...), one after another; "
              "the final accuracy is the mean, with its standard deviation.", low=1, high=20, unit="seeds",
              group="schedule"),
    ]
    + [p for p in FF.params if p.name != "negatives"]
)

RACE_PRESETS = {
    "digits-race": Preset(
        "digits-race",
        {**{k: v for k, v in FF.presets["digits-quick"].values.items() if k != "negatives"},
         "hidden": (200, 200), "steps": 300, "eval_every": 50},
        "Every strategy on the offline 8x8 digits, ff's digits-quick settings with 200-200 layers and 300 steps.",
    ),
    "quick-race": Preset(
        "quick-race",
        {**{k: v for k, v in FF.presets["quick"].values.items() if k not in ("negatives", "epochs")},
         "loss": "threshold", "epochs": 3.0, "eval_every": 300, "eval_samples": 1000},
        "Every strategy on MNIST: 784-500-500, RMS-normalised inputs, Adam with linear decay, batches of 100, "
        "Hinton's threshold loss (θ = 2 on mean goodness, as in the published race), 3 epochs (1800 steps), so "
        "that the race of all nine fits in about 5 minutes on 2 CPU cores.",
        measured="seed 0, full test set: hard_label 94.82%, hybrid_mix 92.86%, wrong_label 92.65%, random_label "
                 "92.61%, masked 92.56%, class_confusion 92.37%, same_class_diff_img 92.29%, hinton_hybrid 91.56%, "
                 "noise_augmented 91.39%; 147 s wall on the quiet 2-core machine (144 s training and evaluation)",
    ),
    "quick-race-symba": Preset(
        "quick-race-symba",
        {**{k: v for k, v in FF.presets["quick"].values.items() if k not in ("negatives", "epochs")},
         "epochs": 3.0, "eval_every": 300, "eval_samples": 1000},
        "quick-race with ff's quick loss instead, SymBa (softplus of α times the goodness gap between a positive "
        "and its negative): negatives that differ from positives in the image itself (noise, masks) are then told "
        "apart by the image alone, and prediction by label collapses.",
        measured="seed 0, in-process on one busy core (provisional): hard_label 96.95%, wrong_label 95.29%, "
                 "random_label 95.10%, same_class_diff_img 94.63%, class_confusion 92.75%, hinton_hybrid 92.44%, "
                 "hybrid_mix 88.12%, noise_augmented 4.98%, masked 4.76%",
    ),
    "published-table": Preset(
        "published-table",
        {**{k: v for k, v in FF.presets["mpezeshki"].values.items() if k != "negatives"},
         "strategies": PUBLISHED_SIX},
        "The six published strategies at the published setting: 784-500-500, 1000 full-batch Adam steps per layer "
        "(lr 0.03), one layer after the other, θ = 2 on mean goodness, negatives drawn once, prediction by summed "
        "goodness (ff's mpezeshki preset). The published code also put a LayerNorm after each ReLU and wrote the "
        "label at the largest pixel of each batch. A GPU-scale run.",
        source="koriyoshi2041/ff-negative-samples (experiments/fair_strategy_comparison.py)",
        published=", ".join(f"{name} {acc:.2%}" for name, acc in PUBLISHED_ACCURACY.items()) + " MNIST test accuracy",
    ),
}


@dataclass
class Standing:
    """A contestant's latest figures within the current seed (None until it has one)."""

    loss: float | None = None
    separation: float | None = None
    test_accuracy: float | None = None


class NegativeRace(ClassifierExperiment):
    name = "negatives"
    title = "Negative-strategy race"
    summary = "FF networks that differ only in how their negative data is made, trained in lockstep."
    params = RACE_PARAMS
    presets = RACE_PRESETS
    default_preset = "digits-race"
    teaching = NEGATIVES_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.strategies: tuple[str, ...] = self.contestant_names()
        self.seed_results: list[dict[str, float]] = []  # each finished seed's full-test accuracies
        self.latest: dict[str, Standing] = {s: Standing() for s in self.strategies}
        self.current_batch: tuple[torch.Tensor, torch.Tensor] | None = None
        self.seed_index = -1
        self.contestants: dict[str, ForwardForward] = {}
        self._start_seed(0)

    # -- the contestants (a subclass may race something other than negative strategies) --
    def contestant_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.p["strategies"]))

    def make_contestant(self, name: str, seed: int) -> ForwardForward:
        return self.member(seed, negatives=name)

    def member(self, seed: int, **differences: Any) -> ForwardForward:
        """An `ff` net on the race's data and batches (by reference), with its own weights and negatives."""
        params = {name: self.p[name] for name in FF.params.names() if name in self.p}
        net = FF({**params, **differences}, seed, self.device, shared=self.shared)
        net.batch_source = lambda: self.current_batch
        net.live_evaluations = False  # the race scores every contestant itself
        return net

    def contestant_help(self, name: str) -> str:
        return NEGATIVE_STRATEGIES[name].help

    # -- budget --------------------------------------------------------------
    @property
    def steps_per_seed(self) -> int:
        per_phase = self.steps_per_phase
        return per_phase * len(self.p["hidden"]) if self.p["schedule"] == "greedy" else per_phase

    @property
    def total_steps(self) -> int:
        return self.steps_per_seed * self.p["seeds"]

    def _start_seed(self, index: int) -> None:
        """Fresh contestants and batch order for seed `self.seed + index`."""
        seed = self.seed + index
        self.seed_index = index
        self.gen = torch.Generator(device=self.device).manual_seed(seed)  # the batch order
        self._order = torch.empty(0, dtype=torch.long, device=self.device)
        self._cursor = 0
        self.contestants = {s: self.make_contestant(s, seed) for s in self.strategies}
        self.latest = {s: Standing() for s in self.strategies}

    # -- training ------------------------------------------------------------
    def step(self) -> dict[str, float]:
        local = self.steps_done - self.seed_index * self.steps_per_seed
        if local >= self.steps_per_seed:
            self._start_seed(self.seed_index + 1)
            local = 0
        self.current_batch = self.next_batch()
        metrics: dict[str, float] = {"seed": float(self.seed + self.seed_index), "seed_step": float(local + 1),
                                     "samples": float(self.samples_seen)}
        evaluate_now = (local + 1) % self.p["eval_every"] == 0 or local + 1 == self.steps_per_seed
        for name, contestant in self.contestants.items():
            stats = contestant.advance()
            layers = layer_indices(stats, "loss")
            standing = self.latest[name]
            standing.loss = sum(stats[layer_metric("loss", i)] for i in layers)
            standing.separation = sum(stats[layer_metric("goodness_pos", i)] - stats[layer_metric("goodness_neg", i)]
                                      for i in layers) / len(layers)
            metrics[metric("loss", name)] = standing.loss
            metrics[metric("separation", name)] = standing.separation
            if evaluate_now:
                standing.test_accuracy = contestant.score(self.x_test[self.eval_test], self.y_test[self.eval_test])
                metrics[metric("test_accuracy", name)] = standing.test_accuracy
        if local + 1 == self.steps_per_seed:
            self.seed_results.append(self._full_test_accuracies())
        return metrics

    def on_update(self, changes: Mapping[str, Any]) -> None:
        for contestant in self.contestants.values():
            contestant.update(**{name: self.p[name] for name in changes})

    # -- scoring -------------------------------------------------------------
    @torch.no_grad()
    def _full_test_accuracies(self) -> dict[str, float]:
        return {name: c.score(self.x_test, self.y_test, keep_confusion=True) for name, c in self.contestants.items()}

    def evaluate(self) -> dict[str, float]:
        return {metric("test_accuracy", k): v for k, v in self._full_test_accuracies().items()}

    def final_metrics(self) -> dict[str, float]:
        """Full-test accuracy per strategy; over several seeds the mean and the standard deviation (n − 1).

        A race stopped part-way counts its unfinished seed as it stands."""
        results = list(self.seed_results)
        local = self.steps_done - self.seed_index * self.steps_per_seed
        if len(results) <= self.seed_index and local > 0:
            results.append(self._full_test_accuracies())
        metrics: dict[str, float] = {}
        for name in self.strategies:
            values = [r[name] for r in results]
            metrics[metric("test_accuracy", name)] = float(np.mean(values))
            if self.p["seeds"] > 1:
                std = float(np.std(values, ddof=1)) if len(values) > 1 else math.nan
                metrics[metric("test_accuracy_std", name)] = std
        metrics["seeds_done"] = float(len(results))
        return metrics

    # -- for the plots -------------------------------------------------------
    @torch.no_grad()
    def snapshot(self) -> RaceSnapshot:
        examples = {name: c.example_batch() for name, c in self.contestants.items()}
        accuracy = {s: v.test_accuracy for s, v in self.latest.items() if v.test_accuracy is not None}
        return RaceSnapshot(
            classifier=self.classifier_snapshot(),
            strategies=self.strategies,
            strategy_help={s: self.contestant_help(s) for s in self.strategies},
            examples={name: batch for name, batch in examples.items() if batch is not None},
            separation={s: v.separation for s, v in self.latest.items() if v.separation is not None},
            loss={s: v.loss for s, v in self.latest.items() if v.loss is not None},
            test_accuracy=accuracy,
            ranking=tuple(sorted(accuracy.items(), key=lambda item: -item[1])),
            seed=self.seed + self.seed_index,
            seed_results=tuple(dict(r) for r in self.seed_results),
        )

    def state_dict(self) -> dict[str, torch.Tensor]:
        return state_of_parts(self.contestants)

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts(self.contestants, state)
