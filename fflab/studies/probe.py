"""The linear probe of `transfer`: a target task's data, a model's features of it, softmax regression on them."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from fflab.data import load_dataset
from fflab.experiment import Experiment


@dataclass(frozen=True)
class TargetTask:
    """The target task's images and labels on the device (labels renumbered from 0), and its class count."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: int


def load_target(dataset: str, classes: tuple[int, ...] | None, device: torch.device) -> TargetTask:
    """`dataset`'s images of `classes` (None: all), labels renumbered from 0; raises DatasetError offline."""
    data = load_dataset(dataset, fallback=False)
    x_train, y_train, x_test, y_test = data.x_train, data.y_train, data.x_test, data.y_test
    if classes is not None:
        keep = torch.tensor(classes)
        renumber = torch.full((data.num_classes,), -1, dtype=torch.long)
        renumber[keep] = torch.arange(len(classes))
        train, test = torch.isin(y_train, keep), torch.isin(y_test, keep)
        x_train, y_train = x_train[train], renumber[y_train[train]]
        x_test, y_test = x_test[test], renumber[y_test[test]]
    return TargetTask(x_train.to(device), y_train.to(device), x_test.to(device), y_test.to(device),
                      len(classes) if classes else data.num_classes)


@torch.no_grad()
def model_features(model: Experiment, images: torch.Tensor, batch: int = 2000) -> torch.Tensor:
    return torch.cat([model.features(images[i : i + batch]) for i in range(0, len(images), batch)])


def fit_probe(train_x: torch.Tensor, train_y: torch.Tensor, classes: int, steps: int, lr: float,
              gen: torch.Generator) -> tuple[torch.nn.Linear, torch.Tensor, torch.Tensor]:
    """Softmax regression on standardised features, full batch, Adam. Returns the probe and the scaling."""
    mean, std = train_x.mean(0), train_x.std(0).clamp_min(1e-6)
    x = (train_x - mean) / std
    probe = torch.nn.Linear(x.shape[1], classes).to(x.device)
    with torch.no_grad():
        probe.weight.normal_(0.0, 0.01, generator=gen)
        probe.bias.zero_()
    optimizer = torch.optim.Adam(probe.parameters(), lr=lr)
    for _ in range(steps):
        loss = F.cross_entropy(probe(x), train_y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return probe, mean, std
