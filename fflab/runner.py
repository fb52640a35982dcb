"""Runs experiments in background threads.

One thread per run; the UI thread never calls the experiment. Commands go in
through a queue, metrics come out through a bounded, thread-safe log read with a
cursor, and the latest snapshot is taken in the training thread a few times a
second at most. A process-wide `Scheduler` caps how many runs compute at once.
"""

from __future__ import annotations

import math
import os
import queue
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import torch

from fflab.catalog import get_experiment
from fflab.experiment import Experiment, resolve_device, set_status_reporter
from fflab.metric_log import MetricLog
from fflab.params import ParamError
from fflab.scheduler import Scheduler, default_scheduler


class Status(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"
    DIVERGED = "diverged"

    @property
    def terminal(self) -> bool:
        return self in (Status.FINISHED, Status.STOPPED, Status.FAILED, Status.DIVERGED)


@dataclass
class RunSpec:
    experiment: str
    params: dict[str, Any]
    seed: int = 0
    device: str = "auto"
    preset: str | None = None


@dataclass
class _Command:
    kind: str
    payload: Any = None
    done: threading.Event = field(default_factory=threading.Event)


class Run:
    """One training run in its own thread. Create it, then `start()`."""

    SNAPSHOT_INTERVAL_S = 0.25

    def __init__(
        self,
        spec: RunSpec,
        scheduler: Scheduler | None = None,
        idle_timeout_s: float | None = None,
        experiment_cls: type[Experiment] | None = None,
        on_end: list[Callable[[Run], None]] | None = None,
    ):
        self.id = uuid.uuid4().hex[:10]
        self.spec = spec
        self.experiment_cls = experiment_cls or get_experiment(spec.experiment)
        self.device = resolve_device(spec.device)
        self.scheduler = scheduler or default_scheduler()
        self.idle_timeout_s = idle_timeout_s
        self.on_end = list(on_end or [])
        self.log = MetricLog()
        self.status = Status.QUEUED
        self.status_note = ""
        self.error: str | None = None
        self.traceback: str | None = None
        self.final_metrics: dict[str, float] = {}
        self.snapshot: dict[str, Any] = {}
        self._notes: list[str] = []
        self._last_snapshot = 0.0
        self.experiment: Experiment | None = None
        self.delay_s = 0.0
        self.created_at = time.time()
        self.elapsed_s = 0.0
        self.last_seen = time.monotonic()
        self._commands: queue.Queue[_Command] = queue.Queue()
        self._thread = threading.Thread(target=self._main, name=f"fflab-run-{self.id}", daemon=True)
        self._paused = False
        self._step_requested = False
        self._holding_slot = False
        self._finished = threading.Event()

    # -- commands from any thread ------------------------------------------------
    def start(self) -> Run:
        self._thread.start()
        return self

    def pause(self) -> None:
        self._send("pause")

    def resume(self) -> None:
        self.touch()
        self._send("resume")

    def step_once(self) -> None:
        self._send("step")

    def stop(self) -> None:
        self._send("stop")

    def set_params(self, **changes: Any) -> None:
        """Validate live changes now (raising ParamError), apply them between steps."""
        for name, value in changes.items():
            if name not in self.experiment_cls.params:
                raise ParamError(name, "unknown parameter")
            param = self.experiment_cls.params[name]
            if not param.live:
                raise ParamError(name, "cannot change while a run is going; stop and start again")
            changes[name] = param.validate(value)
        self.spec.params.update(changes)
        self._send("update", changes)

    def set_delay(self, seconds: float) -> None:
        self.delay_s = max(0.0, float(seconds))

    def touch(self) -> None:
        """Called by a page that is still watching; an unwatched run is paused."""
        self.last_seen = time.monotonic()

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)

    def _send(self, kind: str, payload: Any = None) -> None:
        self._commands.put(_Command(kind, payload))

    def thread_budget(self) -> int:
        """Intra-op threads for this run: its share of the cores, capped by the experiment's own limit."""
        share = max(1, (os.cpu_count() or 1) // self.scheduler.capacity)
        return min(share, self.experiment_cls.max_threads or share)

    # -- reading -----------------------------------------------------------
    @property
    def queue_position(self) -> int | None:
        return self.scheduler.position(self.id)

    @property
    def notes(self) -> list[str]:
        """What the run wants its reader to know (a dataset fallback, a failed save)."""
        return (list(self.experiment.notes) if self.experiment is not None else []) + self._notes

    @property
    def progress(self) -> float:
        exp = self.experiment
        if exp is None or exp.total_steps <= 0:
            return 0.0
        return min(1.0, exp.steps_done / exp.total_steps)

    def describe_status(self) -> str:
        text = self.status.value
        if self.status is Status.QUEUED and self.queue_position is not None:
            text += f" (position {self.queue_position + 1} in the queue)"
        if self.status_note:
            text += f": {self.status_note}"
        return text

    # -- the training thread -----------------------------------------------
    def _main(self) -> None:
        try:
            self._set(Status.QUEUED, "preparing")
            set_status_reporter(lambda text: self._set(self.status, text))
            torch.set_num_threads(self.thread_budget())  # this thread's OpenMP team only
            self.experiment = self.experiment_cls(dict(self.spec.params), seed=self.spec.seed, device=self.device)
            self._set(Status.QUEUED, "")
            self._take_snapshot(force=True)
            self._loop()
        except Exception as exc:  # a failure ends this run only
            self.error = f"{type(exc).__name__}: {exc}"
            self.traceback = traceback.format_exc()
            self._set(Status.FAILED, self.error)
        finally:
            self._release_slot()
            for callback in self.on_end:
                try:
                    callback(self)
                except Exception as exc:
                    self._notes.append(f"after the run, {getattr(callback, '__name__', 'a callback')} failed: {exc}")
            self._finished.set()

    def _loop(self) -> None:
        exp = self.experiment
        assert exp is not None
        while True:
            if self._drain_commands(block=self._paused and not self._step_requested):
                self._step_requested = True
            if self.status.terminal:
                return
            if self._paused and not self._step_requested:
                continue
            if not self._holding_slot:
                self._acquire_slot()
                continue  # read commands that came in while waiting before stepping
            if self._idle():
                self._paused = True
                self._release_slot()
                self._set(Status.PAUSED, "paused because no page has watched this run for a while")
                continue
            if not self._paused:
                self._set(Status.RUNNING, "")
            began = time.perf_counter()
            self._step_requested = False
            metrics = {name: float(value) for name, value in exp.advance().items()}
            self.elapsed_s += time.perf_counter() - began
            record = {"step": float(exp.steps_done), "elapsed_s": self.elapsed_s, **metrics}
            self.log.append(record)
            bad = [k for k, v in metrics.items() if not math.isfinite(v)]
            if bad:
                self._take_snapshot(force=True)
                self._set(Status.DIVERGED, f"{bad[0]} became {metrics[bad[0]]} at step {exp.steps_done}")
                return
            self._take_snapshot()
            if exp.done:
                self._end(Status.FINISHED)
                return
            if self._paused:
                self._release_slot()
                self._set(Status.PAUSED, "")
            elif self.delay_s > 0:
                self._drain_commands(block=True, timeout=self.delay_s)
                if self.status.terminal:
                    return

    def _drain_commands(self, block: bool, timeout: float = 0.5) -> bool:
        """Apply queued commands; True if one asked for a single step."""
        single_step = False
        try:
            command = self._commands.get(timeout=timeout) if block else self._commands.get_nowait()
        except queue.Empty:
            return False
        while True:
            if command.kind == "stop":
                self._end(Status.STOPPED)
                return False
            if command.kind == "pause":
                self._paused = True
                self._release_slot()
                self._set(Status.PAUSED, "")
            elif command.kind == "resume":
                self._paused = False
                self._set(Status.QUEUED if not self._holding_slot else Status.RUNNING, "")
            elif command.kind == "step":
                single_step = True
                if not self._paused:
                    self._paused = True
                    self._set(Status.PAUSED, "")
            elif command.kind == "update" and self.experiment is not None:
                self.experiment.update(**command.payload)
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return single_step

    def _acquire_slot(self) -> bool:
        if not self._paused:
            self._set(Status.QUEUED, "")

        def should_give_up() -> bool:
            return not self._commands.empty() or self._idle()

        self._holding_slot = self.scheduler.acquire(self.id, should_give_up)
        if not self._holding_slot and self._idle():
            self._paused = True
            self._set(Status.PAUSED, "paused because no page has watched this run for a while")
        return self._holding_slot

    def _release_slot(self) -> None:
        if self._holding_slot:
            self.scheduler.release(self.id)
            self._holding_slot = False

    def _idle(self) -> bool:
        return self.idle_timeout_s is not None and time.monotonic() - self.last_seen > self.idle_timeout_s

    def _end(self, status: Status) -> None:
        exp = self.experiment
        if exp is not None and exp.steps_done > 0:
            self._set(self.status, "computing final metrics")
            self.final_metrics = exp.final_metrics()
            self._take_snapshot(force=True)
        self._set(status, "")

    def _take_snapshot(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_snapshot < self.SNAPSHOT_INTERVAL_S:
            return
        self._last_snapshot = now
        if self.experiment is not None:
            self.snapshot = self.experiment.snapshot()

    def _set(self, status: Status, note: str) -> None:
        self.status = status
        self.status_note = note


def run_to_end(
    spec: RunSpec,
    max_seconds: float | None = None,
    on_progress: Callable[[Run], None] | None = None,
    scheduler: Scheduler | None = None,
    on_end: list[Callable[[Run], None]] | None = None,
    experiment_cls: type[Experiment] | None = None,
) -> Run:
    """Start a run and wait for it (the CLI's and the tests' way); stop it after `max_seconds`."""
    run = Run(spec, scheduler=scheduler or Scheduler(1), on_end=on_end, experiment_cls=experiment_cls).start()
    began: float | None = None
    stopping = False
    try:
        # After a stop, keep reporting progress: the final metrics can take minutes on a large net.
        while not run.wait(0.2):
            if on_progress is not None:
                on_progress(run)
            if began is None and run.experiment is not None:
                began = time.monotonic()  # the budget counts training, not loading the data
            over_budget = max_seconds is not None and began is not None and time.monotonic() - began > max_seconds
            if over_budget and not stopping:
                run.stop()
                stopping = True
    except KeyboardInterrupt:
        run.stop()
        run.wait()
        raise
    if on_progress is not None:
        on_progress(run)
    return run

