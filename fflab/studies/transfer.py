"""Transfer (`transfer`): do features learnt on one dataset help a linear probe on another?

Each model is pretrained on the source task, frozen, and a linear probe (softmax regression
on standardised features) is fitted on the target task's training images and scored on its
test images. One model after another: the bars fill in as each finishes. Every model gets the
same seed, the same source batches (its own experiment, seeded alike) and the same probe.

Features, per model:
- `ff`: each layer's normalised activities with a neutral label (every label pixel 1/classes),
  concatenated over layers, as Hinton's softmax predictor reads them.
- `random`: the same, from an untrained `ff` net (the control the study compares against).
- `bp`: each hidden layer's ReLU activities, concatenated.
- `cwc`, `scff`: their own `features(images)`; every model's comes from the contract's `features()`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from fflab.data import DatasetError, load_dataset
from fflab.experiment import Experiment, Preset, report_status
from fflab.families import member
from fflab.ff.classifier import ClassifierExperiment
from fflab.metric_names import base_of, metric
from fflab.params import Param, ParamError, ParamSpec
from fflab.studies.probe import TargetTask, fit_probe, load_target, model_features
from fflab.studies.text import TRANSFER_TEACHING


@dataclass(frozen=True)
class Task:
    source: str
    target: str
    source_classes: tuple[int, ...] | None = None  # None: all
    target_classes: tuple[int, ...] | None = None
    help: str = ""


TASKS = {
    "mnist-to-fashion": Task("mnist", "fashion_mnist", help="Pretrain on MNIST digits, probe on Fashion-MNIST clothes."),
    "fashion-to-mnist": Task("fashion_mnist", "mnist", help="Pretrain on Fashion-MNIST, probe on MNIST."),
    "digits-low-to-high": Task("digits", "digits", (0, 1, 2, 3, 4), (5, 6, 7, 8, 9),
                               help="Offline: pretrain on the 8x8 digits 0-4, probe on the digits 5-9."),
}


# The study's linear-probe accuracies on Fashion-MNIST after MNIST pretraining (its README).
PUBLISHED_TRANSFER = {"ff": 0.54, "random": 0.72, "bp": 0.75, "cwc": 0.89}


@dataclass(frozen=True)
class Model:
    """A model `transfer` can pretrain: an experiment by name, its quick preset, and what transfer sets."""

    experiment: str
    copied: tuple[str, ...]  # transfer's parameters passed on (e.g. the hidden widths and epochs)
    trained: bool = True  # False: probe the untrained net (the random control)
    fixed: Mapping[str, Any] = field(default_factory=dict)

    def values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        preset = member(self.experiment).presets["quick"].values
        return {**preset, **{name: params[name] for name in self.copied}, **self.fixed}


MODELS: dict[str, Model] = {
    "ff": Model("ff", ("hidden", "epochs")),
    "bp": Model("bp", ("hidden", "epochs")),
    "random": Model("ff", ("hidden", "epochs"), trained=False),
    "cwc": Model("cwc", ("epochs",)),
    # No probe-only epochs: the transfer probe is fitted on the target task; the source probe, trained
    # alongside, gives `source_accuracy`.
    "scff": Model("scff", ("hidden", "epochs"), fixed={"probe_epochs": 0.0}),
}


@dataclass(frozen=True)
class ProbeResult:
    """A model's linear-probe accuracy on the target task's test set, and its own on the source's."""

    transfer_accuracy: float
    source_accuracy: float

    def metrics(self, model: str) -> dict[str, float]:
        """As logged: `transfer_accuracy.<model>`, `source_accuracy.<model>`."""
        return {metric("transfer_accuracy", model): self.transfer_accuracy,
                metric("source_accuracy", model): self.source_accuracy}

    @classmethod
    def logged(cls, metrics: Mapping[str, float], model: str) -> ProbeResult | None:
        """The result `metrics(model)` logged, read back from `metrics` (None when it is not there)."""
        names = (metric("transfer_accuracy", model), metric("source_accuracy", model))
        return cls(*(metrics[name] for name in names)) if all(name in metrics for name in names) else None


@dataclass(frozen=True)
class TransferSnapshot:
    models: tuple[str, ...]  # in the order they pretrain
    results: Mapping[str, ProbeResult]  # of the models done so far
    current: str | None  # the model pretraining or being probed now
    task: str
    chance: float  # on the target task


TRANSFER_PARAMS = ParamSpec([
    Param("models", "choice_list", ("ff", "bp", "random"), "The models to pretrain and probe, one after another.",
          choices=("ff", "bp", "random", "cwc", "scff"), max_items=6,
          choice_help={"ff": "Forward-Forward (ff's quick settings)", "bp": "backprop on the same net",
                       "random": "the ff net, untrained", "cwc": "channel-wise competitive FF (its quick settings)",
                       "scff": "self-contrastive FF, unsupervised (its quick settings, the hidden widths above)"}),
    Param("task", "choice", "digits-low-to-high", "Source and target: " + "; ".join(
        f"`{k}`: {t.help}" for k, t in TASKS.items()), choices=tuple(TASKS)),
    Param("hidden", "int_list", (500, 500), "Hidden widths of the ff, random, bp and scff nets.", low=4, high=4000,
          unit="units", max_items=6),
    Param("epochs", "float", 2.0, "Pretraining passes over the source training set, per model.", low=0.05,
          high=100.0, unit="epochs"),
    Param("probe_samples", "int", 10000, "Target training images the probe is fitted on.", low=100, high=60000,
          unit="images"),
    Param("probe_steps", "int", 300, "Full-batch Adam steps of the probe.", low=10, high=5000, unit="steps"),
    Param("probe_lr", "float", 0.01, "The probe's Adam learning rate.", low=1e-4, high=1.0, log=True),
])

TRANSFER_PRESETS = {
    "digits-quick": Preset("digits-quick", {"task": "digits-low-to-high", "epochs": 20.0, "probe_steps": 200},
                           "Offline: the 8x8 digits 0-4 as source, 5-9 as target; ff, bp and a random net."),
    "quick": Preset(
        "quick", {"task": "mnist-to-fashion", "models": ("ff", "bp", "random", "cwc", "scff"), "epochs": 2.0},
        "MNIST to Fashion-MNIST: each model pretrained for 2 epochs with its quick settings, then a linear probe "
        "on 10,000 Fashion-MNIST training images, scored on its 10,000 test images.",
        published="linear probe on Fashion-MNIST after MNIST pretraining: standard FF 54%, random init 72%, "
                  "backprop 75%, CwC-FF 89%",
        source="koriyoshi2041/ff-negative-samples",
        measured="seed 0: scff 83.68%, bp 83.13%, ff 82.57%, random 81.87%, cwc 71.32% on Fashion-MNIST; "
                 "187 s wall on the quiet 2-core machine (python -m fflab run transfer --preset quick)",
    ),
}


class Transfer(Experiment):
    name = "transfer"
    headline = "transfer_accuracy"
    title = "Transfer to a new task"
    summary = "Pretrain on one dataset, freeze, fit a linear probe on another: which features carry over?"
    params = TRANSFER_PARAMS
    presets = TRANSFER_PRESETS
    default_preset = "digits-quick"
    teaching = TRANSFER_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        if not self.p["models"]:
            raise ParamError("models", "choose at least one model")
        missing = [m for m in self.p["models"] if m not in MODELS]
        if missing:
            raise ParamError("models", f"{', '.join(missing)} is not available in this installation")
        self.task = TASKS[self.p["task"]]
        self.results: dict[str, ProbeResult] = {}
        self._queue = list(self.p["models"])
        self._model: ClassifierExperiment | None = None
        self._model_name = ""
        self._steps_of: dict[str, int] = {}  # pretraining steps, known once a model is built
        self._target: TargetTask | None = None
        self._source_size = self._source_train_size()

    def _source_train_size(self) -> int:
        try:
            data = load_dataset(self.task.source, fallback=False)
        except DatasetError as exc:
            raise ParamError("task", f"{exc}; the digits-low-to-high task runs offline") from None
        classes = self.task.source_classes
        return int(torch.isin(data.y_train, torch.tensor(classes)).sum()) if classes else len(data.y_train)

    def _estimated_steps(self, name: str) -> int:
        model = MODELS[name]
        if not model.trained:
            return 0
        v = member(model.experiment).params.resolve(model.values(self.p))
        batch = min(v["batch_size"] or self._source_size, self._source_size)
        return max(1, math.ceil(v["epochs"] * self._source_size / batch)) if v["epochs"] > 0 else v["steps"]

    @property
    def total_steps(self) -> int:
        models = self.p["models"]
        return sum(self._steps_of.get(m, self._estimated_steps(m)) for m in models) + len(models)

    @property
    def done(self) -> bool:
        return not self._queue and self._model is None

    def _build(self, name: str) -> ClassifierExperiment:
        cls = member(MODELS[name].experiment)
        model_params = cls.params.resolve({**MODELS[name].values(self.p), "dataset": self.task.source,
                                           "eval_every": 100_000})
        model = cls(model_params, seed=self.seed, device=self.device)
        if self.task.source_classes is not None:
            model.restrict_classes(self.task.source_classes)
        return model

    def step(self) -> dict[str, float]:
        if self._model is None:
            self._model_name = self._queue.pop(0)
            report_status(f"pretraining {self._model_name}")
            self._model = self._build(self._model_name)
            self._steps_of[self._model_name] = self._model.total_steps if MODELS[self._model_name].trained else 0
        model, name = self._model, self._model_name
        if model.steps_done < self._steps_of[name]:
            metrics = model.advance()
            losses = [v for k, v in metrics.items() if base_of(k) == "loss"]
            logged = {metric("pretrain_loss", name): float(sum(losses))} if losses else {}
            if "test_accuracy" in metrics:
                logged[metric("pretrain_test_accuracy", name)] = metrics["test_accuracy"]
            return logged
        report_status(f"fitting the linear probe on {name}'s features")
        self.results[name] = self._probe(model)
        self._model = None
        return self.results[name].metrics(name)

    def _probe(self, model: ClassifierExperiment) -> ProbeResult:
        source_accuracy = model.score(model.x_test, model.y_test)
        target = self._target_data()
        gen = torch.Generator(device=self.device).manual_seed(self.seed)
        n = min(self.p["probe_samples"], len(target.y_train))
        pick = torch.randperm(len(target.y_train), generator=gen, device=self.device)[:n]
        train_x = model_features(model, target.x_train[pick])
        probe, mean, std = fit_probe(train_x, target.y_train[pick], target.classes, self.p["probe_steps"],
                                     self.p["probe_lr"], gen)
        with torch.no_grad():
            test_x = (model_features(model, target.x_test) - mean) / std
            accuracy = float((probe(test_x).argmax(1) == target.y_test).float().mean())
        return ProbeResult(transfer_accuracy=accuracy, source_accuracy=source_accuracy)

    def _target_data(self) -> TargetTask:
        """The target task's images, labels renumbered from 0 when it keeps only some classes."""
        if self._target is None:
            try:
                self._target = load_target(self.task.target, self.task.target_classes, self.device)
            except DatasetError as exc:
                raise ParamError("task", f"{exc}; the digits-low-to-high task runs offline") from None
        return self._target

    def final_metrics(self) -> dict[str, float]:
        return {name: value for model, result in self.results.items() for name, value in result.metrics(model).items()}

    def snapshot(self) -> TransferSnapshot:
        classes = self.task.target_classes
        return TransferSnapshot(
            models=tuple(self.p["models"]),
            results=dict(self.results),
            current=self._model_name if self._model is not None else None,
            task=self.p["task"],
            chance=1.0 / len(classes) if classes else 0.1,
        )
