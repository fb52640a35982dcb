"""Channel-wise Competitive Forward-Forward (`cwc`): class-grouped conv layers, each its own classifier.

Papachristodoulou et al. (AAAI 2024, arXiv 2312.12668), checked against the authors' code
(andreaspapac/CwComp, src/Layer_cnn.py and src/Models.py). What fflab implements, where the
paper leaves room:

- Blocks: conv 3×3 (stride 1, padding 1) → ReLU → 2×2 max-pool (every second layer) →
  BatchNorm (eps 1e-4). Layers alternate a standard convolution and a convolution grouped by
  class (groups = number of classes), the grouped ones pooling: with channels [20, 80, 240, 480]
  that is conv(1→20), grouped conv(20→80) + pool, conv(80→240), grouped conv(240→480) + pool.
  `grouped=false` gives the paper's FF-CNN ablation (every convolution standard).
- Goodness: each layer's channels split into one equal group per class, in order; a group's
  goodness is the mean square of its BatchNorm outputs over its channels and positions.
- Loss: per layer, cross-entropy with the K class goodnesses as logits (the code's `CwC_CE`).
  Each layer has its own optimiser (Adam by default) and sees the previous layer's output
  detached, so no gradient crosses a layer. No negative data.
- Interleaved layer training (the code's `ILT = Acc`): `layer_epochs` gives the epoch at which
  each layer stops learning (its BatchNorm statistics keep updating, as in the code).
- Predictors, all scored at every evaluation: `goodness` = argmax of the class goodness summed
  over layers (the goodness average), `goodness_last` = the last layer's alone (what the
  authors' code calls its average predictor), `softmax` = a linear softmax head on the
  flattened, detached last-layer output. The authors' head applied softmax twice (softmax,
  then a cross-entropy that takes logits) with SGD; fflab's head is plain softmax regression
  trained with Adam at `head_lr`.
- Data: the whole training set each epoch in a new random order, no augmentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from fflab.ff.classifier import SHARED_PARAMS, MultiPredictorClassifier
from fflab.ff.cwc.core import cfse_blocks, class_goodness, class_goodness_matrix, cwc_loss, true_and_rival_goodness
from fflab.ff.cwc.presets import CWC_PRESETS
from fflab.params import Param, ParamError, ParamSpec

PREDICTORS = ("goodness", "goodness_last", "softmax")

CWC_PARAMS = ParamSpec(
    [p for p in SHARED_PARAMS if p.name != "hidden"]
    + [
        Param("channels", "int_list", (20, 80, 240, 480), "Output channels of each conv layer, first to last; each "
              "a multiple of the number of classes (one equal channel group per class).", low=1, high=2000,
              unit="channels", max_items=8),
        Param("grouped", "bool", True, "CFSE blocks: every second convolution grouped by class. Off: all standard "
              "convolutions (the paper's FF-CNN ablation)."),
        Param("layer_epochs", "int_list", (0,), "Epoch at which each layer stops learning (interleaved layer "
              "training), one value per layer, the last repeating; 0 learns to the end.", low=0, high=500,
              unit="epochs", max_items=8),
        Param("predict", "choice", "goodness", "Which predictor gives `test_accuracy` (all three are scored).",
              live=True, choices=PREDICTORS, choice_help={
                  "goodness": "argmax of the class goodness summed over all layers",
                  "goodness_last": "argmax of the last layer's class goodness",
                  "softmax": "a linear softmax head on the last layer's output"}),
        Param("head_lr", "float", 0.001, "Learning rate of the softmax head (Adam).", low=1e-6, high=1.0, log=True,
              live=True),
    ]
)


class ChannelwiseCompetitive(MultiPredictorClassifier):
    name = "cwc"
    title = "Channel-wise Competitive FF (CwC-FF)"
    summary = "Conv layers whose channels compete by class: each layer is a classifier, no negative data."
    params = CWC_PARAMS
    presets = CWC_PRESETS
    default_preset = "digits-quick"
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
            n = i + 1
            stats[f"loss.layer{n}"] = loss.detach()
            stats[f"goodness_pos.layer{n}"] = true.mean()
            stats[f"goodness_neg.layer{n}"] = rivals.mean()
            stats[f"batch_accuracy.layer{n}"] = (goodness.detach().argmax(dim=1) == y).float().mean()
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
                                                                                   dict[str, Any]]:
        """Every predictor's predictions; each layer's class-goodness matrix and accuracy on its own."""
        per_layer, logits = self.scores(images)
        layers = {
            "class_goodness": [class_goodness_matrix(g, labels, self.num_classes).float().cpu().numpy()
                               for g in per_layer],
            "layer_accuracy": (per_layer.argmax(dim=2) == labels).float().mean(dim=1).cpu().tolist(),
        }
        return self.predictions(per_layer, logits), layers

    # -- for the plots -------------------------------------------------------
    @torch.no_grad()
    def snapshot(self) -> dict[str, Any]:
        evaluation, step = self.evaluation_for_pictures()
        snap = self.base_snapshot()
        epoch = self.samples_seen / self.n_train
        snap.update(
            evaluation,
            class_goodness_step=step,
            predict=self.p["predict"],
            channels=list(self.p["channels"]),
            grouped=self.p["grouped"],
            layers_learning=[self.layer_learns(i, epoch) for i in range(len(self.blocks))],
            first_layer_filters=self.blocks[0].conv.weight.detach()[:, 0].float().cpu().numpy(),
        )
        return snap

    def state_dict(self) -> dict[str, torch.Tensor]:
        state = {f"blocks.{k}": v for k, v in self.blocks.state_dict().items()}
        state.update({f"head.{k}": v for k, v in self.head.state_dict().items()})
        return state

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        self.blocks.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("blocks.")})
        self.head.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("head.")})

