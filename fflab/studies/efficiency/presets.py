"""The parameters and presets of `efficiency`, and the settings its ff and bp nets train with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fflab.data import DATASETS
from fflab.experiment import Preset
from fflab.families import member
from fflab.params import Param, ParamSpec

FF, BP = member("ff"), member("bp")

CLAIM = "FF costs 30-240x backprop's training time"
STUDY = "koriyoshi2041/ff-negative-samples (README)"
FOLK_CLAIM = "FF needs O(width) activation memory where backprop needs O(depth x width)"

EFFICIENCY_PARAMS = ParamSpec([
    Param("dataset", "choice", "digits", "Which images: scikit-learn's 8x8 digits (offline), MNIST or Fashion-MNIST.",
          choices=DATASETS),
    Param("width", "int", 500, "Units in every hidden layer, of both nets.", low=4, high=4000, unit="units"),
    Param("depth", "int", 2, "Hidden layers of the nets that race to the target accuracy (and of the "
          "layer-parallel test).", low=1, high=16, unit="layers"),
    Param("depths", "int_list", (1, 2, 4, 8), "Depths at which one training step's memory is measured.", low=1,
          high=32, unit="layers", max_items=8),
    Param("batch_size", "int", 100, "Samples per training step, for both nets.", low=1, high=60000, unit="samples"),
    Param("epochs", "float", 40.0, "Training budget of each net: passes over the training set.", low=0.01,
          high=500.0, unit="epochs"),
    Param("target_accuracy", "float", 0.9, "The test accuracy each net races to (on the evaluation subset).",
          low=0.1, high=1.0),
    Param("eval_every", "int", 25, "Training steps between evaluations (each adds a point to the accuracy "
          "against time curve; evaluation time is not counted as training time).", low=1, high=100_000,
          unit="steps"),
    Param("eval_samples", "int", 1000, "Test images scored at each evaluation (the final accuracy uses all).",
          low=100, high=10000, unit="samples"),
    Param("parallel_steps", "int", 40, "Training steps of the layer-parallel FF test, run both concurrently and "
          "one layer after another (0 skips the test).", low=0, high=5000, unit="steps"),
])

EFFICIENCY_PRESETS = {
    "digits-quick": Preset(
        "digits-quick",
        {"dataset": "digits", "width": 500, "depth": 2, "depths": (1, 2, 4, 8), "epochs": 40.0,
         "target_accuracy": 0.9, "eval_every": 25, "parallel_steps": 40},
        "Offline: the 8x8 digits, 64-500-500 nets, 40 epochs each (600 steps of 100), memory at depths 1, 2, 4, 8. "
        "Under 30 s on a CPU.",
        source=STUDY,
        published=CLAIM,
        measured="FF/bp time 1.47x per epoch, 12.7x to 90%; activations bp/FF 0.51x at 1 layer, 2.04x at 8; "
                 "layer-parallel speed-up 0.75x; 9.3 s wall on 2 busy CPU cores "
                 "(python -m fflab run efficiency --preset digits-quick)",
    ),
    "quick": Preset(
        "quick",
        {"dataset": "mnist", "width": 500, "depth": 2, "depths": (1, 2, 4, 8), "epochs": 8.0,
         "target_accuracy": 0.95, "eval_every": 200, "eval_samples": 2000, "parallel_steps": 40},
        "MNIST, 784-500-500 nets, 8 epochs each (4800 steps of 100), ff with its quick settings (SymBa loss, "
        "lr 0.003 decaying linearly), bp with its own (Adam, lr 0.001 decaying linearly); memory at depths "
        "1, 2, 4, 8. Under 2 minutes on 2 busy CPU cores.",
        source=STUDY,
        published=CLAIM,
        measured="FF/bp time 1.55x per epoch (5.45 s against 3.52 s), 5.5x to 95% (20.1 s against 3.6 s); test "
                 "accuracy 97.26% against 98.39%; activations bp/FF 0.50x at 1 layer, 1.87x at 8; layer-parallel "
                 "speed-up 1.44x; 86 s in the run on the quiet 2-core machine "
                 "(python -m fflab run efficiency --preset quick)",
    ),
}

_SHAPE_AND_BUDGET = ("dataset", "batch_size", "epochs", "eval_samples")


def net_values(algorithm: str, params: Mapping[str, Any], depth: int) -> dict[str, Any]:
    """The `ff` or `bp` parameters of a net of `depth` hidden layers: its own preset for this dataset
    (digits-quick on the digits, quick otherwise), with the shape and budget of `efficiency`."""
    presets = FF.presets if algorithm == "ff" else BP.presets
    base = presets["digits-quick" if params["dataset"] == "digits" else "quick"].values
    values = {k: v for k, v in base.items() if k not in ("steps", "eval_every", "hidden")}
    values.update({k: params[k] for k in _SHAPE_AND_BUDGET})
    values["eval_every"] = 100_000  # `efficiency` evaluates both nets itself
    values = (FF.params if algorithm == "ff" else BP.params).resolve(values)
    # set after validation: the page caps `hidden` at 6 layers, the memory sweep goes deeper
    values["hidden"] = (params["width"],) * depth
    return values
