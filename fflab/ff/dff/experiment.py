"""Distance-Forward learning (`dff`): every layer pulls its activity to its class's centre.

Wu et al. (2024). The authors published no code; the paper, and what fflab chooses where its abstract leaves
room (net, centres, distance, loss, locality, layer collaboration, prediction, snapshot): `text.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from fflab.experiment import load_state_of_parts, state_of_parts
from fflab.ff.classifier import MultiPredictorClassifier
from fflab.ff.classifier_params import SHARED_PARAMS
from fflab.ff.core import collaborative_goodness
from fflab.ff.dff.core import (
    DISTANCES,
    RIVALS,
    DistanceLayer,
    centre_distances,
    class_distance_matrix,
    n_pair_margin_loss,
    rival_mask,
    true_and_nearest_rival,
)
from fflab.ff.dff.presets import DFF_PRESETS
from fflab.ff.dff.snapshot import DFFSnapshot
from fflab.ff.dff.text import DFF_TEACHING
from fflab.metric_names import layer_metric
from fflab.params import Param, ParamSpec

PREDICTORS = ("all_layers", "last_layer")

DFF_PARAMS = ParamSpec(
    SHARED_PARAMS
    + [
        Param("distance", "choice", "sphere", "How far an activity is from a class centre.", choices=DISTANCES,
              choice_help={"sphere": "both scaled to unit length: 2 − 2·cos, from 0 to 4",
                           "euclidean": "squared distance, averaged over the layer's units"}, group="objective"),
        Param("margin", "float", 0.25, "m: how much nearer the true centre must be than each rival centre.",
              low=0.0, high=10.0, live=True, group="objective"),
        Param("scale", "float", 16.0, "s: sharpness of the loss; the slope when a rival centre is nearer.", low=0.1,
              high=100.0, live=True, group="objective"),
        Param("rivals", "choice", "all", "Which wrong classes each sample is compared against.", choices=RIVALS,
              choice_help={"all": "every wrong class at once (N-pair)",
                           "hardest": "the nearest wrong centre only", "random": "one wrong class at random"},
              group="objective"),
        Param("norm", "choice", "rms", "How each layer normalises its input: to unit length (`l2`), to unit "
              "root-mean-square (`rms`), or not at all.", choices=("l2", "rms", "none"), group="model"),
        Param("collab_gamma", "float", 0.0, "γ: each layer's loss also sees γ × the other layers' distances, "
              "detached (0 is off).", low=0.0, high=10.0, live=True, group="objective"),
        Param("predict", "choice", "all_layers", "Which predictor gives `test_accuracy` (both are scored).",
              live=True, choices=PREDICTORS, choice_help={"all_layers": "nearest centre, distances summed over layers",
                                                          "last_layer": "nearest centre in the last layer"},
              group="evaluation"),
    ]
)


class DistanceForward(MultiPredictorClassifier):
    name = "dff"
    title = "Distance-Forward (DF)"
    summary = "Each layer learns class centres and pulls an image's activity nearer its own centre than any other."
    params = DFF_PARAMS
    presets = DFF_PRESETS
    default_preset = "digits-quick"
    teaching = DFF_TEACHING
    max_threads = 1  # small fully connected layers: a second thread costs more than it saves

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        widths = [self.data.input_dim, *self.p["hidden"]]
        self.layers = nn.ModuleList(
            DistanceLayer(a, b, self.num_classes, self.p["norm"]) for a, b in zip(widths[:-1], widths[1:], strict=True)
        ).to(self.device)
        self.optimizers = [self.make_optimizer(layer.parameters()) for layer in self.layers]

    @property
    def total_steps(self) -> int:
        return self.steps_per_phase

    # -- training ------------------------------------------------------------
    def layer_distances(self, images: torch.Tensor) -> list[torch.Tensor]:
        """Each layer's (N, K) distances to its centres; every layer's input is detached."""
        h, per_layer = images, []
        for layer in self.layers:
            h = layer(h.detach())
            per_layer.append(centre_distances(h, layer.centres, self.p["distance"]))
        return per_layer

    def layer_losses(self, per_layer: list[torch.Tensor], labels: torch.Tensor) -> list[torch.Tensor]:
        """One N-pair margin loss per layer, on its own distances (plus γ × the others', detached)."""
        combined = collaborative_goodness(per_layer, self.p["collab_gamma"])
        losses = []
        for distances in combined:
            mask = rival_mask(distances, labels, self.p["rivals"], self.gen)
            losses.append(n_pair_margin_loss(distances, labels, self.p["margin"], self.p["scale"], mask))
        return losses

    def step(self) -> dict[str, float]:
        x, y = self.next_batch()
        per_layer = self.layer_distances(x)
        losses = self.layer_losses(per_layer, y)
        for optimizer in self.optimizers:
            self.set_learning_rate(optimizer, self.total_steps)
            optimizer.zero_grad(set_to_none=True)
        torch.stack(losses).sum().backward()  # the graphs are disjoint: each layer gets its own loss's gradient
        for optimizer in self.optimizers:
            optimizer.step()
        stats: dict[str, torch.Tensor] = {}
        for i, (distances, loss) in enumerate(zip(per_layer, losses, strict=True)):
            true, rival = true_and_nearest_rival(distances.detach(), y)
            stats[layer_metric("loss", i)] = loss.detach()
            stats[layer_metric("distance_true", i)] = true.mean()
            stats[layer_metric("distance_rival", i)] = rival.mean()
            stats[layer_metric("batch_accuracy", i)] = (distances.detach().argmin(dim=1) == y).float().mean()
        metrics = dict(zip(stats.keys(), torch.stack(list(stats.values())).tolist(), strict=True))
        metrics["samples"] = float(self.samples_seen)
        if self.due_for_evaluation():
            metrics.update(self.live_evaluation())
        return metrics

    def on_update(self, changes: Mapping[str, Any]) -> None:
        if "lr" in changes:
            for optimizer in self.optimizers:
                self.set_learning_rate(optimizer, self.total_steps)

    # -- prediction ------------------------------------------------------------
    @torch.no_grad()
    def distances(self, images: torch.Tensor, batch: int = 2000) -> torch.Tensor:
        """(layers, N, K): every layer's distance from each image's activity to each class centre."""
        chunks = [torch.stack(self.layer_distances(images[i : i + batch])) for i in range(0, len(images), batch)]
        return torch.cat(chunks, dim=1)

    @staticmethod
    def predictions(per_layer: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"all_layers": per_layer.sum(dim=0).argmin(dim=1), "last_layer": per_layer[-1].argmin(dim=1)}

    @torch.no_grad()
    def predict(self, images: torch.Tensor) -> torch.Tensor:
        return self.predictions(self.distances(images))[self.p["predict"]]

    @torch.no_grad()
    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Every layer's activity, concatenated (a linear probe's input)."""
        h, out = images, []
        for layer in self.layers:
            h = layer(h)
            out.append(h)
        return torch.cat(out, dim=1)

    # -- scoring -------------------------------------------------------------
    def layer_evaluation(self, images: torch.Tensor, labels: torch.Tensor) -> tuple[dict[str, torch.Tensor],
                                                                                   list[np.ndarray], list[float]]:
        """Both predictors' predictions; each layer's class × centre distances and accuracy on its own."""
        per_layer = self.distances(images)
        centre_distance = [class_distance_matrix(d, labels, self.num_classes).float().cpu().numpy() for d in per_layer]
        layer_accuracy = (per_layer.argmin(dim=2) == labels).float().mean(dim=1).cpu().tolist()
        return self.predictions(per_layer), centre_distance, layer_accuracy

    # -- for the plots -------------------------------------------------------
    @torch.no_grad()
    def snapshot(self) -> DFFSnapshot:
        evaluation = self.evaluation_for_pictures()
        return DFFSnapshot(
            classifier=self.classifier_snapshot(),
            evaluation=evaluation,
            distance=self.p["distance"],
            margin=self.p["margin"],
            predict=self.p["predict"],
            first_layer_weights=self.weight_images(self.layers[0].linear.weight),
        )

    def state_dict(self) -> dict[str, torch.Tensor]:
        return state_of_parts({"layers": self.layers})

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts({"layers": self.layers}, state)
