"""The `nca` experiment's parameters and presets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fflab.experiment import Preset
from fflab.nca.targets import SHAPE_HELP, SHAPES
from fflab.nca.text import MORDVINTSEV_2020
from fflab.params import Param, ParamError, ParamSpec

RULES = {"both": ("bptt", "ff"), "bptt": ("bptt",), "ff": ("ff",)}
BPTT_USED = ("rule", ("both", "bptt"))  # the parameter has an effect only when the bptt rule trains
FF_USED = ("rule", ("both", "ff"))

NCA_PARAMS = ParamSpec([
    Param("rule", "choice", "both", "How the rule learns; `both` trains the two side by side from the same start.",
          choices=tuple(RULES), choice_help={
              "both": "the classic rule and the FF rule, side by side, same initial weights and seed cell",
              "bptt": "backprop through 64-96 steps of the automaton (Mordvintsev et al. 2020)",
              "ff": "each layer on its own, one step at a time: goodness for perceive, a local delta rule for update"},
          group="model"),
    Param("target", "choice", "smiley", "The picture to grow (drawn by code, no download).", choices=tuple(SHAPES),
          choice_help=SHAPE_HELP, group="data"),
    Param("size", "int", 16, "Width and height of the target picture.", low=6, high=64, unit="cells", group="data"),
    Param("pad", "int", 4, "Empty cells around the picture on every side (the grid is size + 2·pad wide).",
          low=1, high=32, unit="cells", group="data"),
    Param("steps", "int", 400, "Training steps; each trains every chosen rule once.", low=1, high=100_000,
          group="schedule"),
    Param("batch", "int", 4, "Grids per training batch, drawn from the sample pool.", low=1, high=64,
          group="optimiser"),
    Param("pool_size", "int", 64, "States in each rule's sample pool.", low=1, high=4096, group="optimiser"),
    Param("grow_min", "int", 24, "Fewest automaton steps a bptt batch grows before its loss.", low=1, high=256,
          unit="steps", group="schedule", applies=BPTT_USED),
    Param("grow_max", "int", 36, "Most automaton steps a bptt batch grows before its loss.", low=1, high=256,
          unit="steps", group="schedule"),
    Param("fire_rate", "float", 0.5, "Chance that a cell updates at a step (the stochastic update).",
          low=0.05, high=1.0, group="model"),
    Param("lr", "float", 2e-3, "Adam learning rate of the bptt rule (gradients normalised per layer).",
          low=1e-5, high=0.1, log=True, live=True, group="optimiser", applies=BPTT_USED),
    Param("ff_lr", "float", 5e-4, "Adam learning rate of the FF rule's two layers.", low=1e-5, high=0.1, log=True,
          live=True, group="optimiser", applies=FF_USED),
    Param("ff_rollout", "int", 8, "Automaton steps an FF batch grows per training step; each is one local update.",
          low=1, high=128, unit="steps", group="schedule", applies=FF_USED),
    Param("threshold", "float", 2.0, "θ of the FF goodness (mean square activity of the perceive layer).",
          low=0.01, high=100.0, log=True, group="objective", applies=FF_USED),
    Param("ff_perceive", "choice", "goodness", "How the FF rule's perceive layer learns.",
          choices=("goodness", "frozen"), choice_help={
              "goodness": "by goodness: positives from the teacher's growth, negatives from the rule's own grids",
              "frozen": "not at all: random features (the control that shows what goodness adds)"},
          group="objective", applies=FF_USED),
    Param("ff_readout", "choice", "raw", "What the FF rule's update layer reads of the perceive layer.",
          choices=("raw", "normalised"), choice_help={
              "raw": "its activity as it is, as the bptt rule does",
              "normalised": "its activity divided by its root mean square (FF's normalisation between layers)"},
          group="objective", applies=FF_USED),
    Param("train_damage", "int", 0, "Grids of each batch damaged (a disc erased) before training: trains regrowth.",
          low=0, high=64, group="schedule"),
    Param("damage_radius", "float", 4.0, "Radius of an erased disc, in training, evaluation and the live grids.",
          low=1.0, high=32.0, unit="cells", live=True, group="evaluation"),
    Param("eval_steps", "int", 36, "Automaton steps grown from the seed (and again after a damage) to measure.",
          low=1, high=512, unit="steps", group="evaluation"),
    Param("eval_grids", "int", 4, "Grids averaged in each final measurement.", low=1, high=64, group="evaluation"),
    Param("display_steps", "int", 4, "Automaton steps the live grids grow after each training step (0 freezes).",
          low=0, high=64, unit="steps", live=True),
    Param("restart_after", "int", 96, "The live grids start again from the seed after this many steps (0: never; "
          "a grid whose values overflow restarts at once).",
          low=0, high=10_000, unit="steps", live=True),
    Param("damage", "int", 0, "Each change while a run goes erases a random disc in every live grid (as the "
          "Damage button does).",
          low=0, high=1_000_000, live=True, step=1),
])

NCA_PRESETS = {
    "quick": Preset(
        "quick", {},
        "Both rules on a 16-cell smiley in a 24×24 grid, batch 4, bptt through 24-36 steps, 400 training steps: "
        "a few minutes on 2 CPU cores.",
        measured="RGBA error against the target from 0.169 untrained to 0.020 by bptt and 0.131 by FF (regrown "
                 "after damage 0.034 and 0.134); 2 min 57 s on 2 CPU cores, seed 0",
    ),
    "distill": Preset(
        "distill", {"size": 40, "pad": 16, "steps": 8000, "batch": 8, "pool_size": 1024, "grow_min": 64,
                    "grow_max": 96, "eval_steps": 96, "damage_radius": 10.0, "restart_after": 200},
        "The article's setting: a 40×40 picture padded by 16 (72×72 grid), batch 8 from a pool of 1024, 64-96 "
        "steps, Adam 2e-3, 8000 steps: GPU-scale (hours on a CPU).",
        source=f"{MORDVINTSEV_2020.short}, experiment 2 (persistent); with train_damage 3, experiment 3",
        published="an emoji grown from one cell that persists, and with damage in training regrows",
    ),
}


def check_params(p: Mapping[str, Any]) -> None:
    """The checks that involve two parameters (each alone is checked by its declaration)."""
    if p["grow_min"] > p["grow_max"]:
        raise ParamError("grow_min", f"{p['grow_min']} is above grow_max ({p['grow_max']})")
    if p["train_damage"] >= p["batch"] and p["train_damage"] > 0:
        raise ParamError("train_damage", f"{p['train_damage']} leaves no undamaged grid in a batch of {p['batch']}")
