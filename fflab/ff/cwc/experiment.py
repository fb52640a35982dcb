"""Channel-wise Competitive Forward-Forward (`cwc`): class-grouped conv layers, each its own classifier.

Papachristodoulou et al. (2024), checked against the authors' code (andreaspapac/CwComp). The paper, and what
fflab implements where it leaves room (blocks, goodness, loss, interleaved training, predictors): `text.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from fflab.experiment import load_state_of_parts, state_of_parts
from fflab.ff.classifier import MultiPredictorClassifier
from fflab.ff.classifier_params import SHARED_PARAMS
from fflab.ff.cwc.core import cfse_blocks, class_goodness, class_goodness_matrix, cwc_loss, true_and_rival_goodness
from fflab.ff.cwc.presets import CWC_PRESETS
from fflab.ff.cwc.snapshot import CwCSnapshot
from fflab.ff.cwc.text import CWC_TEACHING
from fflab.metric_names import layer_metric
from fflab.params import Param, ParamError, ParamSpec

PREDICTORS = ("goodness", "goodness_last", "softmax")

CWC_PARAMS = ParamSpec(
    [p for p in SHARED_PARAMS if p.name != "hidden"]
    + [
        Param("channels", "int_list", (20, 80, 240, 480), "Output channels of each conv layer, first to last; each "
              "a multiple of the number of classes (one equal channel group per class).", low=1, high=2000,
              unit="channels", max_items=8, group="model"),
        Param("grouped", "bool", True, "CFSE blocks: every second convolution grouped by class. Off: all standard "
              "convolutions (the paper's FF-CNN ablation).", group="model"),
        Param("layer_epochs", "int_list", (0,), "Epoch at which each layer stops learning (interleaved layer "
              "training), one value per layer, the last repeating; 0 learns to the end.", low=0, high=500,
              unit="epochs", max_items=8, group="schedule"),
        Param("predict", "choice", "goodness", "Which predictor gives `test_accuracy` (all three are scored).",
              live=True, choices=PREDICTORS, choice_help={
                  "goodness": "argmax of the class goodness summed over all layers",
                  "goodness_last": "argmax of the last layer's class goodness",
                  "softmax": "a linear softmax head on the last layer's output"}, group="evaluation"),
        Param("head_lr", "float", 0.001, "Learning rate of the softmax head (Adam).", low=1e-6, high=1.0, log=True,
              live=True, group="evaluation"),
    ]
)


class ChannelwiseCompetitive(MultiPredictorClassifier):
    name = "cwc"
    title = "Channel-wise Competitive FF (CwC-FF)"
    summary = "Conv layers whose channels compete by class: each layer is a classifier, no negative data."
    params = CWC_PARAMS
    presets = CWC_PRESETS
    default_preset = "digits-quick"
    teaching = CWC_TEACHING
    # Grouped convolutions on a CPU gain little from a second thread and lose several-fold when the cores are busy.
    max_threads = 1

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        channels = tuple(self.p["channels"])
        try:
            self.blocks = cfse_blocks(channels, self.num_classes, grouped=self.p["grouped"]).to(self.device)
        except ValueError as exc:
            raise ParamError("channels", str(exc).removeprefix("channels: ")) from None
        h, w = self.data.image_shape
        pools = len(channels) // 2
        out_h, out_w = h >> pools, w >> pools
        if out_h == 0 or out_w == 0:
            raise ParamError("channels", f"{len(channels)} layers pool {pools} times, too often for {h}×{w} images")
        self.optimizers = [self.make_optimizer(block.parameters()) for block in self.blocks]
        self.head = nn.Linear(channels[-1] * out_h * out_w, self.num_classes).to(self.device)
        self.head_optimizer = torch.optim.Adam(self.head.parameters(), lr=self.p["head_lr"])

    @property
    def total_steps(self) -> int:
        return self.steps_per_phase

    def as_images(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(len(x), 1, *self.data.image_shape)

    def layer_learns(self, index: int, epoch: float) -> bool:
        limits = self.p["layer_epochs"]
        limit = limits[min(index, len(limits) - 1)]
        return limit == 0 or epoch < limit

    # -- training ------------------------------------------------------------
    def step(self) -> dict[str, float]:
        x, y = self.next_batch()
        epoch = (self.samples_seen - len(y)) / self.n_train
        h = self.as_images(x)
        stats: dict[str, torch.Tensor] = {}
        for i, (block, optimizer) in enumerate(zip(self.blocks, self.optimizers, strict=True)):
            if self.layer_learns(i, epoch):
                out = block(h)  # h is the previous layer's output, detached: the loss stays local
                goodness = class_goodness(out, self.num_classes)
                loss = cwc_loss(goodness, y)
                self.set_learning_rate(optimizer, self.total_steps)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
            else:
                with torch.no_grad():
                    out = block(h)
                    goodness = class_goodness(out, self.num_classes)
                    loss = cwc_loss(goodness, y)
            true, rivals = true_and_rival_goodness(goodness.detach(), y)
            stats[layer_metric("loss", i)] = loss.detach()
            stats[layer_metric("goodness_pos", i)] = true.mean()
            stats[layer_metric("goodness_neg", i)] = rivals.mean()
            stats[layer_metric("batch_accuracy", i)] = (goodness.detach().argmax(dim=1) == y).float().mean()
            h = out.detach()
        stats["head_loss"] = self._train_head(h, y)
        metrics = dict(zip(stats.keys(), torch.stack(list(stats.values())).tolist(), strict=True))
        metrics["layers_learning"] = float(sum(self.layer_learns(i, epoch) for i in range(len(self.blocks))))
        metrics["samples"] = float(self.samples_seen)
        if self.due_for_evaluation():
            metrics.update(self.live_evaluation())
        return metrics

    def _train_head(self, features: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        loss = F.cross_entropy(self.head(features.flatten(1)), labels)
        self.head_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.head_optimizer.step()
        return loss.detach()

    def on_update(self, changes: Mapping[str, Any]) -> None:
        if "lr" in changes:
            for optimizer in self.optimizers:
                self.set_learning_rate(optimizer, self.total_steps)
        if "head_lr" in changes:
            for group in self.head_optimizer.param_groups:
                group["lr"] = self.p["head_lr"]

    # -- prediction ------------------------------------------------------------
    @torch.no_grad()
    def scores(self, images: torch.Tensor, batch: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-layer class goodness (layers, N, K) and the softmax head's logits (N, K), in eval mode."""
        was_training = self.blocks.training
        self.blocks.eval()
        try:
            per_layer, logits = [], []
            for start in range(0, len(images), batch):
                h = self.as_images(images[start : start + batch])
                goodness = []
                for block in self.blocks:
                    h = block(h)
                    goodness.append(class_goodness(h, self.num_classes))
                per_layer.append(torch.stack(goodness))
                logits.append(self.head(h.flatten(1)))
            return torch.cat(per_layer, dim=1), torch.cat(logits)
        finally:
            self.blocks.train(was_training)

    @torch.no_grad()
    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The last block's output, flattened: what the softmax head reads (a linear probe's input in `transfer`)."""
        was_training = self.blocks.training
        self.blocks.eval()
        try:
            h = self.as_images(images)
            for block in self.blocks:
                h = block(h)
            return h.flatten(1)
        finally:
            self.blocks.train(was_training)

    @staticmethod
    def predictions(per_layer: torch.Tensor, logits: torch.Tensor) -> dict[str, torch.Tensor]:
        return {
            "goodness": per_layer.sum(dim=0).argmax(dim=1),
            "goodness_last": per_layer[-1].argmax(dim=1),
            "softmax": logits.argmax(dim=1),
        }

    @torch.no_grad()
    def predict(self, images: torch.Tensor) -> torch.Tensor:
        return self.predictions(*self.scores(images))[self.p["predict"]]

    # -- scoring -------------------------------------------------------------
    def layer_evaluation(self, images: torch.Tensor, labels: torch.Tensor) -> tuple[dict[str, torch.Tensor],
                                                                                   list[np.ndarray], list[float]]:
        """Every predictor's predictions; each layer's class-goodness matrix and accuracy on its own."""
        per_layer, logits = self.scores(images)
        class_goodness = [class_goodness_matrix(g, labels, self.num_classes).float().cpu().numpy() for g in per_layer]
        layer_accuracy = (per_layer.argmax(dim=2) == labels).float().mean(dim=1).cpu().tolist()
        return self.predictions(per_layer, logits), class_goodness, layer_accuracy

    # -- for the plots -------------------------------------------------------
    @torch.no_grad()
    def snapshot(self) -> CwCSnapshot:
        evaluation = self.evaluation_for_pictures()
        epoch = self.samples_seen / self.n_train
        return CwCSnapshot(
            classifier=self.classifier_snapshot(),
            evaluation=evaluation,
            predict=self.p["predict"],
            channels=tuple(self.p["channels"]),
            grouped=self.p["grouped"],
            layers_learning=tuple(self.layer_learns(i, epoch) for i in range(len(self.blocks))),
            first_layer_filters=self.blocks[0].conv.weight.detach()[:, 0].float().cpu().numpy(),
        )

    def state_dict(self) -> dict[str, torch.Tensor]:
        return state_of_parts({"blocks": self.blocks, "head": self.head})

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts({"blocks": self.blocks, "head": self.head}, state)

