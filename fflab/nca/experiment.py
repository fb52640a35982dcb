"""`nca`: a growing neural cellular automaton, its rule trained by backprop through time, by FF, or both.

One training step trains each chosen rule once (`bptt.py`, `ff.py`), then advances the live grids (`live_grid.py`)
a few automaton steps. Both rules start from the same initial weights (the update layer at zero), and their live
grids from the same seed cell with the same random firing, so the two pictures differ only by how each learned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from fflab.experiment import Experiment
from fflab.metric_names import metric
from fflab.nca.bptt import BPTTTrainer
from fflab.nca.ff import FFRule, FFTrainer
from fflab.nca.live_grid import LiveGrids
from fflab.nca.model import UpdateRule, damage_disc, grow, rgba_error, seed_state, to_rgb_image
from fflab.nca.params import NCA_PARAMS, NCA_PRESETS, RULES, check_params
from fflab.nca.pool import RuleTrainer
from fflab.nca.targets import draw_target
from fflab.nca.text import NCA_TEACHING

RULE_NAMES = {"bptt": "backprop through time", "ff": "Forward-Forward"}


@dataclass(frozen=True)
class NCASnapshot:
    """The live grids of each rule, the target, the regrowth after the latest damage, the update weights."""

    rules: list[str]  # the rules shown, in order: "bptt", "ff"
    grids: np.ndarray  # (rules, H, W, 3): each live grid's colours over white, in [0, 1]
    target: np.ndarray  # (H, W, 3): the target, drawn the same way
    grid_age: int  # automaton steps since the live grids left the seed
    grid_mse: list[float]  # per rule: RGBA mean squared error of its live grid against the target
    damages: int  # damages applied to the live grids so far
    damage_centre: tuple[int, int] | None  # (row, column) of the latest disc, None before the first
    steps_since_damage: int | None  # automaton steps since that damage (None: none since the last restart)
    regrow_steps: list[int | None]  # per rule: steps it took to regrow, None while regrowing (or no damage)
    update_weights: np.ndarray  # (rules, 16, 128): each rule's update layer, output channel × hidden unit
    perceive_weights: np.ndarray  # (rules, 128, 48): each rule's perceive layer, hidden unit × perception input
    train_seconds: list[float]  # per rule: seconds spent training it so far
    blowups: int = 0  # times the live grids restarted because a grid's values overflowed


class NeuralCA(Experiment):
    name = "nca"
    headline = "target_mse"
    headline_lower_is_better = True
    title = "Growing neural cellular automaton"
    summary = ("A grid of cells shares one small rule and grows a picture from a single seed cell; the rule learns "
               "by backprop through time (Mordvintsev et al. 2020) or layer-locally by Forward-Forward.")
    params = NCA_PARAMS
    presets = NCA_PRESETS
    default_preset = "quick"
    teaching = NCA_TEACHING
    max_threads = 1  # small grids: a second thread waits more than it helps, far more on busy cores

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        check_params(self.p)
        p = self.p
        self.target = draw_target(p["target"], p["size"], p["pad"]).to(self.device)
        self.shown = list(RULES[p["rule"]])
        init = UpdateRule(generator=torch.Generator().manual_seed(self.seed)).state_dict()
        self.trainers: dict[str, RuleTrainer] = {}
        for kind in self.shown:
            rule = (FFRule(p["ff_readout"] == "normalised") if kind == "ff" else UpdateRule()).to(self.device)
            rule.load_state_dict(init)  # the same initial weights for both rules
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + (1 if kind == "bptt" else 2))
            trainer_cls = FFTrainer if kind == "ff" else BPTTTrainer
            self.trainers[kind] = trainer_cls(rule, self.target, p, generator)
        self.live = LiveGrids({k: t.rule for k, t in self.trainers.items()}, self.target, self.seed)
        self.damages = 0
        self.damage_centre: tuple[int, int] | None = None
        self.initial_errors = {kind: self.errors_after_growth(kind)["target_mse"] for kind in self.shown}

    @property
    def total_steps(self) -> int:
        return self.p["steps"]

    def step(self) -> dict[str, float]:
        metrics: dict[str, float] = {}
        for kind, trainer in self.trainers.items():
            for name, value in trainer.train_step().items():
                metrics[metric(name, kind)] = value
        errors = self.live.advance(self.p["display_steps"], self.p["fire_rate"], self.p["restart_after"])
        for kind, error in errors.items():
            metrics[metric("grid_mse", kind)] = error
        return metrics

    # -- live changes: learning rates, and a damage each time `damage` is sent ------------------------------
    def on_update(self, changes: Mapping[str, Any]) -> None:
        for kind, trainer in self.trainers.items():
            name = "ff_lr" if kind == "ff" else "lr"
            if name in changes:
                trainer.set_lr(self.p[name])
        if "damage" in changes:  # its value is only a count for the page: every change sent is one damage
            self.damage_live_grids()

    def damage_live_grids(self) -> None:
        self.damage_centre = self.live.damage(self.p["damage_radius"], self.p["pad"], self.p["size"])
        self.damages += 1

    # -- measuring ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def errors_after_growth(self, kind: str) -> dict[str, float]:
        """Each rule from `eval_grids` seeds, with firing fixed by the seed: growth, regrowth and persistence."""
        p = self.p
        rule = self.trainers[kind].rule
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + 5)
        _, height, width = self.target.shape
        grown = grow(seed_state(p["eval_grids"], height, width, self.device), rule, p["eval_steps"],
                     p["fire_rate"], generator)
        centres = torch.randint(p["pad"], p["pad"] + p["size"], (p["eval_grids"], 2), generator=generator)
        damaged = torch.cat([damage_disc(grown[i : i + 1], (int(r), int(c)), p["damage_radius"])
                             for i, (r, c) in enumerate(centres)])
        regrown = grow(damaged, rule, p["eval_steps"], p["fire_rate"], generator)
        persisted = grow(grown, rule, 2 * p["grow_max"] - p["eval_steps"], p["fire_rate"], generator) \
            if 2 * p["grow_max"] > p["eval_steps"] else grown
        return {name: float(rgba_error(state, self.target).mean().clamp(max=1e6))
                for name, state in (("target_mse", grown), ("regrow_mse", regrown), ("persist_mse", persisted))}

    def evaluate(self) -> dict[str, float]:
        metrics: dict[str, float] = {}
        for kind in self.shown:
            metrics[metric("target_mse_initial", kind)] = self.initial_errors[kind]
            for name, value in self.errors_after_growth(kind).items():
                metrics[metric(name, kind)] = value
            metrics[metric("train_seconds", kind)] = self.trainers[kind].seconds
        return metrics

    @torch.no_grad()
    def snapshot(self) -> NCASnapshot:
        watches = self.live.watches
        errors = self.live.errors()
        any_watch = next(iter(watches.values()), None)
        return NCASnapshot(
            rules=list(self.shown),
            grids=np.stack([to_rgb_image(self.live.states[k][0]).cpu().numpy() for k in self.shown]),
            target=to_rgb_image(self.target).cpu().numpy(),
            grid_age=self.live.age,
            grid_mse=[errors[k] for k in self.shown],
            damages=self.damages,
            damage_centre=self.damage_centre,
            steps_since_damage=any_watch.steps_since if any_watch is not None else None,
            regrow_steps=[watches[k].regrown_in if k in watches else None for k in self.shown],
            update_weights=np.stack([self.trainers[k].rule.update_layer.weight[:, :, 0, 0].cpu().numpy()
                                     for k in self.shown]),
            perceive_weights=np.stack([self.trainers[k].rule.perceive_layer.weight[:, :, 0, 0].cpu().numpy()
                                       for k in self.shown]),
            train_seconds=[self.trainers[k].seconds for k in self.shown],
            blowups=self.live.blowups,
        )

    # -- saving ------------------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, torch.Tensor]:
        return {f"{kind}.{name}": value.detach().cpu().clone()
                for kind, trainer in self.trainers.items() for name, value in trainer.rule.state_dict().items()}

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        for kind, trainer in self.trainers.items():
            prefix = f"{kind}."
            trainer.rule.load_state_dict({k[len(prefix):]: v.to(self.device) for k, v in state.items()
                                          if k.startswith(prefix)})
