"""What every continual study keeps: each learner's accuracy matrix R, filled a row per task, and GEM's measures.

A study mixes `TaskMatrix` in and sets `methods`, `tasks`, `task_names`, `learners` (by method), `matrices`
(by method, NaN until reached) and `p["steps_per_task"]`; it writes `_accuracy(method, task)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from fflab.experiment import load_state_of_parts, report_status, state_of_parts
from fflab.studies.continual.measures import gem_measures


@dataclass(frozen=True)
class ContinualSnapshot:
    methods: tuple[str, ...]
    tasks: tuple[tuple[int, ...], ...]  # the classes of each task
    matrices: dict[str, np.ndarray]  # method -> (tasks, tasks) accuracy, NaN where not reached yet
    current_task: int
    task_names: tuple[str, ...] = ()  # the axis labels; empty in runs stored before permuted tasks

    def names(self) -> tuple[str, ...]:
        """Each task's label ("0/1", or "shuffle 2"), also for runs stored before the labels were."""
        return self.task_names or tuple(split_task_name(t) for t in self.tasks)


def split_task_name(classes: tuple[int, ...]) -> str:
    return "/".join(map(str, classes))


class TaskMatrix:
    methods: tuple[str, ...]
    tasks: tuple[tuple[int, ...], ...]
    task_names: tuple[str, ...]
    learners: dict[str, Any]
    matrices: dict[str, np.ndarray]
    p: dict[str, Any]
    steps_done: int
    step_number: int

    def _accuracy(self, method: str, task: int, limit: int | None = None) -> float:
        raise NotImplementedError

    @property
    def total_steps(self) -> int:
        return self.p["steps_per_task"] * len(self.tasks)

    @property
    def task_index(self) -> int:
        return min(self.steps_done // self.p["steps_per_task"], len(self.tasks) - 1)

    def _scores_after_step(self, task: int, limit: int) -> dict[str, float]:
        """After a step of `task`: at its end, the matrix's row; every `eval_every` steps otherwise, each
        learner's mean accuracy on the tasks seen so far, on `limit` examples of each."""
        if self.step_number % self.p["steps_per_task"] == 0:
            return self._fill_row(task)
        if self.step_number % self.p["eval_every"] == 0:
            return {f"seen_accuracy.{m}": float(np.mean([self._accuracy(m, i, limit) for i in range(task + 1)]))
                    for m in self.methods}
        return {}

    def _fill_row(self, task: int) -> dict[str, float]:
        """Row `task` of every learner's matrix: its accuracy on every task, now."""
        report_status(f"scoring every task after task {task + 1}")
        metrics = {}
        for method in self.methods:
            row = [self._accuracy(method, i) for i in range(len(self.tasks))]
            self.matrices[method][task] = row
            metrics[f"seen_accuracy.{method}"] = float(np.mean(row[: task + 1]))
        return metrics

    def final_metrics(self) -> dict[str, float]:
        return gem_measures(self.matrices, self.steps_done // self.p["steps_per_task"])

    def snapshot(self) -> ContinualSnapshot:
        return ContinualSnapshot(self.methods, self.tasks, {m: r.copy() for m, r in self.matrices.items()},
                                 self.task_index, self.task_names)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return state_of_parts(self.learners)

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts(self.learners, state)
