"""`continual`: do layer-local learners forget less when the data arrives task by task?

Two scenarios (van de Ven & Tolias 2019). `split`: the classes come in tasks of two, (0, 1), (2, 3), ...,
with one head over all ten (class-incremental). `permuted`: every task holds all ten classes, the pixels
of each task shuffled by its own fixed permutation, the first unshuffled (domain-incremental). Every
learner trains on one task after another, in lockstep: the same current-task batches, in the same order,
for all. The replay learners join each batch with as many examples drawn from one shared reservoir
buffer. After each task, every learner is scored on every task's test images: row t of its matrix R.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from fflab.experiment import report_status
from fflab.families import member
from fflab.ff.classifier import ClassifierExperiment
from fflab.params import ParamError
from fflab.studies.continual.measures import Reservoir
from fflab.studies.continual.params import CONTINUAL_PARAMS, CONTINUAL_PRESETS

# ContinualSnapshot lived here: runs stored before it moved name it by this module
from fflab.studies.continual.task_matrix import ContinualSnapshot, TaskMatrix, split_task_name  # noqa: F401
from fflab.studies.continual.text import CONTINUAL_TEACHING

CLASSES_PER_TASK = 2
FAMILY = {"ff": "ff", "ff_replay": "ff", "bp": "bp", "bp_replay": "bp", "joint": "bp"}


class Continual(TaskMatrix, ClassifierExperiment):
    name = "continual"
    headline = "average_accuracy"
    title = "Continual learning: tasks in order"
    summary = ("FF and backprop fine-tuned task by task on Split-MNIST or Permuted MNIST, with and without "
               "replay, against joint training.")
    params = CONTINUAL_PARAMS
    presets = CONTINUAL_PRESETS
    default_preset = "split-digits"
    teaching = CONTINUAL_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        if not self.p["methods"]:
            raise ParamError("methods", "choose at least one method")
        self.permutations: torch.Tensor | None = None
        if self.p["scenario"] == "permuted":
            self._permuted_tasks(self.p["tasks"])
        else:
            self._split_tasks()
        self.methods = tuple(dict.fromkeys(self.p["methods"]))
        self.buffer = Reservoir(self.p["replay_size"], tuple(self.x_train.shape[1:]), self.device,
                                torch.Generator(device=self.device).manual_seed(self.seed + 1))
        self.current: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
        self.learners = {m: self._learner(m) for m in self.methods}
        self.matrices = {m: np.full((len(self.tasks), len(self.tasks)), np.nan) for m in self.methods}

    def _learner(self, method: str) -> ClassifierExperiment:
        family = member(FAMILY[method])
        preset = "quick" if self.p["dataset"] != "digits" else "digits-quick"
        values = {**family.presets[preset].values, "dataset": self.p["dataset"], "hidden": self.p["hidden"],
                  "pixels": self.p["pixels"], "batch_size": self.p["batch_size"], "epochs": 0.0,
                  "steps": self.total_steps, "lr_decay": "none", "eval_every": 100_000}
        net = family(family.params.resolve(values), seed=self.seed, device=self.device, shared=self.shared)
        net.batch_source = lambda: self.current[method]
        net.live_evaluations = False
        return net

    def _split_tasks(self) -> None:
        classes = self.num_classes
        self.tasks = tuple(tuple(range(c, min(c + CLASSES_PER_TASK, classes)))
                           for c in range(0, classes, CLASSES_PER_TASK))
        self.task_names = tuple(split_task_name(t) for t in self.tasks)
        self.train_of = [torch.isin(self.y_train, torch.tensor(t, device=self.device)).nonzero().squeeze(1)
                         for t in self.tasks]
        self.test_of = [torch.isin(self.y_test, torch.tensor(t, device=self.device)).nonzero().squeeze(1)
                        for t in self.tasks]

    def _permuted_tasks(self, count: int) -> None:
        """Every class in every task; task t's pixels shuffled by permutations[t] (task 0: the identity)."""
        self.tasks = (tuple(range(self.num_classes)),) * count
        self.task_names = tuple("plain" if t == 0 else f"shuffle {t}" for t in range(count))
        pixels = self.x_train[0].numel()
        gen = torch.Generator().manual_seed(self.seed + 2)
        shuffles = [torch.arange(pixels)] + [torch.randperm(pixels, generator=gen) for _ in range(count - 1)]
        self.permutations = torch.stack(shuffles).to(self.device)
        every_train = torch.arange(len(self.y_train), device=self.device)
        every_test = torch.arange(len(self.y_test), device=self.device)
        self.train_of, self.test_of = [every_train] * count, [every_test] * count

    def _in_task(self, images: torch.Tensor, task: int | torch.Tensor) -> torch.Tensor:
        """The images as task `task` shows them (one task, or one per image); unchanged when tasks split classes."""
        if self.permutations is None:
            return images
        order = self.permutations[task]
        if order.dim() == 1:
            return images[:, order]
        return torch.gather(images, 1, order)

    # -- the stream ------------------------------------------------------------------
    def _draw(self, task: int) -> tuple[torch.Tensor, torch.Tensor]:
        pool = self.train_of[task]
        pick = pool[torch.randint(0, len(pool), (self.p["batch_size"],), generator=self.gen, device=self.device)]
        return self._in_task(self.x_train[pick], task), self.y_train[pick]

    def _draw_from_every_task(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Joint training's batch: each example from a task drawn at random (split: from all classes)."""
        if self.permutations is None:
            pool = torch.cat(self.train_of)
            pick = pool[torch.randint(0, len(pool), (self.p["batch_size"],), generator=self.gen,
                                      device=self.device)]
            return self.x_train[pick], self.y_train[pick]
        size = self.p["batch_size"]
        pick = torch.randint(0, len(self.y_train), (size,), generator=self.gen, device=self.device)
        task = torch.randint(0, len(self.tasks), (size,), generator=self.gen, device=self.device)
        return self._in_task(self.x_train[pick], task), self.y_train[pick]

    def step(self) -> dict[str, float]:
        task = self.task_index
        if self.steps_done % self.p["steps_per_task"] == 0:
            report_status(f"task {task + 1} of {len(self.tasks)}: {self._task_in_words(task)}")
        batch = self._draw(task)
        replayed = self.buffer.sample(len(batch[1])) if len(self.buffer) else None
        everything = self._draw_from_every_task()
        metrics: dict[str, float] = {"task": float(task + 1)}
        for method, learner in self.learners.items():
            if method == "joint":
                self.current[method] = everything
            elif method.endswith("_replay") and replayed is not None:
                self.current[method] = (torch.cat([batch[0], replayed[0]]), torch.cat([batch[1], replayed[1]]))
            else:
                self.current[method] = batch
            out = learner.advance()
            metrics[f"loss.{method}"] = sum(v for k, v in out.items() if k == "loss" or k.startswith("loss."))
        self.buffer.add(*batch)
        metrics.update(self._scores_after_step(task, self.p["eval_samples"]))
        return metrics

    def _task_in_words(self, task: int) -> str:
        if self.permutations is None:
            return "classes " + ", ".join(map(str, self.tasks[task]))
        return "every class, pixels as they are" if task == 0 else f"every class, pixel shuffle {task}"

    # -- scoring ---------------------------------------------------------------------
    @torch.no_grad()
    def _accuracy(self, method: str, task: int, limit: int | None = None) -> float:
        learner = self.learners[method]
        index = self.test_of[task][:limit]
        return learner.score(self._in_task(self.x_test[index], task), self.y_test[index])
