"""Self-Contrastive Forward-Forward (`scff`): unsupervised FF, read out by a linear probe.

Chen et al. (2025), checked against the authors' code (neurophysics-cnrsthales/contrastive-forward-forward). No
label reaches the layers. The paper, and what fflab implements where it leaves room (pairs, how a pair is fed,
normalisation, goodness and loss, schedule, shifts, the probe): `text.py`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from fflab.experiment import load_state_of_parts, state_of_parts
from fflab.ff.classifier import ClassifierExperiment
from fflab.ff.scff.core import PairLayer, make_pairs, normalise_rows, random_shift, scff_loss
from fflab.ff.scff.params import SCFF_PARAMS
from fflab.ff.scff.presets import SCFF_PRESETS
from fflab.ff.scff.snapshot import PairBatch, SCFFSnapshot
from fflab.ff.scff.text import SCFF_TEACHING
from fflab.metric_names import layer_metric
from fflab.params import ParamError

EXAMPLES = 8  # pairs kept for the picture of positives and negatives

def _per_layer(values: tuple[int, ...], index: int) -> float:
    return float(values[min(index, len(values) - 1)])


class SelfContrastiveFF(ClassifierExperiment):
    name = "scff"
    title = "Self-Contrastive Forward-Forward (SCFF)"
    summary = "Unsupervised FF: an image paired with itself is positive, with another image negative."
    params = SCFF_PARAMS
    presets = SCFF_PRESETS
    default_preset = "digits-quick"
    teaching = SCFF_TEACHING
    # Measured on 2 busy cores: digits-quick took 4 s on one thread and 85 s on two (they wait on each other).
    max_threads = 1

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        if self.batch_size < 2:
            raise ParamError("batch_size", "SCFF pairs each image with another of its batch: use 2 or more")
        widths = [self.data.input_dim, *self.p["hidden"]]
        self.layers = nn.ModuleList(
            PairLayer(a, b, self.p["norm"], self.p["activation"], pair_input=i == 0)
            for i, (a, b) in enumerate(zip(widths[:-1], widths[1:], strict=True))
        ).to(self.device)
        self.optimizers = [self.make_optimizer(layer.parameters()) for layer in self.layers]
        self.head = nn.Linear(sum(self.p["hidden"]), self.num_classes).to(self.device)
        self.head_optimizer = torch.optim.Adam(self.head.parameters(), lr=self.p["head_lr"])
        self._examples: tuple[torch.Tensor, ...] | None = None  # positive pairs, negatives, their labels
        self._batch: tuple[torch.Tensor, torch.Tensor] | None = None

    def make_optimizer(self, parameters) -> torch.optim.Optimizer:
        if self.p["optimizer"] == "adamw":
            return torch.optim.AdamW(parameters, lr=self.p["lr"], weight_decay=self.p["weight_decay"])
        return super().make_optimizer(parameters)

    # -- budget ------------------------------------------------------------------
    @property
    def training_steps(self) -> int:
        return self.steps_per_phase * (len(self.layers) if self.p["schedule"] == "greedy" else 1)

    @property
    def probe_steps(self) -> int:
        return math.ceil(self.p["probe_epochs"] * self.n_train / self.batch_size) if self.p["probe_epochs"] else 0

    @property
    def total_steps(self) -> int:
        return self.training_steps + self.probe_steps

    @property
    def current_layer(self) -> int:
        """The layer learning now (greedy), or the last one (simultaneous)."""
        if self.p["schedule"] != "greedy":
            return len(self.layers) - 1
        return min(self.steps_done // self.steps_per_phase, len(self.layers) - 1)

    @property
    def probing(self) -> bool:
        """Whether training is over and only the probe learns."""
        return self.steps_done >= self.training_steps

    # -- pairs ---------------------------------------------------------------------
    def make_pairs(self, images: torch.Tensor, shift: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Positive and negative pairs of `images` (N, 2, D), and each negative's partner index."""
        first, second = images, images
        if shift:
            first = random_shift(images, self.data.image_shape, shift, self.gen)
            second = random_shift(images, self.data.image_shape, shift, self.gen)
        return make_pairs(first, second, self.gen)

    @torch.no_grad()
    def _inputs_of(self, index: int, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The inputs of layer `index`: fresh pairs of `images` (shifted, for layers after the first, when
        `shift` is on) through the earlier layers, without gradient."""
        h_pos, h_neg, partners = self.make_pairs(images, self.p["shift"] if index > 0 else 0)
        if index == 0:
            self._keep_examples(h_pos, h_neg, partners)
        for layer in self.layers[:index]:
            h_pos, h_neg = layer.passed_on(layer(h_pos)), layer.passed_on(layer(h_neg))
        return h_pos, h_neg

    def _keep_examples(self, h_pos, h_neg, partners) -> None:
        if self._batch is not None:
            labels = self._batch[1]
            self._examples = (h_pos[:EXAMPLES].detach(), h_neg[:EXAMPLES].detach(), labels[:EXAMPLES],
                              labels[partners[:EXAMPLES]])

    # -- training ----------------------------------------------------------------
    def layer_loss(self, index: int, h_pos: torch.Tensor, h_neg: torch.Tensor):
        """Layer `index` on detached inputs: its loss, its goodness on both, and what it passes on."""
        layer = self.layers[index]
        n = len(h_pos)
        z = layer(torch.cat([h_pos.detach(), h_neg.detach()]))
        g = layer.goodness(z)
        g_pos, g_neg = g[:n], g[n:]
        loss = scff_loss(g_pos, g_neg, _per_layer(self.p["threshold_pos"], index),
                         _per_layer(self.p["threshold_neg"], index), self.p["goodness_penalty"])
        out = layer.passed_on(z).detach()
        return loss, g_pos, g_neg, out[:n], out[n:]

    def _learn(self, index: int, loss: torch.Tensor, phase_steps: int) -> None:
        optimizer = self.optimizers[index]
        self.set_learning_rate(optimizer, phase_steps)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    def step(self) -> dict[str, float]:
        x, y = self.next_batch()
        stats: dict[str, torch.Tensor] = {}
        features = None
        if not self.probing:
            if self.p["schedule"] == "greedy":
                stats = self._step_greedy(x)
            else:
                stats, features = self._step_simultaneous(x)
        metrics = {k: float(v) for k, v in zip(stats, torch.stack(list(stats.values())).tolist(), strict=True)} \
            if stats else {}
        metrics["probe_loss"] = self._train_head(self.features(x) if features is None else features, y)
        metrics["samples"] = float(self.samples_seen)
        if self.due_for_evaluation():
            metrics.update(self.live_evaluation())
        return metrics

    def _step_greedy(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        index = self.current_layer
        h_pos, h_neg = self._inputs_of(index, images)
        loss, g_pos, g_neg, _, _ = self.layer_loss(index, h_pos, h_neg)
        self._learn(index, loss, self.steps_per_phase)
        return self._layer_stats(index, loss, g_pos, g_neg)

    def _step_simultaneous(self, images: torch.Tensor) -> tuple[dict[str, torch.Tensor], torch.Tensor | None]:
        """Every layer learns on this batch. Without shifts the positives (x, x) went through every
        layer, so their outputs are the probe's features, for free."""
        h_pos, h_neg = self._inputs_of(0, images)
        stats: dict[str, torch.Tensor] = {}
        seen = []
        for index in range(len(self.layers)):
            if index == 1 and self.p["shift"]:
                h_pos, h_neg = self._inputs_of(1, images)  # layers after the first learn from shifted pairs
            loss, g_pos, g_neg, h_pos, h_neg = self.layer_loss(index, h_pos, h_neg)
            self._learn(index, loss, self.training_steps)
            stats.update(self._layer_stats(index, loss, g_pos, g_neg))
            seen.append(normalise_rows(h_pos, "std"))
        return stats, None if self.p["shift"] else torch.cat(seen, dim=1)

    @staticmethod
    def _layer_stats(index: int, loss, g_pos, g_neg) -> dict[str, torch.Tensor]:
        return {layer_metric("loss", index): loss.detach(), layer_metric("goodness_pos", index): g_pos.detach().mean(),
                layer_metric("goodness_neg", index): g_neg.detach().mean()}

    def _train_head(self, features: torch.Tensor, labels: torch.Tensor) -> float:
        if self.probing and self.p["lr_decay"] == "linear" and self.probe_steps:
            done = (self.steps_done - self.training_steps) / self.probe_steps
            for group in self.head_optimizer.param_groups:
                group["lr"] = self.p["head_lr"] * max(0.0, 1.0 - done)
        loss = F.cross_entropy(self.head(features), labels)
        self.head_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.head_optimizer.step()
        return float(loss.item())

    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        self._batch = super().next_batch()
        return self._batch

    def on_update(self, changes: Mapping[str, Any]) -> None:
        if "head_lr" in changes:
            for group in self.head_optimizer.param_groups:
                group["lr"] = self.p["head_lr"]

    # -- features and prediction -----------------------------------------------------
    @torch.no_grad()
    def features(self, images: torch.Tensor) -> torch.Tensor:
        """What the probe reads: the pair (x, x) through every layer, each layer's output standardised
        per sample, concatenated: shape (N, sum of the hidden widths). No label is involved."""
        h = torch.stack([images, images], dim=1)
        features = []
        for layer in self.layers:
            h = layer.passed_on(layer(h))
            features.append(normalise_rows(h, "std"))
        return torch.cat(features, dim=1)

    @torch.no_grad()
    def predict(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images)).argmax(dim=1)

    # -- for the plots -------------------------------------------------------------
    @torch.no_grad()
    def snapshot(self) -> SCFFSnapshot:
        return SCFFSnapshot(
            classifier=self.classifier_snapshot(), current_layer=self.current_layer + 1, schedule=self.p["schedule"],
            probing=self.probing and not self.done, threshold_pos=tuple(self.p["threshold_pos"]),
            threshold_neg=tuple(self.p["threshold_neg"]),
            first_layer_weights=self.weight_images(self.layers[0].linear.weight), pairs=self._pair_batch(),
        )

    def _pair_batch(self) -> PairBatch | None:
        if self._examples is None:
            return None
        shape = (-1, 2, *self.data.image_shape)
        positive, negative, labels, partner_labels = self._examples
        return PairBatch(
            positive_pairs=positive.float().cpu().numpy().reshape(shape),
            negative_pairs=negative.float().cpu().numpy().reshape(shape),
            pair_labels=tuple(labels.cpu().numpy().astype(int).tolist()),
            partner_labels=tuple(partner_labels.cpu().numpy().astype(int).tolist()),
        )

    def state_dict(self) -> dict[str, torch.Tensor]:
        return state_of_parts({"layers": self.layers, "head": self.head})

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts({"layers": self.layers, "head": self.head}, state)
