"""The backprop baseline (`bp`): the same net and data, trained end to end with cross-entropy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from fflab.experiment import Preset
from fflab.ff.backprop.snapshot import BackpropSnapshot
from fflab.ff.backprop.text import BP_TEACHING
from fflab.ff.classifier import ClassifierData, ClassifierExperiment
from fflab.ff.classifier_params import SHARED_PARAMS
from fflab.params import ParamSpec

BP_PRESETS = {
    "digits-quick": Preset("digits-quick", {"dataset": "digits", "lr": 0.001, "steps": 600, "eval_every": 50},
                           "Backprop on the offline digits, matching ff's digits-quick budget."),
    "quick": Preset("quick", {"dataset": "mnist", "lr": 0.001, "lr_decay": "linear", "epochs": 24.0, "eval_every": 1200},
                    "Backprop on MNIST, matching ff's quick budget."),
}


class Backprop(ClassifierExperiment):
    name = "bp"
    title = "Backprop baseline"
    summary = "The same fully connected net trained end to end with cross-entropy, for an honest comparison."
    params = ParamSpec(SHARED_PARAMS)
    presets = BP_PRESETS
    default_preset = "digits-quick"
    teaching = BP_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu",
                 shared: ClassifierData | None = None):
        super().__init__(params, seed, device, shared)
        widths = [self.data.input_dim, *self.p["hidden"]]
        blocks: list[nn.Module] = []
        for a, b in zip(widths[:-1], widths[1:], strict=True):
            blocks += [nn.Linear(a, b), nn.ReLU()]
        self.net = nn.Sequential(*blocks, nn.Linear(widths[-1], self.num_classes)).to(self.device)
        self.optimizer = self.make_optimizer(self.net.parameters())

    @property
    def total_steps(self) -> int:
        return self.steps_per_phase

    def step(self) -> dict[str, float]:
        x, y = self.next_batch()
        loss = F.cross_entropy(self.net(x), y)
        self.set_learning_rate(self.optimizer, self.total_steps)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        metrics = {"loss": float(loss.item()), "samples": float(self.samples_seen)}
        if self.due_for_evaluation():
            metrics.update(self.live_evaluation())
        return metrics

    def on_update(self, changes: Mapping[str, Any]) -> None:
        if "lr" in changes:
            self.set_learning_rate(self.optimizer, self.total_steps)

    @torch.no_grad()
    def predict(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).argmax(dim=1)

    @torch.no_grad()
    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Every hidden layer's ReLU activities, concatenated."""
        features, h = [], images
        for module in list(self.net)[:-1]:
            h = module(h)
            if isinstance(module, nn.ReLU):
                features.append(h)
        return torch.cat(features, dim=1)

    @torch.no_grad()
    def snapshot(self) -> BackpropSnapshot:
        return BackpropSnapshot(self.classifier_snapshot(), self.weight_images(self.net[0].weight))

    def state_dict(self) -> dict[str, torch.Tensor]:
        return dict(self.net.state_dict())

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        self.net.load_state_dict(dict(state))
