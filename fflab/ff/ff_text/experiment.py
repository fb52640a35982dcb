"""`ff-text`: predict the next character of Shakespeare with Forward-Forward layers.

A positive is a window of k characters with its true next character; a negative, the same window with a
wrong one. Each layer learns alone to give positives more goodness than negatives (its input detached).
To predict, the net scores every candidate next character; `softmax(goodness / T)`, with T fitted on
training windows, is its distribution. Beside it in the same run: a softmax head on FF's features, the
same net trained by backprop, and a count-based bigram model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from fflab.data.text import load_corpus
from fflab.experiment import Experiment, load_state_of_parts, report_status, state_of_parts
from fflab.ff.core import ff_loss, goodness
from fflab.ff.ff_text.model import TextFF, WindowMLP, bigram_log_probs, fit_temperature, nats, windows
from fflab.ff.ff_text.params import TEXT_PARAMS, TEXT_PRESETS
from fflab.ff.ff_text.snapshot import PromptReading, TextSnapshot
from fflab.ff.ff_text.ssm import SSMNet, TextSSM, features_of
from fflab.ff.ff_text.text import FF_TEXT_TEACHING

TEMPERATURE_WINDOWS = 2000  # training windows the goodness temperature is fitted on
LN2 = math.log(2.0)
SAMPLE_EVERY_S = 3.0


class FFText(Experiment):
    name = "ff-text"
    headline = "val_nats_per_char"
    headline_lower_is_better = True
    title = "Forward-Forward on text"
    summary = "Next-character prediction on Tiny Shakespeare by goodness, beside backprop and a bigram model."
    params = TEXT_PARAMS
    presets = TEXT_PRESETS
    default_preset = "excerpt-quick"
    teaching = FF_TEXT_TEACHING

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        report_status("loading the text")
        corpus = load_corpus(self.p["corpus"])
        if corpus.note:
            self.notes.append(corpus.note)
        self.corpus = corpus
        self.vocab = corpus.vocab_size
        k = self.p["context"]
        self.train_ids, self.val_ids = corpus.train.to(self.device), corpus.val.to(self.device)
        if len(self.val_ids) <= k + 1:
            raise ValueError(f"the validation split has {len(self.val_ids)} characters, too few for a window of {k}")
        hidden = tuple(self.p["hidden"])
        if self.p["layer"] == "ssm":
            if self.p["ssm_r_min"] > self.p["ssm_r_max"]:
                raise ValueError(f"ssm_r_min ({self.p['ssm_r_min']}) is above ssm_r_max ({self.p['ssm_r_max']})")
            ssm = (self.vocab, hidden, self.p["state_size"], self.p["ssm_r_min"], self.p["ssm_r_max"])
            self.net: TextFF | TextSSM = TextSSM(*ssm).to(self.device)
        else:
            self.net = TextFF(k, self.vocab, hidden).to(self.device)
        self.head = torch.nn.Linear(sum(hidden), self.vocab).to(self.device)
        self.bp: WindowMLP | SSMNet | None = None  # built after the head, as before `layer`: the MLP's numbers stay
        if self.p["baseline"]:
            self.bp = (SSMNet(*ssm) if self.p["layer"] == "ssm" else WindowMLP(k, self.vocab, hidden)).to(self.device)
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=self.p["lr"])
        self.head_optimizer = torch.optim.Adam(self.head.parameters(), lr=self.p["head_lr"])
        self.bp_optimizer = torch.optim.Adam(self.bp.parameters(), lr=self.p["lr"]) if self.bp else None
        self.gen = torch.Generator(device=self.device).manual_seed(self.seed)
        self.bigram = bigram_log_probs(self.train_ids, self.vocab).to(self.device)
        self.temperature = 1.0
        self.eval_positions = self._spread(len(self.val_ids), self.p["eval_chars"])
        self.temperature_positions = torch.randint(k, len(self.train_ids), (TEMPERATURE_WINDOWS,),
                                                   generator=self.gen, device=self.device)
        self.samples_seen = 0
        self._sample: tuple[float, str, int] | None = None  # (when, text, step)
        self._snapshot_step = -1  # steps_done at the last snapshot

    def _spread(self, length: int, count: int) -> torch.Tensor:
        k = self.p["context"]
        count = min(count, length - k)
        return torch.linspace(k, length - 1, count, device=self.device).long()

    @property
    def total_steps(self) -> int:
        return self.p["steps"]

    # -- training --------------------------------------------------------------
    def step(self) -> dict[str, float]:
        contexts, targets, wrong = self.draw_batch()
        self._set_learning_rates()
        metrics: dict[str, float] = {"samples": float(self.samples_seen + len(targets))}
        self.samples_seen += len(targets)
        # the SSM collects the head's features (each layer's neutral activity) in its FF pass, before the update
        neutral: list[torch.Tensor] | None = [] if isinstance(self.net, TextSSM) else None
        metrics.update(self.train_ff(contexts, targets, wrong, neutral))
        metrics.update(self.train_head(contexts, targets, features_of(neutral) if neutral else None))
        if self.bp is not None:
            metrics.update(self.train_bp(contexts, targets))
        if self.step_number % self.p["eval_every"] == 0 or self.step_number >= self.total_steps:
            metrics.update(self.scores(self.eval_positions))
        return metrics

    def draw_batch(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """`batch_size` training windows (N, k), their true next characters (N,) and a wrong one each (N,)."""
        k = self.p["context"]
        positions = torch.randint(k, len(self.train_ids), (self.p["batch_size"],), generator=self.gen,
                                  device=self.device)
        contexts, targets = windows(self.train_ids, positions, k)
        return contexts, targets, self._negatives(contexts, targets)

    def train_ff(self, contexts: torch.Tensor, targets: torch.Tensor, wrong: torch.Tensor,
                 neutral: list[torch.Tensor] | None = None) -> dict[str, float]:
        """One FF update of every layer, each by its own goodness loss; the layers' losses and goodness.

        For `layer=ssm`, a list given as `neutral` collects each layer's neutral activity on the way.
        """
        metrics: dict[str, float] = {}
        losses = []

        def layer_loss(i: int, h_pos: torch.Tensor, h_neg: torch.Tensor) -> torch.Tensor:
            g_pos, g_neg = goodness(h_pos, "mean"), goodness(h_neg, "mean")
            loss = ff_loss(g_pos, g_neg, self.p["threshold"], self.p["loss"], self.p["symba_alpha"])
            metrics[f"loss.layer{i + 1}"] = float(loss.detach())
            metrics[f"goodness_pos.layer{i + 1}"] = float(g_pos.detach().mean())
            metrics[f"goodness_neg.layer{i + 1}"] = float(g_neg.detach().mean())
            return loss

        self.optimizer.zero_grad(set_to_none=True)
        if isinstance(self.net, TextSSM):
            # the context runs once per layer, then a step for the true and for the wrong character; each
            # layer's loss is backpropagated (through time, within the layer) before the next layer runs
            for i, h in enumerate(self.net.layerwise(contexts, torch.stack([targets, wrong], dim=1), neutral)):
                layer_loss(i, h[:, 0], h[:, 1]).backward()
        else:
            pos = self.net.activities(contexts, targets)
            neg = self.net.activities(contexts, wrong)
            for i, (h_pos, h_neg) in enumerate(zip(pos, neg, strict=True)):
                losses.append(layer_loss(i, h_pos, h_neg))
            torch.stack(losses).sum().backward()  # each layer's input is detached: the sum trains each alone
        self.optimizer.step()
        return metrics

    def train_head(self, contexts: torch.Tensor, targets: torch.Tensor, features: torch.Tensor | None = None
                   ) -> dict[str, float]:
        """One update of the softmax head on FF's detached features (computed here unless given)."""
        if features is None:
            features = self.net.features(contexts)
        head_loss = F.cross_entropy(self.head(features.detach()), targets)
        self.head_optimizer.zero_grad(set_to_none=True)
        head_loss.backward()
        self.head_optimizer.step()
        return {"loss.head": float(head_loss.detach())}

    def train_bp(self, contexts: torch.Tensor, targets: torch.Tensor) -> dict[str, float]:
        """One end-to-end backprop update of the baseline (through time too, for `layer=ssm`)."""
        bp_loss = F.cross_entropy(self.bp(contexts), targets)
        self.bp_optimizer.zero_grad(set_to_none=True)
        bp_loss.backward()
        self.bp_optimizer.step()
        return {"loss.bp": float(bp_loss.detach())}

    def _negatives(self, contexts: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """A wrong next character per window: uniform, or drawn from the net's own prediction."""
        if self.p["negatives"] == "self":
            logits = self.net.goodness_of_every_candidate(contexts) / self.temperature
            logits[torch.arange(len(targets)), targets] = -math.inf
            return torch.multinomial(logits.softmax(dim=1), 1, generator=self.gen).squeeze(1)
        shift = torch.randint(1, self.vocab, targets.shape, generator=self.gen, device=self.device)
        return (targets + shift) % self.vocab

    def _set_learning_rates(self) -> None:
        factor = 1.0
        if self.p["lr_decay"] == "linear":
            factor = max(0.0, 1.0 - self.steps_done / self.total_steps)
        for optimizer, key in ((self.optimizer, "lr"), (self.head_optimizer, "head_lr"), (self.bp_optimizer, "lr")):
            if optimizer is not None:
                for group in optimizer.param_groups:
                    group["lr"] = self.p[key] * factor

    # -- scoring -----------------------------------------------------------------
    @torch.no_grad()
    def _fit_temperature(self) -> None:
        contexts, targets = windows(self.train_ids, self.temperature_positions, self.p["context"])
        self.temperature = fit_temperature(self.net.goodness_of_every_candidate(contexts), targets)

    @torch.no_grad()
    def scores(self, positions: torch.Tensor, chunk: int = 1000, progress: str = "") -> dict[str, float]:
        """Validation nats per character and accuracy of each predictor, on these positions (`progress`: what
        to report, with the characters scored so far, while it works)."""
        self._fit_temperature()
        k = self.p["context"]
        totals = {"goodness": 0.0, "softmax": 0.0, "bp": 0.0, "bigram": 0.0, "correct": 0.0}
        for start in range(0, len(positions), chunk):
            if progress:
                report_status(f"{progress}: {start:,} of {len(positions):,} characters")
            contexts, targets = windows(self.val_ids, positions[start:start + chunk], k)
            n = len(targets)
            by_goodness = self.net.goodness_of_every_candidate(contexts) / self.temperature
            totals["goodness"] += nats(by_goodness, targets) * n
            by_head = self.head(self.net.features(contexts))
            totals["softmax"] += nats(by_head, targets) * n
            chosen = by_goodness if self.p["predict"] == "goodness" else by_head
            totals["correct"] += float((chosen.argmax(dim=1) == targets).sum())
            totals["bigram"] += nats(self.bigram[contexts[:, -1]], targets) * n
            if self.bp is not None:
                totals["bp"] += nats(self.bp(contexts), targets) * n
        count = len(positions)
        metrics = {
            "val_nats_per_char": totals[self.p["predict"]] / count,
            "val_nats_per_char.goodness": totals["goodness"] / count,
            "val_nats_per_char.softmax": totals["softmax"] / count,
            "val_nats_per_char.bigram": totals["bigram"] / count,
            "val_accuracy": totals["correct"] / count,
            "temperature": self.temperature,
        }
        if self.bp is not None:
            metrics["val_nats_per_char.bp"] = totals["bp"] / count
        metrics["val_bits_per_char"] = metrics["val_nats_per_char"] / LN2
        return metrics

    def final_metrics(self) -> dict[str, float]:
        return self.scores(self.final_positions(), progress="scoring the validation split")

    def final_positions(self) -> torch.Tensor:
        """The `final_chars` validation positions the final figures score, evenly spaced."""
        return self._spread(len(self.val_ids), self.p["final_chars"])

    def on_update(self, changes: Mapping[str, Any]) -> None:
        self._set_learning_rates()

    # -- for the page --------------------------------------------------------------
    @torch.no_grad()
    def generate(self, prompt_ids: torch.Tensor, count: int, temperature: float, gen: torch.Generator) -> str:
        k = self.p["context"]
        ids = prompt_ids[-k:].clone()
        out = []
        for _ in range(count):
            logits = self.net.goodness_of_every_candidate(ids[None]) / (self.temperature * temperature)
            nxt = torch.multinomial(logits.softmax(dim=1), 1, generator=gen).squeeze()
            out.append(int(nxt))
            ids = torch.cat([ids[1:], nxt.view(1)])
        return self.corpus.decode(out)

    @torch.no_grad()
    def read_prompt(self, text: str, seed: int = 0) -> PromptReading:
        """The candidates' goodness after `text` and `sample_chars` characters generated from it."""
        k = self.p["context"]
        known = [ch for ch in text if ch in self.corpus.vocab]
        left_out = "".join(dict.fromkeys(ch for ch in text if ch not in self.corpus.vocab))
        pad = " " if " " in self.corpus.vocab else self.corpus.vocab[0]
        window = "".join(known)[-k:].rjust(k, pad)
        ids = self.corpus.encode(window).to(self.device)
        goodness, probability = self._candidates(ids)
        gen = torch.Generator(device=self.device).manual_seed(seed)
        continuation = self.generate(ids, self.p["sample_chars"], self.p["sample_temperature"], gen)
        return PromptReading(self.corpus.vocab, window, left_out, goodness, probability, continuation,
                             self.steps_done)

    def _candidates(self, ids: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """Every next character's goodness after the window `ids`, and softmax(goodness / T)."""
        good = self.net.goodness_of_every_candidate(ids[None])[0]
        return good.cpu().numpy(), (good / self.temperature).softmax(0).cpu().numpy()

    @torch.no_grad()
    def snapshot(self) -> TextSnapshot:
        k = self.p["context"]
        prompt_ids = self.val_ids[:k]
        goodness, probability = self._candidates(prompt_ids)
        # generating costs a forward pass per character: a fresh sample every few seconds, and at once when the
        # net has not moved since the last snapshot (paused or ended: the last one shown is the net's own)
        idle = self._snapshot_step == self.steps_done
        self._snapshot_step = self.steps_done
        stale = self._sample is None or (self._sample[2] != self.steps_done and (
            idle or self.done or time.monotonic() - self._sample[0] > SAMPLE_EVERY_S))
        if stale:
            gen = torch.Generator(device=self.device).manual_seed(self.seed + self.steps_done)
            text = self.generate(prompt_ids, self.p["sample_chars"], self.p["sample_temperature"], gen)
            self._sample = (time.monotonic(), text, self.steps_done)
        _, sample, sample_step = self._sample
        return TextSnapshot(
            corpus=self.corpus.name, vocab=self.corpus.vocab, prompt=self.corpus.decode(prompt_ids), sample=sample,
            candidate_goodness=goodness, candidate_probability=probability, temperature=self.temperature,
            step=sample_step,
        )

    def state_dict(self) -> dict[str, torch.Tensor]:
        return state_of_parts({"net": self.net, "head": self.head, "bp": self.bp})

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        load_state_of_parts({"net": self.net, "head": self.head, "bp": self.bp}, state)
        self._fit_temperature()  # not a weight: fitted again on the same training windows
