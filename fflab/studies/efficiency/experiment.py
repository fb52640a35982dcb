"""Efficiency (`efficiency`): what Forward-Forward costs next to backprop, in time and in memory.

Claims under test: FF costs 30-240x backprop's training time (koriyoshi2041/ff-negative-samples), and the
folk claim that FF needs O(width) memory where backprop needs O(depth x width). Both nets are fflab's own:
`ff` (`ForwardForward`) and `bp` (`Backprop`), on the same data, batches and hidden layers, each with its
preset's optimiser settings for the dataset (see `net_values`). Three phases, in this order, each `step()`
one small unit of work:

1. Memory, one step per depth in `depths`. At each depth, nets of `depth` hidden layers of `width` units
   take one warm-up step (so Adam's state exists), then one measured training step each:
   - `ff`: FF trained layer by layer: layer 1's forward, its loss, backward and update, then layer 2 on
     layer 1's detached output, ... Each layer's graph is freed before the next one is built.
   - `ff_summed`: the `ff` experiment's own step (schedule `simultaneous`, as the FF page trains): every
     layer's forward, then one backward over the sum of the layer losses. Inputs are detached, so no gradient
     crosses a layer, but every layer's graph is held until that single backward.
   - `bp`: backprop's step: forward through all layers, cross-entropy, backward.
   `activation_bytes` is the peak, during that step, of the bytes of distinct tensor storages autograd holds
   for backward (counted with `torch.autograd.graph.saved_tensors_hooks`; see `SavedActivationMeter`),
   parameters excluded. It is activation memory, what the O(depth x width) claim is about, and it does not
   depend on allocator or process (RSS) noise. Weights, gradients, optimiser state and the dataset are not in
   it. On CUDA, `cuda_peak_bytes` adds the allocator's view: torch.cuda.max_memory_allocated during the step
   minus what was allocated before it (activations, gradients and the step's temporaries).
2. Layer-parallel FF, `parallel_steps` steps in blocks of ten: a pipeline in which, at every tick, each layer
   trains on its predecessor's output from the previous tick (see `LayerPipeline`), run once with one thread
   per layer (and one CUDA stream per layer on a GPU) and once one layer after another, alternating which goes
   first; the same batches and negatives for both. `parallel_speedup` = sequential time / concurrent time.
3. The race: `ff` and `bp` train for `epochs` each, one step of each in turn (alternating which goes first, so
   both see the same machine load). Only training steps are timed (CUDA synchronised around each);
   every `eval_every` steps both are scored on the first `eval_samples` test images, which gives accuracy
   against cumulative training time and the time and samples at which each first reaches `target_accuracy`.
   Final accuracies use the whole test set.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

import torch

from fflab.data import load_dataset
from fflab.experiment import Experiment, load_state_of_parts, report_status, state_of_parts
from fflab.families import member
from fflab.ff.classifier import ClassifierExperiment
from fflab.metric_names import depth_metric, metric, total_of
from fflab.params import ParamError
from fflab.studies.efficiency.measure import (
    LayerPipeline,
    layer_local_step,
    layer_optimizers,
    measure_step,
    synchronized_clock,
)
from fflab.studies.efficiency.presets import EFFICIENCY_PARAMS, EFFICIENCY_PRESETS, net_values
from fflab.studies.efficiency.snapshot import EfficiencySnapshot, ParallelTiming, RaceCurve
from fflab.studies.text import EFFICIENCY_TEACHING

ALGORITHMS = ("ff", "bp")
MEMORY_SERIES = ("ff", "ff_summed", "bp")
PARALLEL_BLOCK = 10  # pipeline ticks per step()
MAX_WEIGHTS = 60_000_000  # the largest net any phase may build


class Efficiency(Experiment):
    name = "efficiency"
    headline = "time_ratio"
    headline_lower_is_better = True
    title = "Efficiency: FF against backprop"
    summary = "Training time, time to a target accuracy and activation memory against depth, FF beside backprop."
    params = EFFICIENCY_PARAMS
    presets = EFFICIENCY_PRESETS
    default_preset = "digits-quick"
    teaching = EFFICIENCY_TEACHING
    # One intra-op thread for both nets: on a few busy cores, threads of one matmul mostly wait on each other
    # and the timings measure that. The layer-parallel test then gives each layer a thread of its own.
    max_threads = 1

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.depths = tuple(sorted(set(self.p["depths"])))
        self._check_size()
        report_status("building the nets")
        self.racers: dict[str, ClassifierExperiment] = {name: self._build(name, self.p["depth"]) for name in ALGORITHMS}
        self.notes.extend(dict.fromkeys(self.racers["ff"].notes))
        self.n_train = self.racers["ff"].n_train
        self.race_steps = self.racers["ff"].total_steps
        self.parallel_blocks = 0
        if self.p["parallel_steps"] > 0:
            if self.p["depth"] >= 2:
                self.parallel_blocks = math.ceil(self.p["parallel_steps"] / PARALLEL_BLOCK)
            else:
                self.notes.append("The layer-parallel test needs at least 2 layers (depth); it was skipped.")
        self.activation_bytes: dict[str, dict[int, int]] = {name: {} for name in MEMORY_SERIES}
        self.cuda_peak_bytes: dict[str, dict[int, int]] = {name: {} for name in MEMORY_SERIES}
        self.train_seconds = dict.fromkeys(ALGORITHMS, 0.0)
        self.curves = {name: RaceCurve() for name in ALGORITHMS}
        self.reached: dict[str, tuple[float, float] | None] = dict.fromkeys(ALGORITHMS)  # (seconds, samples)
        self.parallel = ParallelTiming()
        self._pipelines: dict[str, LayerPipeline] | None = None
        self._pipeline_source: ClassifierExperiment | None = None
        self._final_accuracy: dict[str, float] | None = None

    def _check_size(self) -> None:
        input_dim = load_dataset(self.p["dataset"]).input_dim
        width = self.p["width"]
        for depth in (self.p["depth"], self.depths[-1]):
            weights = input_dim * width + (depth - 1) * width * width + width * 10
            if weights > MAX_WEIGHTS:
                raise ParamError("width", f"a net of {depth} layers of {width} units has {weights / 1e6:.0f} million "
                                 f"weights, more than the {MAX_WEIGHTS / 1e6:.0f} million allowed; lower the width "
                                 "or the depths")

    def _build(self, algorithm: str, depth: int) -> ClassifierExperiment:
        net = member(algorithm)(net_values(algorithm, self.p, depth), seed=self.seed, device=self.device)
        net.live_evaluations = False  # `efficiency` evaluates outside the timed steps
        return net

    # -- budget ------------------------------------------------------------------
    @property
    def total_steps(self) -> int:
        return len(self.depths) + self.parallel_blocks + self.race_steps

    @property
    def phase(self) -> str:
        k = self.steps_done
        if k < len(self.depths):
            return "memory"
        if k < len(self.depths) + self.parallel_blocks:
            return "parallel"
        return "race" if not self.done else "done"

    def step(self) -> dict[str, float]:
        k = self.steps_done
        if k < len(self.depths):
            return self._measure_memory(self.depths[k])
        k -= len(self.depths)
        if k < self.parallel_blocks:
            return self._parallel_block(k)
        return self._race_step(k - self.parallel_blocks)

    # -- 1. memory against depth ----------------------------------------------------
    def _measure_memory(self, depth: int) -> dict[str, float]:
        report_status(f"measuring one training step's memory at depth {depth}")
        local, summed, bp = self._build("ff", depth), self._build("ff", depth), self._build("bp", depth)
        optimizers = layer_optimizers(local, local.layers)
        steps = {
            "ff": (lambda: layer_local_step(local, optimizers), [*local.layers.parameters(), *local.head.parameters()]),
            "ff_summed": (summed.step, [*summed.layers.parameters(), *summed.head.parameters()]),
            "bp": (bp.step, list(bp.net.parameters())),
        }
        metrics: dict[str, float] = {}
        for name, (train_step, parameters) in steps.items():
            train_step()  # warm-up
            measured = measure_step(train_step, parameters, self.device)
            self.activation_bytes[name][depth] = measured["activation_bytes"]
            metrics[depth_metric("activation_bytes", depth, name)] = float(measured["activation_bytes"])
            if "cuda_peak_bytes" in measured:
                self.cuda_peak_bytes[name][depth] = measured["cuda_peak_bytes"]
                metrics[depth_metric("cuda_peak_bytes", depth, name)] = float(measured["cuda_peak_bytes"])
        metrics[depth_metric("memory_ratio", depth)] = self._memory_ratio(depth)
        return metrics

    def _memory_ratio(self, depth: int) -> float:
        return self.activation_bytes["bp"][depth] / max(1, self.activation_bytes["ff"][depth])

    # -- 2. layer-parallel FF ----------------------------------------------------------
    def _parallel_block(self, block: int) -> dict[str, float]:
        report_status("layer-parallel FF against one layer after another")
        if self._pipelines is None:
            source = self._build("ff", self.p["depth"])  # its batches and negatives feed both pipelines
            threads = max(1, torch.get_num_threads() // self.p["depth"])
            self._pipeline_source = source
            self._pipelines = {"sequential": LayerPipeline(source, copy.deepcopy(source.layers), concurrent=False),
                               "concurrent": LayerPipeline(source, copy.deepcopy(source.layers), concurrent=True,
                                                           threads_per_layer=threads)}
            self.parallel = ParallelTiming(threads=threads)
        source = self._pipeline_source
        ticks = min(PARALLEL_BLOCK, self.p["parallel_steps"] - block * PARALLEL_BLOCK)
        pairs = [source._make_pair(*source.next_batch(), source.gen, keep=False) for _ in range(ticks)]
        order = ("sequential", "concurrent") if block % 2 == 0 else ("concurrent", "sequential")
        caller_threads = torch.get_num_threads()
        seconds = {}
        for mode in order:
            began = synchronized_clock(self.device)
            self._pipelines[mode].run(pairs)
            seconds[mode] = synchronized_clock(self.device) - began
            torch.set_num_threads(caller_threads)  # the layer threads may have changed a process-wide setting
        self.parallel = self.parallel.plus(seconds["sequential"], seconds["concurrent"], ticks)
        if block == self.parallel_blocks - 1:
            self._pipelines, self._pipeline_source = None, None
        return {"parallel_speedup": self.parallel.speedup,
                metric("parallel_seconds", "sequential"): self.parallel.sequential_s,
                metric("parallel_seconds", "concurrent"): self.parallel.concurrent_s}

    # -- 3. the race -------------------------------------------------------------------
    def _race_step(self, k: int) -> dict[str, float]:
        if k == 0:
            report_status("")
        metrics: dict[str, float] = {}
        for name in ALGORITHMS if k % 2 == 0 else reversed(ALGORITHMS):
            net = self.racers[name]
            began = synchronized_clock(self.device)
            out = net.advance()
            self.train_seconds[name] += synchronized_clock(self.device) - began
            metrics[metric("loss", name)] = total_of(out, "loss")
            metrics[metric("train_seconds", name)] = self.train_seconds[name]
        if (k + 1) % self.p["eval_every"] == 0 or k + 1 == self.race_steps:
            metrics.update(self._score_racers())
        return metrics

    def _score_racers(self) -> dict[str, float]:
        metrics = {}
        for name, net in self.racers.items():
            accuracy = net.score(net.x_test[net.eval_test], net.y_test[net.eval_test])
            seconds, samples = self.train_seconds[name], float(net.samples_seen)
            self.curves[name] = self.curves[name].plus(seconds, samples, accuracy)
            if self.reached[name] is None and accuracy >= self.p["target_accuracy"]:
                self.reached[name] = (seconds, samples)
            metrics[metric("test_accuracy", name)] = accuracy
        return metrics

    def seconds_per_epoch(self) -> dict[str, float]:
        return {name: self.train_seconds[name] / (net.samples_seen / self.n_train)
                for name, net in self.racers.items() if net.samples_seen}

    # -- results -----------------------------------------------------------------------
    def evaluate(self) -> dict[str, float]:
        """Both racers' accuracy on the whole test set (once they have trained)."""
        if self.racers["ff"].steps_done == 0:
            return {}
        if self._final_accuracy is None or not self.done:
            self._final_accuracy = {name: net.score(net.x_test, net.y_test) for name, net in self.racers.items()}
        return {metric("test_accuracy", name): value for name, value in self._final_accuracy.items()}

    def final_metrics(self) -> dict[str, float]:
        metrics: dict[str, float] = {}
        per_epoch = self.seconds_per_epoch()
        for name, value in per_epoch.items():
            metrics[metric("seconds_per_epoch", name)] = value
        if len(per_epoch) == 2:
            metrics["time_ratio"] = per_epoch["ff"] / max(per_epoch["bp"], 1e-12)
        if self.racers["ff"].steps_done:
            for name in ALGORITHMS:
                reached = self.reached[name]
                metrics[metric("reached_target", name)] = float(reached is not None)
                if reached is not None:
                    metrics[metric("time_to_target", name)], metrics[metric("samples_to_target", name)] = reached
            if self.reached["ff"] and self.reached["bp"]:
                metrics["time_to_target_ratio"] = self.reached["ff"][0] / max(self.reached["bp"][0], 1e-12)
        metrics.update(self.evaluate())
        for depth in self.activation_bytes["bp"]:
            for name in MEMORY_SERIES:
                metrics[depth_metric("activation_bytes", depth, name)] = float(self.activation_bytes[name][depth])
                if depth in self.cuda_peak_bytes[name]:
                    metrics[depth_metric("cuda_peak_bytes", depth, name)] = float(self.cuda_peak_bytes[name][depth])
            metrics[depth_metric("memory_ratio", depth)] = self._memory_ratio(depth)
        if self.parallel.ticks:
            metrics["parallel_speedup"] = self.parallel.speedup
        return metrics

    def snapshot(self) -> EfficiencySnapshot:
        measured = tuple(d for d in self.depths if d in self.activation_bytes["bp"])
        return EfficiencySnapshot(
            phase=self.phase,
            device=str(self.device),
            dataset=self.racers["ff"].dataset_name,
            width=self.p["width"],
            depth=self.p["depth"],
            depths=measured,
            activation_bytes={name: tuple(self.activation_bytes[name][d] for d in measured) for name in MEMORY_SERIES},
            cuda_peak_bytes={name: tuple(self.cuda_peak_bytes[name][d] for d in measured) for name in MEMORY_SERIES
                             if self.cuda_peak_bytes[name]},
            curves=dict(self.curves),
            target=self.p["target_accuracy"],
            seconds_per_epoch=self.seconds_per_epoch(),
            time_to_target={name: reached[0] for name, reached in self.reached.items() if reached is not None},
            parallel=self.parallel,
        )

    def state_dict(self) -> dict[str, torch.Tensor]:
        return state_of_parts(self.racers)

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts(self.racers, state)
