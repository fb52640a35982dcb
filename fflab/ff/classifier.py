"""What Forward-Forward and its backprop baseline share: data, batches, budget, evaluation.

Both train a fully connected net on the same dataset with the same batches, so
their curves can sit side by side.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from fflab.data import Dataset, load_dataset
from fflab.experiment import Experiment, report_status
from fflab.ff.memory import KNOBS, classifier_bytes
from fflab.ff.snapshot import ClassifierSnapshot, LayerEvaluation
from fflab.metric_names import metric


@dataclass
class ClassifierData:
    """A dataset on the device, its batch size and the fixed subsets scored while training.

    Experiments that race on the same data (a negative race's contestants) hold one of these by reference.
    """

    source: Dataset
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    batch_size: int
    eval_test: torch.Tensor  # indices into the test set
    eval_train: torch.Tensor  # indices into the training set


def _report_download(done: int, total: int | None, name: str) -> None:
    size = f"{done / 1e6:.1f} of {total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
    report_status(f"downloading {name}: {size}")


class ClassifierExperiment(Experiment):
    """Loads the dataset onto the device, draws batches, scores held-out data.

    A study that drives members of its own sets, per member, `batch_source` (the batches every member
    shares) and `live_evaluations = False` (when it scores them itself).
    """

    batch_source: Callable[[], tuple[torch.Tensor, torch.Tensor]] | None = None
    live_evaluations: bool = True
    memory_knobs = KNOBS

    @classmethod
    def estimated_bytes(cls, params: Mapping[str, Any]) -> float | None:
        return classifier_bytes(params)

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu",
                 shared: ClassifierData | None = None):
        """`shared`: another experiment's data, used by reference (the members of a race); else it is loaded."""
        super().__init__(params, seed, device)
        if shared is None:
            shared = self._load_data()
        else:
            self.gen = torch.Generator(device=self.device).manual_seed(self.seed)  # its own batches and negatives
        self.shared = shared
        self.data = shared.source
        self.dataset_name = shared.source.name
        self.num_classes = shared.source.num_classes
        self.x_train, self.y_train = shared.x_train, shared.y_train
        self.x_test, self.y_test = shared.x_test, shared.y_test
        self.n_train = len(self.y_train)
        self.batch_size = shared.batch_size
        self.eval_test, self.eval_train = shared.eval_test, shared.eval_train
        self._order = torch.empty(0, dtype=torch.long, device=self.device)
        self._cursor = 0
        self.samples_seen = 0
        self.confusion = np.zeros((self.num_classes, self.num_classes), dtype=np.int64)
        if shared.source.stands_in_for is not None and self.p.get("dataset") != shared.source.name:
            self._follow_fallback(shared.source.stands_in_for.train_size)

    def _follow_fallback(self, asked_train_size: int) -> None:
        """The digits stand in for a larger set: say so in `dataset`, and keep the evaluations per epoch."""
        self.adjust("dataset", self.dataset_name)
        asked = self.p["eval_every"]
        cadence = max(1, round(asked * self.n_train / asked_train_size))
        cadence = min(cadence, max(1, self.steps_per_phase // 10))  # and at least ten evaluations a phase
        if cadence != asked:
            self.adjust("eval_every", cadence)
            self.notes.append(f"eval_every follows the smaller dataset: every {cadence} steps instead of {asked}, "
                              f"the same evaluations per epoch ({self.n_train:,} training images, not "
                              f"{asked_train_size:,}).")

    def _load_data(self) -> ClassifierData:
        data = load_dataset(self.p["dataset"], progress=_report_download)
        if data.note:
            self.notes.append(data.note)
        x_train, x_test = data.x_train, data.x_test
        if self.p["pixels"] == "standardize":
            mean, std = x_train.mean(), x_train.std()
            x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
        n_train = len(data.y_train)
        batch_size = n_train if self.p["batch_size"] in (0, None) else min(self.p["batch_size"], n_train)
        self.gen = torch.Generator(device=self.device).manual_seed(self.seed)
        eval_n = min(self.p["eval_samples"], len(data.y_test))
        return ClassifierData(
            data, x_train.to(self.device), data.y_train.to(self.device), x_test.to(self.device),
            data.y_test.to(self.device), batch_size, torch.arange(eval_n, device=self.device),
            torch.randperm(n_train, generator=self.gen, device=self.device)[:eval_n],
        )

    @property
    def steps_per_phase(self) -> int:
        if self.p["epochs"] > 0:
            return max(1, math.ceil(self.p["epochs"] * self.n_train / self.batch_size))
        return self.p["steps"]

    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The next batch of a fresh random permutation each epoch (the full set when batch_size is 0)."""
        if self.batch_source is not None:
            batch = self.batch_source()
            self.samples_seen += len(batch[1])
            return batch
        if self.batch_size >= self.n_train:
            self.samples_seen += self.n_train
            return self.x_train, self.y_train
        if self._cursor + self.batch_size > len(self._order):
            self._order = torch.randperm(self.n_train, generator=self.gen, device=self.device)
            self._cursor = 0
        idx = self._order[self._cursor : self._cursor + self.batch_size]
        self._cursor += self.batch_size
        self.samples_seen += self.batch_size
        return self.x_train[idx], self.y_train[idx]

    def make_optimizer(self, parameters) -> torch.optim.Optimizer:
        if self.p["optimizer"] == "sgd":
            return torch.optim.SGD(parameters, lr=self.p["lr"], momentum=self.p["momentum"],
                                   weight_decay=self.p["weight_decay"])
        return torch.optim.Adam(parameters, lr=self.p["lr"], weight_decay=self.p["weight_decay"])

    def set_learning_rate(self, optimizer: torch.optim.Optimizer, phase_steps: int) -> None:
        """The live `lr`, scaled down linearly over the phase when `lr_decay` is linear."""
        factor = 1.0
        if self.p["lr_decay"] == "linear":
            factor = max(0.0, 1.0 - (self.steps_done % phase_steps) / phase_steps)
        for group in optimizer.param_groups:
            group["lr"] = self.p["lr"] * factor

    # -- scoring -------------------------------------------------------------
    def predict(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    @torch.no_grad()
    def predict_batched(self, images: torch.Tensor, batch: int = 2000) -> torch.Tensor:
        return torch.cat([self.predict(images[i : i + batch]) for i in range(0, len(images), batch)])

    @torch.no_grad()
    def score(self, images: torch.Tensor, labels: torch.Tensor, keep_confusion: bool = False) -> float:
        predicted = self.predict_batched(images)
        if keep_confusion:
            self.keep_confusion(labels, predicted)
        return float((predicted == labels).float().mean().item())

    def keep_confusion(self, labels: torch.Tensor, predicted: torch.Tensor) -> None:
        k = self.num_classes
        self.confusion = torch.bincount(labels * k + predicted, minlength=k * k).view(k, k).cpu().numpy()

    def due_for_evaluation(self) -> bool:
        if not self.live_evaluations:
            return False
        return self.step_number % self.p["eval_every"] == 0 or self.step_number >= self.total_steps

    def live_evaluation(self) -> dict[str, float]:
        """Accuracy on fixed subsets, cheap enough to run while training."""
        return {
            "train_accuracy": self.score(self.x_train[self.eval_train], self.y_train[self.eval_train]),
            "test_accuracy": self.score(self.x_test[self.eval_test], self.y_test[self.eval_test], keep_confusion=True),
        }

    def evaluate(self) -> dict[str, float]:
        report_status(f"final metrics: scoring all {len(self.y_test):,} test images")
        test_accuracy = self.score(self.x_test, self.y_test, keep_confusion=True)
        return {"train_accuracy": self.final_train_accuracy(), "test_accuracy": test_accuracy}

    def final_train_accuracy(self) -> float:
        """On the evaluation sample of the training set unless `train_score` asks for all of it."""
        images, labels = self.x_train, self.y_train
        if self.p.get("train_score") != "all":
            images, labels = images[self.eval_train], labels[self.eval_train]
        report_status(f"final metrics: scoring {len(labels):,} training images")
        return self.score(images, labels)

    def final_metrics(self) -> dict[str, float]:
        metrics = self.evaluate()
        metrics["test_error"] = 1.0 - metrics["test_accuracy"]
        metrics["samples_seen"] = float(self.samples_seen)
        return metrics

    def restrict_classes(self, keep: tuple[int, ...]) -> None:
        """Train and score on the images of these classes only (labels unchanged), e.g. digits 0-4."""
        keep_t = torch.tensor(keep, device=self.device)
        train, test = torch.isin(self.y_train, keep_t), torch.isin(self.y_test, keep_t)
        self.x_train, self.y_train = self.x_train[train], self.y_train[train]
        self.x_test, self.y_test = self.x_test[test], self.y_test[test]
        self.n_train = len(self.y_train)
        self.batch_size = min(self.batch_size, self.n_train)
        eval_n = min(self.p["eval_samples"], len(self.y_test))
        self.eval_test = torch.arange(eval_n, device=self.device)
        self.eval_train = torch.randperm(self.n_train, generator=self.gen, device=self.device)[:eval_n]

    # -- pictures ------------------------------------------------------------
    def weight_images(self, weight: torch.Tensor, count: int = 36) -> np.ndarray:
        """The first `count` units' incoming weights, shaped as images."""
        h, w = self.data.image_shape
        return weight[:count].detach().float().cpu().numpy().reshape(-1, h, w)

    def classifier_snapshot(self) -> ClassifierSnapshot:
        """What every classifier's snapshot holds (its `classifier`)."""
        h, w = self.data.image_shape
        return ClassifierSnapshot(
            confusion=self.confusion.copy(),
            class_names=tuple(self.data.class_names),
            image_shape=(int(h), int(w)),
            dataset=self.dataset_name,
            eval_samples=int(len(self.eval_test)),
        )


class MultiPredictorClassifier(ClassifierExperiment):
    """A classifier whose layers each classify, scored by several predictors at every evaluation (CwC, DFF).

    Subclasses define `layer_evaluation`; this class keeps the latest evaluation for the pictures.
    """

    PROBE_IMAGES = 200  # held-out images scored for the pictures before the first evaluation

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.latest_evaluation: LayerEvaluation | None = None

    def layer_evaluation(self, images: torch.Tensor, labels: torch.Tensor) -> tuple[dict[str, torch.Tensor],
                                                                                   list[np.ndarray], list[float]]:
        """Each predictor's predictions for these images, and per layer what the pictures show of it: its
        (classes, classes) matrix and its accuracy as a classifier on its own."""
        raise NotImplementedError

    def score_predictors(self, predicted: Mapping[str, torch.Tensor], labels: torch.Tensor) -> dict[str, float]:
        """Each predictor's accuracy, as `test_accuracy.<name>`.

        `test_accuracy` is the one the `predict` parameter chooses, whose confusion matrix is kept.
        """
        self.keep_confusion(labels, predicted[self.p["predict"]])
        accuracy = {name: float((p == labels).float().mean()) for name, p in predicted.items()}
        metrics = {"test_accuracy": accuracy[self.p["predict"]]}
        metrics.update({metric("test_accuracy", name): value for name, value in accuracy.items()})
        return metrics

    @torch.no_grad()
    def _score_test(self, images: torch.Tensor, labels: torch.Tensor, step: int) -> dict[str, float]:
        """`step` is the number of training steps the scored weights have had (for the figures' titles)."""
        predicted, matrices, layer_accuracy = self.layer_evaluation(images, labels)
        metrics = self.score_predictors(predicted, labels)
        self.latest_evaluation = LayerEvaluation(
            layer_matrices=tuple(matrices),
            layer_accuracy=tuple(layer_accuracy),
            predictor_accuracy={name: metrics[metric("test_accuracy", name)] for name in predicted},
            images=len(labels),
            step=step,
        )
        return metrics

    def live_evaluation(self) -> dict[str, float]:
        metrics = self._score_test(self.x_test[self.eval_test], self.y_test[self.eval_test], self.step_number)
        metrics["train_accuracy"] = self.score(self.x_train[self.eval_train], self.y_train[self.eval_train])
        return metrics

    def evaluate(self) -> dict[str, float]:
        report_status(f"final metrics: scoring all {len(self.y_test):,} test images")
        metrics = self._score_test(self.x_test, self.y_test, self.steps_done)
        metrics["train_accuracy"] = self.final_train_accuracy()
        return metrics

    @torch.no_grad()
    def evaluation_for_pictures(self) -> LayerEvaluation:
        """The latest evaluation (before the first, a small held-out probe's)."""
        if self.latest_evaluation is None:
            probe = self.eval_test[: self.PROBE_IMAGES]
            self._score_test(self.x_test[probe], self.y_test[probe], self.steps_done)
        return self.latest_evaluation
