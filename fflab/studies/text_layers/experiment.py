"""Text by layer kind (`text-layers`): FF on an MLP window, FF on state-space layers, the SSM by backprop through time.

One run, one table: four nets learn next-character prediction on the same batches, each timed on its own
updates, each with its activation memory measured against the window length. The nets are the two
`ff-text` runs' (`layer=mlp` and `layer=ssm`, each with its backprop twin):

- `ff_mlp`: FF layers on the one-hot window (layer 1 a linear map of it), each trained by its own goodness;
- `mlp_bp`: the same MLP trained end to end by backprop with cross-entropy;
- `ff_ssm`: diagonal linear recurrent (LRU-style) layers, each trained by its own goodness read at the
  candidate's position; nothing crosses between layers, but within a layer the gradient flows back through
  the window (see the `ff-text` page's note on what is backpropagated where);
- `ssm_bptt`: the same SSM stack trained end to end by backprop through time.

Two phases, each `step()` one small unit of work:

1. Memory, one step per window length in `lengths` (and the run's own `context`): a fresh pair of runs at
   that window takes one warm-up update per net and then one measured update, whose `activation_bytes` are
   the peak bytes autograd saves for backward (saved-tensor hooks, as `efficiency` measures them: parameters
   excluded, the same on every machine).
2. Training: every step draws one batch (windows, true next characters, wrong ones) and updates all four
   nets on it, in turn, timing each update alone (`train_seconds.<net>`). Every `eval_every` steps each net
   scores `eval_chars` validation characters: FF by softmax(goodness / T), T fitted on training windows;
   backprop by its softmax. The final figures score `final_chars`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from fflab.experiment import Experiment, load_state_of_parts, report_status, state_of_parts
from fflab.families import member
from fflab.metric_names import metric, total_of
from fflab.studies.efficiency.measure import measure_step, synchronized_clock
from fflab.studies.text import TEXT_LAYERS_TEACHING
from fflab.studies.text_layers.params import MODELS, TEXT_LAYERS_PARAMS, TEXT_LAYERS_PRESETS
from fflab.studies.text_layers.snapshot import NatsCurve, TextLayersSnapshot

KINDS = {"ff_mlp": ("mlp", "ff"), "mlp_bp": ("mlp", "bp"), "ff_ssm": ("ssm", "ff"), "ssm_bptt": ("ssm", "bp")}
SHARED = ("corpus", "context", "hidden", "state_size", "steps", "batch_size", "lr", "eval_every", "eval_chars",
          "final_chars")


class TextLayers(Experiment):
    name = "text-layers"
    headline = "val_nats_per_char.ff_ssm"
    headline_lower_is_better = True
    title = "Text by layer kind: FF-MLP, FF-SSM, BPTT"
    summary = "FF on an MLP window, FF on state-space layers and the SSM by backprop through time, on one table."
    params = TEXT_LAYERS_PARAMS
    presets = TEXT_LAYERS_PRESETS
    default_preset = "excerpt-quick"
    teaching = TEXT_LAYERS_TEACHING
    max_threads = 1  # small nets; and the timings compare nets, not thread teams

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.lengths = tuple(sorted(set(self.p["lengths"]) | {self.p["context"]}))
        report_status("building the nets")
        self.runs = {layer: self._build(layer, self.p["context"]) for layer in ("mlp", "ssm")}
        self.notes.extend(dict.fromkeys(self.runs["mlp"].notes))
        self.activation_bytes: dict[str, dict[int, int]] = {name: {} for name in MODELS}
        self.train_seconds = dict.fromkeys(MODELS, 0.0)
        self.curves = {name: NatsCurve() for name in MODELS}

    def _build(self, layer: str, context: int) -> Any:
        values = {name: self.p[name] for name in SHARED}
        text = member("ff-text")
        return text(text.params.resolve({**values, "context": context, "layer": layer, "baseline": True}),
                    seed=self.seed, device=self.device)

    @property
    def total_steps(self) -> int:
        return len(self.lengths) + self.p["steps"]

    @property
    def phase(self) -> str:
        if self.steps_done < len(self.lengths):
            return "memory"
        return "done" if self.done else "training"

    def step(self) -> dict[str, float]:
        if self.steps_done < len(self.lengths):
            return self._measure_memory(self.lengths[self.steps_done])
        return self._train_step(self.steps_done - len(self.lengths))

    # -- 1. memory against the window length ---------------------------------------------
    def _measure_memory(self, length: int) -> dict[str, float]:
        report_status(f"measuring one update's memory at a window of {length} characters")
        runs = {layer: self._build(layer, length) for layer in ("mlp", "ssm")}
        metrics: dict[str, float] = {}
        for name, (layer, which) in KINDS.items():
            run = runs[layer]
            batch = run.draw_batch()

            def update(run: Any = run, which: str = which, batch: tuple = batch) -> None:
                _update(run, which, batch)

            update()  # warm-up: Adam's state exists, nothing lazy is left for the measured update
            net = run.net if which == "ff" else run.bp
            measured = measure_step(update, net.parameters(), self.device)["activation_bytes"]
            self.activation_bytes[name][length] = measured
            metrics[metric("activation_bytes", name, f"window{length}")] = float(measured)
        if length == self.lengths[-1]:
            report_status("")
        return metrics

    # -- 2. four nets on the same batches ----------------------------------------------------
    def _train_step(self, k: int) -> dict[str, float]:
        batch = self.runs["mlp"].draw_batch()
        metrics: dict[str, float] = {}
        for run in self.runs.values():
            run.on_update({})  # this step's learning rates (linear decay)
        for name, (layer, which) in KINDS.items():
            began = synchronized_clock(self.device)
            out = _update(self.runs[layer], which, batch)
            self.train_seconds[name] += synchronized_clock(self.device) - began
            metrics[metric("loss", name)] = total_of(out, "loss")
            metrics[metric("train_seconds", name)] = self.train_seconds[name]
        for run in self.runs.values():
            run.steps_done += 1
        if (k + 1) % self.p["eval_every"] == 0 or k + 1 == self.p["steps"]:
            metrics.update(self._score(lambda run: run.eval_positions, k + 1))
        return metrics

    def _score(self, positions: Any, step: int | None = None) -> dict[str, float]:
        metrics = {}
        for layer, run in self.runs.items():
            scores = run.scores(positions(run), progress="" if step is not None else f"scoring {layer.upper()} nets")
            for name, (kind, which) in KINDS.items():
                if kind == layer:
                    nats = scores["val_nats_per_char.goodness" if which == "ff" else "val_nats_per_char.bp"]
                    metrics[metric("val_nats_per_char", name)] = nats
                    if step is not None:
                        self.curves[name] = self.curves[name].plus(self.train_seconds[name], step, nats)
        return metrics

    # -- results -------------------------------------------------------------------------------
    def final_metrics(self) -> dict[str, float]:
        metrics: dict[str, float] = {}
        if self.runs["mlp"].steps_done:
            metrics.update(self._score(lambda run: run.final_positions()))
            metrics.update({metric("train_seconds", name): value for name, value in self.train_seconds.items()})
        for name, by_length in self.activation_bytes.items():
            for length, value in by_length.items():
                metrics[metric("activation_bytes", name, f"window{length}")] = float(value)
            if self.p["context"] in by_length:
                metrics[metric("activation_bytes", name)] = float(by_length[self.p["context"]])
        return metrics

    def snapshot(self) -> TextLayersSnapshot:
        measured = tuple(n for n in self.lengths if n in self.activation_bytes["ssm_bptt"])
        return TextLayersSnapshot(
            phase=self.phase, context=self.p["context"], lengths=measured,
            activation_bytes={name: tuple(self.activation_bytes[name][n] for n in measured) for name in MODELS},
            curves=dict(self.curves), train_seconds=dict(self.train_seconds),
        )

    def state_dict(self) -> dict[str, torch.Tensor]:
        return state_of_parts(self.runs)

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts(self.runs, state)


def _update(run: Any, which: str, batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> dict[str, float]:
    """One update of a `ff-text` run's FF net (`ff`) or its backprop twin (`bp`) on this batch."""
    contexts, targets, wrong = batch
    return run.train_ff(contexts, targets, wrong) if which == "ff" else run.train_bp(contexts, targets)
