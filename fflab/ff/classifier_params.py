"""The parameters every image classifier of the lab shares: data, model size, optimiser, schedule, evaluation."""

from __future__ import annotations

from fflab.data import DATASETS
from fflab.params import Condition, Param

SHARED_PARAMS = [
    Param("dataset", "choice", "digits", "Which images to learn: scikit-learn's 8x8 digits (offline), MNIST or Fashion-MNIST.",
          choices=DATASETS, group="data"),
    Param("hidden", "int_list", (500, 500), "Hidden layer widths, first to last (e.g. 500,500).", low=4, high=4000,
          unit="units", max_items=6, group="model"),
    Param("pixels", "choice", "unit", "Pixel scaling: `unit` keeps [0, 1]; `standardize` subtracts the training "
          "mean and divides by the standard deviation.", choices=("unit", "standardize"), group="data"),
    Param("optimizer", "choice", "adam", "The optimiser of every layer.", choices=("adam", "sgd"), group="optimiser"),
    Param("lr", "float", 0.01, "Learning rate.", low=1e-6, high=1.0, log=True, live=True, group="optimiser"),
    Param("lr_decay", "choice", "none", "`linear` lowers the learning rate steadily to 0 by the end of training "
          "(of each layer's phase, when layers train one after another).", choices=("none", "linear"),
          group="optimiser"),
    Param("momentum", "float", 0.9, "SGD momentum (ignored by Adam).", low=0.0, high=0.999, group="optimiser",
          applies=("optimizer", "sgd")),
    Param("weight_decay", "float", 0.0, "L2 weight decay.", low=0.0, high=0.1, group="optimiser"),
    Param("batch_size", "int", 100, "Samples per step; 0 trains on the full training set every step.", low=0,
          high=60000, unit="samples", group="schedule"),
    Param("steps", "int", 1000, "Training steps (per layer when layers train one after another).", low=1,
          high=1_000_000, unit="steps", group="schedule",
          applies=Condition("epochs", (0.0,), reason="epochs decides the run length")),
    Param("epochs", "float", 0.0, "If above 0, sets the steps to this many passes over the training set.", low=0.0,
          high=500.0, unit="epochs", group="schedule"),
    Param("eval_every", "int", 100, "Steps between evaluations while training.", low=1, high=100_000, unit="steps",
          group="evaluation"),
    Param("eval_samples", "int", 2000, "Held-out and training samples scored at each evaluation while training "
          "(the final figures use the whole test set).", low=100, high=60000, unit="samples", group="evaluation"),
    Param("train_score", "choice", "sample", "The final training-set accuracy: `sample` scores the same "
          "`eval_samples` training images as while training; `all` scores every training image (for FF on "
          "MNIST, ten label passes over 60,000 images).", choices=("sample", "all"), group="evaluation"),
]
