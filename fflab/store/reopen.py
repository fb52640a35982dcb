"""A stored run reopened: the same face as a live `Run`, ended, so a page draws it with its own views.

Its log holds the stored history, its snapshot the last one stored (None for runs
saved before snapshots were kept), its spec the stored parameters and seed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import torch

from fflab.catalog import get_experiment
from fflab.experiment import Experiment
from fflab.metric_log import MetricLog
from fflab.params import ParamError
from fflab.runner.run import answer_in_own_thread, await_answer
from fflab.runner.spec import Question, RunSpec, Status
from fflab.store.database import RunStore, RunSummary
from fflab.store.snapshots import SnapshotCodecError, snapshot_from_bytes

T = TypeVar("T")
DIVERGED_PREFIX = "diverged: "
WARNING_PREFIX = "warning: "


class ReopenedRun:
    """A run read back from the store; commands do nothing, it has ended."""

    def __init__(self, summary: RunSummary, history: list[dict[str, float]], snapshot: Any,
                 weights: Callable[[], Mapping[str, torch.Tensor]] | None = None):
        self.stored_id = summary.id
        self.id = summary.run_key or f"stored-{summary.id}"
        self.group_key = summary.group_key or self.id
        self.role = summary.role or summary.experiment
        self.experiment_cls: type[Experiment] = get_experiment(summary.experiment)
        self.spec = _spec(summary)
        self.status = Status(summary.status)
        self.final_metrics = dict(summary.metrics)
        self.snapshot = snapshot
        self.experiment = None  # never the rebuilt one below: views read what a live run offers
        self._weights = weights if summary.has_weights else None
        self._rebuilt: Experiment | None = None
        self._lock = threading.Lock()
        self.elapsed_s = summary.elapsed_s
        self.created_at = summary.created_at
        self.error: str | None = None
        self.traceback: str | None = None
        self.queue_position: int | None = None
        self.sharing_with = 0
        self.progress = 1.0
        reasons = [n[len(DIVERGED_PREFIX):] for n in summary.notes if n.startswith(DIVERGED_PREFIX)]
        self.status_note = reasons[0] if reasons else ""
        self.warnings = [n[len(WARNING_PREFIX):] for n in summary.notes if n.startswith(WARNING_PREFIX)]
        self.notes = [n for n in summary.notes if not n.startswith((DIVERGED_PREFIX, WARNING_PREFIX))]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.finished_at or summary.created_at))
        self.origin = f"saved run {summary.id}, {when}"
        self.log = MetricLog(maxlen=max(1, len(history)))
        for record in history:
            self.log.append(record)

    def touch(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def step_once(self) -> None: ...
    def stop(self) -> None: ...
    def set_delay(self, seconds: float) -> None: ...

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def pose(self, question: Callable[[Experiment], Any]) -> Question:
        """`Run.pose` of the stored run: its experiment rebuilt on the CPU with the stored weights the first
        time (in a thread of its own); answered None if it stored none."""
        asked = Question(question)
        answer_in_own_thread(asked, self._rebuilt_experiment, self._lock)
        return asked

    def _rebuilt_experiment(self) -> Experiment | None:
        """The stored run's experiment with its weights (built once, on the CPU); None if it stored none."""
        if self._weights is not None and self._rebuilt is None:
            spec = self.spec
            built = self.experiment_cls(dict(spec.params), seed=spec.seed, device="cpu")
            built.load_state_dict(self._weights())
            last = self.log.last()
            built.steps_done = int(last["step"]) if last and "step" in last else 0  # what it says of itself
            self._rebuilt = built
        return self._rebuilt

    def await_answer(self, asked: Question, timeout: float) -> bool:
        return await_answer(asked, timeout)

    def ask(self, question: Callable[[Experiment], T], timeout: float = 30.0) -> T | None:
        asked = self.pose(question)
        return asked.result() if self.await_answer(asked, timeout) else None

    def describe_status(self) -> str:
        return f"{self.status.value} ({self.origin})"


def _spec(summary: RunSummary) -> RunSpec:
    try:
        return RunSpec(summary.experiment, dict(summary.params), summary.seed, summary.device, summary.preset)
    except ParamError:  # a device this machine does not offer: the parameters still show
        return RunSpec(summary.experiment, dict(summary.params), summary.seed, preset=summary.preset)


def reopen(store: RunStore, run_id: int) -> ReopenedRun:
    """One stored run (KeyError if there is none with that id)."""
    stored = store.get(run_id)
    snapshot = None
    data = store.load_snapshot(run_id)
    if data is not None:
        try:
            snapshot = snapshot_from_bytes(data)
        except (SnapshotCodecError, ImportError, AttributeError, TypeError):
            snapshot = None  # written by another fflab: the curves still show
    return ReopenedRun(stored, stored.history, snapshot, weights=lambda: store.load_weights(run_id))


def reopen_group(store: RunStore, key: str) -> dict[str, ReopenedRun]:
    """The runs a page started together, by role, from the key in its `?run=` (or a store id, as digits)."""
    if key.isdigit():
        summary = store.get(int(key))
        members = store.group(summary.group_key) if summary.group_key else [summary]
    else:
        members = store.group(key)
    runs = [reopen(store, member.id) for member in members]
    return {run.role: run for run in runs}
