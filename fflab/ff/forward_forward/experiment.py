"""The Forward-Forward experiment (`ff`): supervised FF with the label overlaid on the input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from fflab.experiment import load_state_of_parts, report_status, state_of_parts
from fflab.ff.classifier import ClassifierData, ClassifierExperiment
from fflab.ff.core import (
    FFLayer,
    PeerNorm,
    collaborative_goodness,
    dead_unit_fractions,
    ff_loss,
    goodness,
    overlay_labels,
)
from fflab.ff.forward_forward.bio import BioVariants, LayerTerms, weighted_ff_loss
from fflab.ff.forward_forward.full_batch import normalised_pair, separate_pair
from fflab.ff.forward_forward.params import FF_PARAMS
from fflab.ff.forward_forward.prediction import SoftmaxHead, goodness_scores, neutral_features, prediction_layers
from fflab.ff.forward_forward.presets import FF_PRESETS
from fflab.ff.forward_forward.snapshot import FFSnapshot
from fflab.ff.forward_forward.text import FF_TEACHING
from fflab.ff.negatives import NEGATIVE_STRATEGIES, NegativeContext
from fflab.ff.snapshot import ExampleBatch
from fflab.metric_names import layer_metric


class ForwardForward(ClassifierExperiment):
    name = "ff"
    title = "Forward-Forward"
    summary = "Layers trained one objective each: high goodness for positive data, low for negative."
    params = FF_PARAMS
    presets = FF_PRESETS
    default_preset = "digits-quick"
    teaching = FF_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu",
                 shared: ClassifierData | None = None):
        super().__init__(params, seed, device, shared)
        self.build_model()

    def build_model(self) -> None:
        """Layers, optimisers, head and negatives, once the data is in place."""
        widths = [self.data.input_dim, *self.p["hidden"]]
        self.bio = BioVariants(self.p, widths, self.num_classes, self.seed, self.device)
        self.layers = nn.ModuleList(
            self.bio.make_layer(a, b, self.p["norm"]) for a, b in zip(widths[:-1], widths[1:], strict=True)
        ).to(self.device)
        head_width = sum(prediction_layers(self.p["hidden"], self.p["skip_first"]))
        self.head = SoftmaxHead(head_width, self.num_classes, self.p["head_lr"], self.device)
        self.peer = PeerNorm()
        if self.p["schedule"] == "greedy":
            self.optimizers = [self.make_optimizer(layer.parameters()) for layer in self.layers]
        else:
            self.optimizers = [self.make_optimizer(self.layers.parameters())]
        self.strategy = NEGATIVE_STRATEGIES[self.p["negatives"]].fn
        self.negative_context = NegativeContext(
            self.num_classes, self.gen, self.data.image_shape, knobs=self.p, label_scores=self.label_scores,
            pool_images=self.x_train, pool_labels=self.y_train,
        )
        self._batch: tuple[torch.Tensor, torch.Tensor] | None = None
        make_pair = lambda: self._make_pair(*self.next_batch(), self.gen)  # noqa: E731
        self._full_batch_input = (normalised_pair(self.p["norm"], make_pair) if self._normalised_once()
                                  else separate_pair(make_pair))
        self._examples: tuple[torch.Tensor, ...] | None = None
        probe = min(500, self.n_train)
        probe_gen = torch.Generator(device=self.device).manual_seed(self.seed + 1)
        self._probe = self._make_pair(self.x_train[:probe], self.y_train[:probe], probe_gen, keep=False)

    # -- budget ----------------------------------------------------------------
    @property
    def total_steps(self) -> int:
        per_phase = self.steps_per_phase
        return per_phase * len(self.layers) if self.p["schedule"] == "greedy" else per_phase

    @property
    def current_layer(self) -> int:
        if self.p["schedule"] != "greedy":
            return len(self.layers) - 1
        return min(self.steps_done // self.steps_per_phase, len(self.layers) - 1)

    def trained_layers(self) -> list[FFLayer]:
        """The layers that have started training (greedy mode leaves later ones untouched)."""
        if self.p["schedule"] == "greedy" and not self.done:
            return list(self.layers[: self.current_layer + 1])
        return list(self.layers)

    # -- training ------------------------------------------------------------
    def _make_pair(self, images, labels, gen, keep=True) -> tuple[torch.Tensor, torch.Tensor]:
        neg_images, neg_labels = self.strategy(images, labels, self.negative_context.with_generator(gen))
        strength = self.p["label_strength"]
        x_pos = overlay_labels(images, labels, self.num_classes, strength)
        x_neg = overlay_labels(neg_images, neg_labels, self.num_classes, strength)
        if keep:
            self._examples = (x_pos[:8], labels[:8], x_neg[:8], neg_labels[:8])
        return x_pos, x_neg

    def _layer_forward(self, layer: FFLayer, h_pos: torch.Tensor, h_neg: torch.Tensor):
        """Run one layer on positives and negatives in one pass; its activities and goodness."""
        out = layer(torch.cat([h_pos, h_neg]))
        a_pos, a_neg = out[: len(h_pos)], out[len(h_pos) :]
        if self.bio.pcl:
            g = self.bio.pcl_goodness(layer, out, goodness(out, self.p["goodness"]))
            return a_pos, a_neg, g[: len(h_pos)], g[len(h_pos) :]
        return a_pos, a_neg, goodness(a_pos, self.p["goodness"]), goodness(a_neg, self.p["goodness"])

    def _layer_objective(self, index: int, g_pos: torch.Tensor, g_neg: torch.Tensor, a_pos: torch.Tensor,
                         terms: LayerTerms | None = None):
        if terms is not None and terms.w_pos is not None:
            loss = weighted_ff_loss(g_pos, g_neg, terms.w_pos, terms.w_neg, self.p["threshold"], self.p["loss"],
                                    self.p["symba_alpha"])
        else:
            loss = ff_loss(g_pos, g_neg, self.p["threshold"], self.p["loss"], self.p["symba_alpha"])
        if self.p["peer_norm"] > 0:
            loss = loss + self.p["peer_norm"] * self.peer.loss(index, a_pos)
        extra = self.bio.extra_loss(self.layers[index], terms)
        return loss if extra is None else loss + extra

    def _layer_loss(self, index: int, layer: FFLayer, h_pos: torch.Tensor, h_neg: torch.Tensor):
        """Run one layer on positives and negatives in one pass; its loss and goodness."""
        a_pos, a_neg, g_pos, g_neg = self._layer_forward(layer, h_pos, h_neg)
        return self._layer_objective(index, g_pos, g_neg, a_pos), g_pos, g_neg, a_pos, a_neg

    def step(self) -> dict[str, float]:
        if self.p["schedule"] == "greedy":
            stats = self._step_greedy()
        else:
            stats = self._step_simultaneous()
        metrics = {name: float(v) for name, v in zip(stats.keys(), torch.stack(list(stats.values())).tolist(), strict=True)}
        if self.p["predict"] == "softmax":
            metrics["head_loss"] = self._train_head()
        metrics["samples"] = float(self.samples_seen)
        if self.due_for_evaluation():
            metrics.update(self.live_evaluation())
            metrics.update(dead_unit_fractions(self.layers, self.x_test[self.eval_test], self.num_classes,
                                               self.p["label_strength"]))
        return metrics

    def _step_simultaneous(self) -> dict[str, torch.Tensor]:
        x, y = self.next_batch()
        h_pos, h_neg = inputs = self._make_pair(x, y, self.gen)
        outputs, activities = [], []
        for layer in self.layers:
            h_pos, h_neg, g_pos, g_neg = self._layer_forward(layer, h_pos.detach(), h_neg.detach())
            outputs.append((h_pos, g_pos, g_neg))
            activities.append((h_pos, h_neg))
        terms = self.bio.simultaneous_terms(inputs, activities, [(g_pos, g_neg) for _, g_pos, g_neg in outputs])
        gamma = self.p["collab_gamma"]
        logit_pos = collaborative_goodness([g_pos for _, g_pos, _ in outputs], gamma)
        logit_neg = collaborative_goodness([g_neg for _, _, g_neg in outputs], gamma)
        total = torch.zeros((), device=self.device)
        stats: dict[str, torch.Tensor] = {}
        for i, (a_pos, g_pos, g_neg) in enumerate(outputs):
            loss = self._layer_objective(i, logit_pos[i], logit_neg[i], a_pos, None if terms is None else terms[i])
            total = total + loss
            stats.update(self._layer_stats(i, loss, g_pos, g_neg))
            stats.update({} if terms is None else terms[i].stats)
        optimizer = self.optimizers[0]
        self.set_learning_rate(optimizer, self.total_steps)
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        optimizer.step()
        return stats

    def _step_greedy(self) -> dict[str, torch.Tensor]:
        index = self.current_layer
        if self.batch_size >= self.n_train and self._normalised_once():
            x_normalised, n_pos = self._full_batch(index)
            out = self.layers[index].activate(x_normalised)
            a_pos, a_neg = out[:n_pos], out[n_pos:]
            g_pos, g_neg = goodness(a_pos, self.p["goodness"]), goodness(a_neg, self.p["goodness"])
            loss = self._layer_objective(index, g_pos, g_neg, a_pos)
        else:
            h_pos, h_neg = self._full_batch(index) if self.batch_size >= self.n_train else self._batch_inputs(index)
            loss, g_pos, g_neg, _, _ = self._layer_loss(index, self.layers[index], h_pos, h_neg)
        optimizer = self.optimizers[index]
        self.set_learning_rate(optimizer, self.steps_per_phase)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return self._layer_stats(index, loss, g_pos, g_neg)

    def _normalised_once(self) -> bool:
        """On the full batch, whether a layer's input is kept normalised, [pos; neg] in one tensor (plain
        layers), or as the positives and negatives (PCL's layers are more than `activate`)."""
        return not self.bio.pcl

    def _full_batch(self, index: int):
        """Layer `index`'s input on the full batch, made once per phase (`full_batch.py`); each step sees it all."""
        self.samples_seen += self.n_train if self._full_batch_input.made is not None else 0
        return self._full_batch_input.for_layer(self.layers, index)

    @torch.no_grad()
    def _batch_inputs(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Inputs of layer `index` on a fresh minibatch: the frozen earlier layers' outputs."""
        x, y = self.next_batch()
        h_pos, h_neg = self._make_pair(x, y, self.gen)
        for layer in self.layers[:index]:
            h_pos, h_neg = layer(h_pos), layer(h_neg)
        return h_pos, h_neg

    def _layer_stats(self, i: int, loss, g_pos, g_neg) -> dict[str, torch.Tensor]:
        return {
            layer_metric("loss", i): loss.detach(),
            layer_metric("goodness_pos", i): g_pos.detach().mean(),
            layer_metric("goodness_neg", i): g_neg.detach().mean(),
            **self.bio.layer_stats(i, self.layers[i]),
        }

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return neutral_features(self.layers, images, self.num_classes, self.p["label_strength"], self.p["norm"],
                                self.p["skip_first"])

    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        self._batch = super().next_batch()
        return self._batch

    def _train_head(self) -> float:
        x, y = self._batch if self._batch is not None else (self.x_train, self.y_train)
        return self.head.learn(self.features(x), y)

    def on_update(self, changes: Mapping[str, Any]) -> None:
        if "lr" in changes:
            for optimizer in self.optimizers:
                self.set_learning_rate(optimizer, self.steps_per_phase)
        if "head_lr" in changes:
            self.head.set_learning_rate(self.p["head_lr"])

    # -- prediction ------------------------------------------------------------
    @torch.no_grad()
    def label_scores(self, images: torch.Tensor) -> torch.Tensor:
        """(N, classes): the softmax head's logits, or each label's goodness summed over the prediction layers."""
        if self.p["predict"] == "softmax":
            return self.head(self.features(images))
        return goodness_scores(self.trained_layers(), images, self.num_classes, self.p["label_strength"],
                               self.p["goodness"], self.p["skip_first"])

    @torch.no_grad()
    def predict(self, images: torch.Tensor) -> torch.Tensor:
        return self.label_scores(images).argmax(dim=1)

    def final_metrics(self) -> dict[str, float]:
        """The classifier's figures, and the dead-unit fractions on the evaluation sample of the test set (as
        while training: a unit silent on those images under every label is called dead)."""
        metrics = super().final_metrics()
        report_status("final metrics: counting dead units")
        metrics.update(dead_unit_fractions(self.layers, self.x_test[self.eval_test], self.num_classes,
                                           self.p["label_strength"]))
        return metrics

    # -- for the plots -------------------------------------------------------
    @torch.no_grad()
    def snapshot(self) -> FFSnapshot:
        x_pos, x_neg = self._probe
        goodness_pos, goodness_neg = [], []
        h = torch.cat([x_pos, x_neg])
        for layer in self.layers:
            h = layer(h)
            g = goodness(h, self.p["goodness"]).float().cpu().numpy()
            goodness_pos.append(g[: len(x_pos)])
            goodness_neg.append(g[len(x_pos) :])
        return FFSnapshot(
            classifier=self.classifier_snapshot(), goodness_pos=tuple(goodness_pos), goodness_neg=tuple(goodness_neg),
            threshold=self.p["threshold"], loss_kind=self.p["loss"], current_layer=self.current_layer + 1,
            schedule=self.p["schedule"], first_layer_weights=self.weight_images(self.layers[0].linear.weight),
            examples=self.example_batch(),
        )

    def example_batch(self) -> ExampleBatch | None:
        """The first positives of the latest training batch and their negatives (None before the first step)."""
        if self._examples is None:
            return None
        shape = (-1, *self.data.image_shape)
        pos, pos_labels, neg, neg_labels = (t.detach().float().cpu().numpy() for t in self._examples)
        return ExampleBatch(pos.reshape(shape), tuple(pos_labels.astype(int).tolist()), neg.reshape(shape),
                            tuple(neg_labels.astype(int).tolist()))

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {**state_of_parts({"layers": self.layers, "head": self.head}), **self.bio.state_dict()}

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts({"layers": self.layers, "head": self.head}, state)
        self.bio.load_state_dict(state)
