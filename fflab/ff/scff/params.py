"""The hyperparameters of `scff`, one declaration each."""

from fflab.ff.classifier_params import SHARED_PARAMS
from fflab.ff.scff.core import ACTIVATIONS, NORMS
from fflab.params import Param, ParamSpec

SCFF_PARAMS = ParamSpec(
    [p if p.name != "optimizer" else Param(
        "optimizer", "choice", "adam", "The optimiser of every layer; `adamw` decays the weights apart from the "
        "gradient (the authors').", choices=("adam", "adamw", "sgd"), group="optimiser") for p in SHARED_PARAMS]
    + [
        Param("threshold_pos", "int_list", (4, 1), "θ₊ per layer (the last repeating): positives are pushed to a "
              "goodness above it.", low=0, high=1000, max_items=6, group="objective"),
        Param("threshold_neg", "int_list", (6, 1), "θ₋ per layer (the last repeating): negatives are pushed to a "
              "goodness below it.", low=0, high=1000, max_items=6, group="objective"),
        Param("goodness_penalty", "float", 1e-4, "λ: a penalty on the positives' mean goodness, which keeps it "
              "from growing without bound (0 is off).", low=0.0, high=1.0, live=True, group="objective"),
        Param("norm", "choice", "std", "How each layer normalises its input (the first layer each image of the "
              "pair alone).", choices=NORMS, choice_help={
                  "std": "minus its mean, divided by its standard deviation (the authors')",
                  "l2": "to unit length", "rms": "to unit root-mean-square", "none": "not at all"}, group="model"),
        Param("activation", "choice", "triangle", "What each layer passes on and the probe reads.",
              choices=ACTIVATIONS, choice_help={"triangle": "relu(z − mean of z over the layer's units) "
                                                "(the authors' MNIST choice)", "relu": "relu(z)"}, group="model"),
        Param("shift", "int", 0, "While layers after the first train, each image of a pair is translated at "
              "random by up to this many pixels (0 is off).", low=0, high=4, unit="pixels", group="data"),
        Param("schedule", "choice", "simultaneous", "`greedy`: layer 1 for all its steps, then layer 2, ... "
              "(the authors'); `simultaneous`: every layer on every batch, inputs detached.",
              choices=("simultaneous", "greedy"), group="schedule"),
        Param("probe_epochs", "float", 0.0, "After training, passes over the training set that train only the "
              "linear probe, on the frozen net.", low=0.0, high=200.0, unit="epochs", group="evaluation"),
        Param("head_lr", "float", 0.003, "Learning rate of the linear probe (Adam).", low=1e-6, high=1.0, log=True,
              live=True, group="evaluation"),
    ]
)
