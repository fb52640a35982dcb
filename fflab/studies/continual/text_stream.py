"""`continual-text`: Shakespeare arriving part by part; do layer-local learners forget less?

The whole text (Tiny Shakespeare; offline, the excerpt shipped with fflab) is cut into `tasks` consecutive
parts, and the first 90% of each part trains while its last 10% validates. Every learner trains on one part
after another, in lockstep: the same windows of the current part, in the same order, the same wrong next
characters for the FF learners. The replay learners join each batch with as many windows drawn from one
shared reservoir buffer of the windows seen so far. After each part, every learner is scored on every part's
validation windows: row t of its matrix R, next-character accuracy (FF: the candidate of highest goodness;
backprop: the argmax of its softmax), from which come GEM's average accuracy, forgetting and backward transfer.
The learners are `ff-text` runs' nets (`layer=mlp`), their learning rate held constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from fflab.data.text import CORPORA
from fflab.experiment import Experiment, Preset, report_status
from fflab.families import member
from fflab.params import Param, ParamError, ParamSpec
from fflab.studies.continual.experiment import FAMILY
from fflab.studies.continual.measures import Reservoir
from fflab.studies.continual.params import METHODS
from fflab.studies.continual.task_matrix import TaskMatrix
from fflab.studies.continual.text import CONTINUAL_TEXT_TEACHING

TRAIN_SHARE = 0.9  # of each part

CONTINUAL_TEXT_PARAMS = ParamSpec([
    Param("corpus", "choice", "tinyshakespeare", "The text cut into parts: Tiny Shakespeare (offline, the shipped "
          "excerpt stands in), or the 40,000-character excerpt.", choices=CORPORA, group="data"),
    Param("tasks", "int", 5, "Consecutive parts of the text, arriving one after another.", low=2, high=20,
          unit="parts", group="data"),
    Param("context", "int", 16, "Characters each learner sees before the one it predicts.", low=1, high=128,
          unit="characters", group="model"),
    Param("methods", "choice_list", tuple(METHODS), "The learners, trained in lockstep on the same stream.",
          choices=tuple(METHODS), choice_help=METHODS, group="model"),
    Param("hidden", "int_list", (256, 256), "Layer widths of every learner's net.", low=4, high=2000,
          unit="units", max_items=4, group="model"),
    Param("lr", "float", 0.003, "Adam learning rate of every learner, held constant.", low=1e-6, high=1.0,
          log=True, group="model"),
    Param("steps_per_task", "int", 400, "Training steps on each part before the next arrives.", low=1,
          high=100_000, unit="steps", group="schedule"),
    Param("batch_size", "int", 128, "Current-part windows per step (replay adds as many from the buffer).",
          low=1, high=4096, unit="windows", group="schedule"),
    Param("replay_size", "int", 2000, "Windows the reservoir replay buffer keeps, over all parts seen.", low=10,
          high=200_000, unit="windows", group="model"),
    Param("eval_every", "int", 100, "Steps between live scores of the parts seen so far.", low=1, high=100_000,
          unit="steps", group="evaluation"),
    Param("eval_chars", "int", 2000, "Validation windows of each part scored for the matrix (the live scores "
          "use a quarter of them).", low=100, high=100_000, unit="windows", group="evaluation"),
])

CONTINUAL_TEXT_PRESETS = {
    "excerpt-quick": Preset(
        "excerpt-quick", {"corpus": "excerpt", "hidden": (64, 64), "steps_per_task": 100, "batch_size": 64,
                          "replay_size": 500, "eval_every": 50, "eval_chars": 500},
        "Offline and fast: the shipped excerpt in five parts, two layers of 64, 100 steps per part.",
    ),
    "shakespeare": Preset(
        "shakespeare", {},
        "Tiny Shakespeare in five parts of about 223,000 characters; two layers of 256; 400 steps of 128 windows "
        "per part; a replay buffer of 2000 windows.",
        measured="average next-character accuracy FF 30.9%, backprop 42.7%, FF + replay 32.1%, backprop + replay "
                 "40.1%, joint 44.9%; forgetting 0.5 / 1.2 / 0.5 / 0.8 points; 1 min 47 s on 2 CPU cores "
                 "(2026-12-03)",
    ),
}


class ContinualText(TaskMatrix, Experiment):
    name = "continual-text"
    headline = "average_accuracy"
    title = "Continual learning on text: Shakespeare part by part"
    summary = "FF and backprop fine-tuned on one part of Shakespeare after another, with and without replay."
    params = CONTINUAL_TEXT_PARAMS
    presets = CONTINUAL_TEXT_PRESETS
    default_preset = "excerpt-quick"
    teaching = CONTINUAL_TEXT_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        if not self.p["methods"]:
            raise ParamError("methods", "choose at least one method")
        self.methods = tuple(dict.fromkeys(self.p["methods"]))
        self.tasks = tuple((i,) for i in range(self.p["tasks"]))  # a part is named by its number
        self.task_names = tuple(f"part {i + 1}" for i in range(self.p["tasks"]))
        report_status("building the learners")
        self.learners = {m: self._learner(m) for m in self.methods}
        first = next(iter(self.learners.values()))
        self.notes.extend(first.notes)
        self.vocab = first.vocab
        self.ids = torch.cat([first.train_ids, first.val_ids])
        self._cut_into_parts(len(self.ids))
        self.gen = torch.Generator(device=self.device).manual_seed(self.seed + 1)
        self.buffer = Reservoir(self.p["replay_size"], (self.p["context"],), self.device,
                                torch.Generator(device=self.device).manual_seed(self.seed + 2), dtype=torch.long)
        self.matrices = {m: np.full((len(self.tasks), len(self.tasks)), np.nan) for m in self.methods}

    def _learner(self, method: str) -> Any:
        text = member("ff-text")
        values = {name: self.p[name] for name in ("corpus", "context", "hidden", "lr", "batch_size")}
        values.update(steps=self.total_steps, lr_decay="none", baseline=FAMILY[method] == "bp")
        return text(text.params.resolve(values), seed=self.seed, device=self.device)

    def _cut_into_parts(self, length: int) -> None:
        k, tasks = self.p["context"], self.p["tasks"]
        bounds = np.linspace(0, length, tasks + 1).astype(int)
        if min(np.diff(bounds)) * (1 - TRAIN_SHARE) <= k + 1:
            raise ParamError("tasks", f"{tasks} parts of a {length:,}-character text leave too little validation "
                                      f"text in each for a window of {k}; use fewer parts or a shorter context")
        self.train_span, self.val_of = [], []
        for start, end in zip(bounds[:-1], bounds[1:], strict=True):
            split = int(start + TRAIN_SHARE * (end - start))
            self.train_span.append((int(start) + k, split))
            count = min(self.p["eval_chars"], end - split - k)
            self.val_of.append(torch.linspace(split + k, end - 1, count, device=self.device).long())

    # -- the stream ------------------------------------------------------------------------
    def _windows(self, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        steps = torch.arange(-self.p["context"], 0, device=self.device)
        return self.ids[positions[:, None] + steps], self.ids[positions]

    def _wrong(self, targets: torch.Tensor) -> torch.Tensor:
        shift = torch.randint(1, self.vocab, targets.shape, generator=self.gen, device=self.device)
        return (targets + shift) % self.vocab

    def _from_every_part(self) -> torch.Tensor:
        """Joint training's window positions: each from a part drawn at random, from its training text."""
        size = self.p["batch_size"]
        part = torch.randint(0, self.p["tasks"], (size,), generator=self.gen, device=self.device)
        low, high = (torch.tensor(bound, device=self.device)[part] for bound in zip(*self.train_span, strict=True))
        return low + (torch.rand(size, generator=self.gen, device=self.device) * (high - low)).long()

    def step(self) -> dict[str, float]:
        task = self.task_index
        if self.steps_done % self.p["steps_per_task"] == 0:
            report_status(f"part {task + 1} of {self.p['tasks']}")
        low, high = self.train_span[task]
        positions = torch.randint(low, high, (self.p["batch_size"],), generator=self.gen, device=self.device)
        contexts, targets = self._windows(positions)
        replayed = self.buffer.sample(len(targets)) if len(self.buffer) else None
        batches = {"plain": (contexts, targets), "joint": self._windows(self._from_every_part())}
        if replayed is not None:
            batches["replay"] = (torch.cat([contexts, replayed[0]]), torch.cat([targets, replayed[1]]))
        wrong = {kind: self._wrong(batch[1]) for kind, batch in batches.items()}
        metrics: dict[str, float] = {"task": float(task + 1)}
        for method, learner in self.learners.items():
            kind = "joint" if method == "joint" else ("replay" if method.endswith("_replay") and replayed is not None
                                                      else "plain")
            batch_contexts, batch_targets = batches[kind]
            if FAMILY[method] == "ff":
                out = learner.train_ff(batch_contexts, batch_targets, wrong[kind])
            else:
                out = learner.train_bp(batch_contexts, batch_targets)
            metrics[f"loss.{method}"] = sum(v for k, v in out.items() if k.startswith("loss."))
        self.buffer.add(contexts, targets)
        metrics.update(self._scores_after_step(task, max(1, self.p["eval_chars"] // 4)))
        return metrics

    # -- scoring -------------------------------------------------------------------------------
    @torch.no_grad()
    def _accuracy(self, method: str, task: int, limit: int | None = None) -> float:
        positions = self.val_of[task]
        if limit is not None:
            positions = positions[:: max(1, len(positions) // limit)][:limit]
        contexts, targets = self._windows(positions)
        learner = self.learners[method]
        if FAMILY[method] == "ff":
            scores = learner.net.goodness_of_every_candidate(contexts)
        else:
            scores = learner.bp(contexts)
        return float((scores.argmax(dim=1) == targets).float().mean())
