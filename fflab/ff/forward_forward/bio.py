"""Biologically inspired options of `ff`: three-factor modulation, prospective FF, PCL-FF; dead units.

Each is the closest honest version of a variant a public study (koriyoshi2041/ff-negative-samples) tried, an
option of `ff` so that the study's claims can be tested live beside plain FF. Every option off
(`modulation=none`, `prospective=0`, `pcl=false`) leaves `ff` exactly as it was: no extra parameters, no extra
random draws, the same losses. What each option computes, and how it differs from the study's code, is
`FF_TEACHING.fidelity` in `fflab/ff/forward_forward/text.py` (shown on the Forward-Forward page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from fflab.ff.core import FFLayer, normalise
from fflab.metric_names import layer_metric
from fflab.params import Condition, Param, ParamError

MODULATIONS = ("none", "top_down", "layer_agreement", "reward_prediction")
REWARD_MOMENTUM = 0.99
PROSPECTIVE_BETA = 0.5
FEEDBACK_GAIN, LAYER_FEEDBACK_GAIN, LABEL_GAIN = 0.1, 0.1, 0.5

BIO_PARAMS = [
    Param("modulation", "choice", "none", "Three-factor learning: a third factor scales each sample's local loss "
          "(simultaneous schedule only).", choices=MODULATIONS, choice_help={
              "none": "plain FF",
              "top_down": "learn more where the next layer misjudges the sample",
              "layer_agreement": "learn more where this layer's verdict disagrees with the other layers'",
              "reward_prediction": "learn more where the whole net is wrong, against a running baseline",
          }, group="objective", applies=("schedule", "simultaneous")),
    Param("modulation_strength", "float", 0.5, "s: each sample's loss is weighted by 1 + s·M, M in [−1, 1] "
          "(negative s: learn more where things go right).", low=-1.0, high=1.0, live=True, group="objective",
          applies=(Condition("modulation", test=lambda kind: kind != "none", reason="only with a modulation"),
                   Condition("schedule", ("simultaneous",)))),
    Param("prospective", "float", 0.0, "λ of prospective FF: weight of the pull towards a target inferred from "
          "random feedback (0 is off; the study used 0.01; simultaneous schedule only).", low=0.0, high=100.0,
          live=True, group="objective", applies=("schedule", "simultaneous")),
    Param("pcl", "bool", False, "PCL-FF: each layer predicts its input and passes on only what it cannot "
          "predict (a surprise mask).", group="objective"),
    Param("pcl_alpha", "float", 0.5, "α of PCL-FF: weight of the reconstruction error in goodness and loss.",
          low=0.0, high=10.0, live=True, group="objective", applies=("pcl", True)),
    Param("pcl_sparsity", "float", 0.1, "Weight of PCL-FF's L1 penalty on activity inside the goodness.",
          low=0.0, high=10.0, live=True, group="objective", applies=("pcl", True)),
    Param("pcl_surprise", "float", 1.0, "How strongly PCL-FF's mask suppresses predictable inputs (0: no mask).",
          low=0.0, high=1.0, live=True, group="objective", applies=("pcl", True)),
]


# -- three-factor modulation -------------------------------------------------
def judgement_margins(g_pos: torch.Tensor, g_neg: torch.Tensor, threshold: float, loss: str,
                      alpha: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per sample, the logit of a layer's right judgement: positive when it judges the sample right."""
    if loss == "symba":
        pair = alpha * (g_pos - g_neg)
        return pair, pair
    return g_pos - threshold, threshold - g_neg


def modulation_factors(kind: str, margins: Sequence[torch.Tensor], baseline: float) -> tuple[list[torch.Tensor],
                                                                                             torch.Tensor]:
    """The third factor M (in [-1, 1]) of every layer, and the net's reward per sample.

    `margins[k]` holds layer k's judgement margins over all samples (positives then negatives).
    """
    margins = [m.detach() for m in margins]
    confidence = [torch.tanh(m / 2) for m in margins]
    reward = (torch.stack(margins).sum(dim=0) > 0).float()
    layers = len(margins)
    if kind == "top_down":
        factors = [-confidence[k + 1] if k + 1 < layers else torch.zeros_like(confidence[k]) for k in range(layers)]
    elif kind == "layer_agreement":
        total = torch.stack(confidence).sum(dim=0)
        factors = [-c * (total - c) / (layers - 1) if layers > 1 else torch.zeros_like(c) for c in confidence]
    elif kind == "reward_prediction":
        factors = [-(reward - baseline)] * layers
    else:
        raise ValueError(f"unknown modulation {kind!r}")
    return factors, reward


def weighted_ff_loss(g_pos: torch.Tensor, g_neg: torch.Tensor, w_pos: torch.Tensor, w_neg: torch.Tensor,
                     threshold: float, kind: str = "threshold", alpha: float = 4.0) -> torch.Tensor:
    """`core.ff_loss` with each sample's term weighted (SymBa: each pair's, by the positive's weight)."""
    if kind == "symba":
        return (w_pos * F.softplus(-alpha * (g_pos - g_neg))).mean()
    return torch.cat([w_pos * F.softplus(threshold - g_pos), w_neg * F.softplus(g_neg - threshold)]).mean()


# -- PCL-FF -------------------------------------------------------------------
class PCLLayer(FFLayer):
    """An FF layer that predicts its normalised input and transmits its activity times a surprise mask.

    Each forward pass keeps the per-sample reconstruction error (`reconstruction_error`, in the graph)
    and the mask (`surprise_mask`, detached) for the training loss and the logs.
    """

    def __init__(self, in_features: int, out_features: int, norm: str, params: Mapping[str, Any]):
        super().__init__(in_features, out_features, norm)
        self.predictor = nn.Linear(out_features, in_features)
        self.params = params
        self.reconstruction_error: torch.Tensor | None = None
        self.surprise_mask: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_normed = normalise(x, self.norm)
        h_raw = F.relu(self.linear(x_normed))
        error = (self.predictor(h_raw) - x_normed).pow(2).mean(dim=1)
        surprise = torch.sigmoid(error * 10 - 5)
        mask = 1 - self.params["pcl_surprise"] * (1 - surprise)
        self.reconstruction_error, self.surprise_mask = error, mask.detach()
        return h_raw * mask.unsqueeze(1)


# -- what a training step needs -----------------------------------------------
@dataclass
class LayerTerms:
    """What the bio options add to one layer's loss in one step."""

    w_pos: torch.Tensor | None = None
    w_neg: torch.Tensor | None = None
    extra_loss: torch.Tensor | None = None
    stats: dict[str, torch.Tensor] = field(default_factory=dict)


class BioVariants:
    """The bio options of one `ff` network: builds its layers, adds to its losses, keeps its state."""

    def __init__(self, params: Mapping[str, Any], widths: Sequence[int], num_classes: int, seed: int,
                 device: torch.device):
        self.p = params  # the experiment's own dict, so live changes are seen
        self.num_classes = num_classes
        needs_all_layers = params["modulation"] != "none" or params["prospective"] > 0
        if needs_all_layers and params["schedule"] != "simultaneous":
            name = "modulation" if params["modulation"] != "none" else "prospective"
            raise ParamError(name, "needs every layer's activity at once: set schedule to simultaneous")
        self.reward_baseline = torch.tensor(0.5, device=device)
        self.feedback: dict[str, torch.Tensor] = {}
        if params["prospective"] > 0:
            self.feedback = _feedback_matrices(list(widths[1:]), num_classes, seed, device)

    def make_layer(self, in_features: int, out_features: int, norm: str) -> FFLayer:
        if self.p["pcl"]:
            return PCLLayer(in_features, out_features, norm, self.p)
        return FFLayer(in_features, out_features, norm)

    @property
    def pcl(self) -> bool:
        return bool(self.p["pcl"])

    def pcl_goodness(self, layer: PCLLayer, a: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        """PCL-FF's training goodness of the samples `layer` has just run: g − α·err − sparsity·mean|a|."""
        return g - self.p["pcl_alpha"] * layer.reconstruction_error - self.p["pcl_sparsity"] * a.abs().mean(dim=1)

    def layer_stats(self, index: int, layer: nn.Module) -> dict[str, torch.Tensor]:
        if not isinstance(layer, PCLLayer) or layer.reconstruction_error is None:
            return {}
        return {layer_metric("reconstruction_error", index): layer.reconstruction_error.detach().mean(),
                layer_metric("surprise_mask", index): layer.surprise_mask.mean()}

    def extra_loss(self, layer: nn.Module, terms: LayerTerms | None) -> torch.Tensor | None:
        """What PCL-FF and prospective FF add to a layer's FF loss; None when nothing."""
        parts = [] if terms is None or terms.extra_loss is None else [terms.extra_loss]
        if isinstance(layer, PCLLayer) and layer.reconstruction_error is not None:
            parts.append(self.p["pcl_alpha"] * layer.reconstruction_error.mean())
        return sum(parts[1:], parts[0]) if parts else None

    def simultaneous_terms(self, inputs: tuple[torch.Tensor, torch.Tensor],
                           activities: Sequence[tuple[torch.Tensor, torch.Tensor]],
                           goodnesses: Sequence[tuple[torch.Tensor, torch.Tensor]]) -> list[LayerTerms] | None:
        """Per layer, the modulation weights and the prospective loss of one simultaneous step; None when off."""
        kind, weight = self.p["modulation"], self.p["prospective"]
        if kind == "none" and weight == 0:
            return None
        terms = [LayerTerms() for _ in activities]
        if kind != "none":
            self._modulate(terms, goodnesses)
        if weight > 0:
            labels = [F.one_hot(x[:, : self.num_classes].argmax(dim=1), self.num_classes).float() for x in inputs]
            for k, (a_pos, a_neg) in enumerate(activities):
                sources = activities[k + 1] if k + 1 < len(activities) else labels
                feedback = self.feedback[f"layer{k}"]
                pull = (_consolidation(a_pos, sources[0], feedback, 1.0)
                        + _consolidation(a_neg, sources[1], feedback, -1.0))
                terms[k].extra_loss = weight * pull
                terms[k].stats[layer_metric("consolidation", k)] = pull.detach()
        return terms

    def _modulate(self, terms: list[LayerTerms], goodnesses: Sequence[tuple[torch.Tensor, torch.Tensor]]) -> None:
        threshold, loss, alpha = self.p["threshold"], self.p["loss"], self.p["symba_alpha"]
        margins = [torch.cat(judgement_margins(g_pos, g_neg, threshold, loss, alpha)) for g_pos, g_neg in goodnesses]
        factors, reward = modulation_factors(self.p["modulation"], margins, float(self.reward_baseline))
        n = len(goodnesses[0][0])
        for k, factor in enumerate(factors):
            weights = 1 + self.p["modulation_strength"] * factor
            terms[k].w_pos, terms[k].w_neg = weights[:n], weights[n:]
            terms[k].stats[layer_metric("modulation", k)] = factor.mean()
        if self.p["modulation"] == "reward_prediction":
            terms[0].stats["reward_baseline"] = self.reward_baseline.clone()
            self.reward_baseline = REWARD_MOMENTUM * self.reward_baseline + (1 - REWARD_MOMENTUM) * reward.mean()

    def state_dict(self) -> dict[str, torch.Tensor]:
        state = {"bio.reward_baseline": self.reward_baseline} if self.p["modulation"] == "reward_prediction" else {}
        state.update({f"bio.feedback.{k}": v for k, v in self.feedback.items()})
        return state

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        if "bio.reward_baseline" in state:
            self.reward_baseline = state["bio.reward_baseline"].to(self.reward_baseline.device)
        for key in self.feedback:
            if f"bio.feedback.{key}" in state:
                self.feedback[key] = state[f"bio.feedback.{key}"].to(self.feedback[key].device)


def _consolidation(a: torch.Tensor, source: torch.Tensor, feedback: torch.Tensor, sign: float) -> torch.Tensor:
    """MSE between a layer's activity and its inferred target relu(a ± β·feedback·source), detached."""
    target = F.relu(a + sign * PROSPECTIVE_BETA * source @ feedback.T).detach()
    return (target - a).pow(2).mean()


def _feedback_matrices(widths: list[int], num_classes: int, seed: int, device: torch.device) -> dict[str, torch.Tensor]:
    """Prospective FF's fixed random feedback into each layer: P_k·B_k, and P_L·U into the last.

    Drawn from its own generator, so the net's random stream is untouched.
    """
    gen = torch.Generator().manual_seed(seed + 7919)

    def orthogonal(rows: int, cols: int, gain: float) -> torch.Tensor:
        return nn.init.orthogonal_(torch.empty(rows, cols), gain=gain, generator=gen)

    sources = [*widths[1:], num_classes]
    gains = [LAYER_FEEDBACK_GAIN] * (len(widths) - 1) + [LABEL_GAIN]
    return {f"layer{k}": (orthogonal(w, w, FEEDBACK_GAIN) @ orthogonal(w, n, gain)).to(device)
            for k, (w, n, gain) in enumerate(zip(widths, sources, gains, strict=True))}


__all__ = ["BIO_PARAMS", "MODULATIONS", "BioVariants", "LayerTerms", "PCLLayer", "judgement_margins",
           "modulation_factors", "weighted_ff_loss"]
