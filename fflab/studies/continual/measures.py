"""The accuracy matrix of continual learning and what GEM (Lopez-Paz & Ranzato 2017) reads from it.

R[t, i] is the test accuracy on task i after training on tasks 0..t. With T tasks:
- average accuracy: mean_i R[T-1, i];
- backward transfer: mean over i < T-1 of R[T-1, i] − R[i, i] (negative: forgetting);
- forgetting: mean over i < T-1 of max over t < T-1 of R[t, i], minus R[T-1, i] (Chaudhry et al. 2018).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import torch


def average_accuracy(matrix: np.ndarray) -> float:
    return float(np.mean(matrix[-1]))


def backward_transfer(matrix: np.ndarray) -> float:
    tasks = len(matrix)
    if tasks < 2:
        return math.nan
    return float(np.mean([matrix[-1, i] - matrix[i, i] for i in range(tasks - 1)]))


def forgetting(matrix: np.ndarray) -> float:
    tasks = len(matrix)
    if tasks < 2:
        return math.nan
    return float(np.mean([matrix[: tasks - 1, i].max() - matrix[-1, i] for i in range(tasks - 1)]))


def gem_measures(matrices: Mapping[str, np.ndarray], tasks_done: int) -> dict[str, float]:
    """Each learner's average accuracy, forgetting and backward transfer over the tasks done (rows and columns
    0..tasks_done-1 of its matrix R), and `tasks_done`; a measure that needs more tasks is left out."""
    metrics: dict[str, float] = {}
    for method, matrix in matrices.items():
        reached = matrix[:tasks_done, :tasks_done]
        if not len(reached):
            continue
        metrics[f"average_accuracy.{method}"] = average_accuracy(reached)
        metrics[f"forgetting.{method}"] = forgetting(reached)
        metrics[f"backward_transfer.{method}"] = backward_transfer(reached)
    metrics["tasks_done"] = float(tasks_done)
    return {k: v for k, v in metrics.items() if not math.isnan(v)}


class Reservoir:
    """A replay buffer of at most `size` examples, each of the stream's examples equally likely to be kept."""

    def __init__(self, size: int, example_shape: tuple[int, ...], device: torch.device, gen: torch.Generator,
                 dtype: torch.dtype = torch.float32):
        self.size, self.gen, self.seen = size, gen, 0
        self.images = torch.empty((size, *example_shape), dtype=dtype, device=device)  # or windows of text
        self.labels = torch.empty(size, dtype=torch.long, device=device)

    def __len__(self) -> int:
        return min(self.seen, self.size)

    def add(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        """Algorithm R, a batch at once: the n-th example seen takes a random slot of n + 1, kept if it exists."""
        number = self.seen + torch.arange(len(labels), device=labels.device)
        draw = (torch.rand(len(labels), generator=self.gen, device=labels.device) * (number + 1)).long()
        slot = torch.where(number < self.size, number, draw)
        keep = slot < self.size
        self.images[slot[keep]], self.labels[slot[keep]] = images[keep], labels[keep]
        self.seen += len(labels)

    def sample(self, count: int) -> tuple[torch.Tensor, torch.Tensor]:
        pick = torch.randint(0, len(self), (count,), generator=self.gen, device=self.images.device)
        return self.images[pick], self.labels[pick]
