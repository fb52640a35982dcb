"""`TrainingLoop`: the body of a run's thread.

It builds the experiment, takes a scheduler slot, steps the experiment and logs
each step's metrics, applies the commands that came in between steps, takes
snapshots on a time budget, and ends the run (finished, stopped or diverged).
Its own state (paused, a single step asked for, the slot held, the last snapshot
time) is touched by that thread only; what others read it writes to the `Run`.
"""

from __future__ import annotations

import math
import queue
import time
from typing import Any, Protocol

import torch

from fflab.experiment import Experiment, set_status_reporter
from fflab.metric_log import MetricLog
from fflab.runner.blowup import BlowUpWatch
from fflab.runner.spec import Command, RunSpec, Status
from fflab.scheduler import Scheduler, TimeSlice


class RunState(Protocol):
    """What the training thread reads and writes of its `Run` (the handle in `run.py`)."""

    id: str
    spec: RunSpec
    experiment_cls: type[Experiment]
    device: Any
    scheduler: Scheduler
    idle_timeout_s: float | None
    abandon_timeout_s: float | None
    log: MetricLog
    status: Status
    status_note: str
    final_metrics: dict[str, float]
    snapshot: Any
    experiment: Experiment | None
    elapsed_s: float
    delay_s: float
    last_seen: float
    last_read: float

    def thread_budget(self) -> int: ...
    def add_warning(self, text: str) -> None: ...

IDLE_NOTE = "paused because no page has watched this run for a while"
ABANDON_NOTE = "stopped because no page came back to it"


class TrainingLoop:
    """Steps one run's experiment between commands until the run ends."""

    SNAPSHOT_INTERVAL_S = 0.25
    WATCHED_S = 3.0  # a page that polled this recently is watching

    def __init__(self, run: RunState, commands: queue.Queue[Command]):
        self.run = run
        self.commands = commands
        self.paused = False
        self.step_requested = False
        self.holding_slot = False
        self.turn = TimeSlice(run.scheduler)
        self.blowups = BlowUpWatch(run.spec.params)
        self.last_snapshot = 0.0

    def main(self) -> None:
        """Build the experiment and step it to the end (exceptions go to the caller, which fails the run)."""
        run = self.run
        self._set(Status.QUEUED, "preparing")
        set_status_reporter(lambda text: self._set(run.status, text))
        torch.set_num_threads(run.thread_budget())  # this thread's OpenMP team only
        run.experiment = run.experiment_cls(dict(run.spec.params), seed=run.spec.seed, device=run.device)
        run.spec.params.update(run.experiment.adjusted)  # stored as run: the dataset actually used
        self._set(Status.QUEUED, "")
        self._take_snapshot(force=True)
        self._loop()

    def _loop(self) -> None:
        run = self.run
        exp = run.experiment
        assert exp is not None
        while True:
            if self._drain_commands(block=self.paused and not self.step_requested):
                self.step_requested = True
            if run.status.terminal:
                return
            if self.paused and not self.step_requested:
                if self._unwatched_for(run.abandon_timeout_s):
                    self._end(Status.STOPPED, ABANDON_NOTE)
                    return
                continue
            if not self.holding_slot:
                self._acquire_slot()
                continue  # read commands that came in while waiting before stepping
            if self._idle():
                self.paused = True
                self.release_slot()
                self._set(Status.PAUSED, IDLE_NOTE)
                continue
            if not self.paused:
                self._set(Status.RUNNING, "")
            began = time.perf_counter()
            self.step_requested = False
            metrics = {name: float(value) for name, value in exp.advance().items()}
            run.elapsed_s += time.perf_counter() - began
            run.log.append({"step": float(exp.steps_done), "elapsed_s": run.elapsed_s, **metrics})
            for warning in self.blowups.check(metrics, exp.steps_done):
                run.add_warning(warning)
            bad = [k for k, v in metrics.items() if not math.isfinite(v)]
            if bad:
                self._take_snapshot(force=True)
                self._set(Status.DIVERGED, f"{bad[0]} became {metrics[bad[0]]} at step {exp.steps_done}")
                return
            self._take_snapshot()
            if exp.done:
                self._end(Status.FINISHED)
                return
            if self.paused:
                self.release_slot()
                self._set(Status.PAUSED, "")
            elif self.turn.over():  # time slice used up and others waiting: to the back of the line
                run.scheduler.release(run.id)
                self.holding_slot = False
            elif run.delay_s > 0:
                self._drain_commands(block=True, timeout=run.delay_s)
                if run.status.terminal:
                    return

    def _drain_commands(self, block: bool, timeout: float = 0.5) -> bool:
        """Apply queued commands; True if one asked for a single step."""
        single_step = False
        try:
            command = self.commands.get(timeout=timeout) if block else self.commands.get_nowait()
        except queue.Empty:
            return False
        while True:
            if command.kind == "stop":
                self._end(Status.STOPPED)
                command.applied.set()
                return False
            if command.kind == "pause":
                self.paused = True
                self.release_slot()
                self._set(Status.PAUSED, "")
            elif command.kind == "resume":
                self.paused = False
                # admitted at once when there is room: it shares the slots, so it is running (waiting for
                # its turn, as every sharing run does), not queued
                sharing = self.holding_slot or self.run.scheduler.admit(self.run.id, should_give_up=lambda: True)
                self._set(Status.RUNNING if sharing else Status.QUEUED, "")
            elif command.kind == "step":
                single_step = True
                if not self.paused:
                    self.paused = True
                    self._set(Status.PAUSED, "")
            elif command.kind == "update" and self.run.experiment is not None:
                self.run.experiment.apply_live(command.payload)  # checked by `Run.set_params`
            elif command.kind == "ask":
                command.payload.put_to(self.run.experiment)  # None while there is none yet
            command.applied.set()
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return single_step

    # -- the scheduler's slot ----------------------------------------------------
    def _acquire_slot(self) -> bool:
        """Be admitted (QUEUED until then), then wait for a turn at a slot (still RUNNING: it shares)."""
        scheduler = self.run.scheduler
        if not self.paused and not scheduler.is_admitted(self.run.id):
            self._set(Status.QUEUED, "")

        def should_give_up() -> bool:
            return not self.commands.empty() or self._idle()

        self.holding_slot = scheduler.acquire(self.run.id, should_give_up)
        if self.holding_slot:
            self.turn.restart()
        elif self._idle():
            self.paused = True
            self.release_slot()
            self._set(Status.PAUSED, IDLE_NOTE)
        return self.holding_slot

    def release_slot(self) -> None:
        """Leave the runs sharing the slots (paused or ended)."""
        self.run.scheduler.leave(self.run.id)
        self.holding_slot = False

    def _idle(self) -> bool:
        return self._unwatched_for(self.run.idle_timeout_s)

    def _unwatched_for(self, timeout_s: float | None) -> bool:
        return timeout_s is not None and time.monotonic() - self.run.last_seen > timeout_s

    # -- ending, snapshots, status -------------------------------------------------
    def _end(self, status: Status, note: str = "") -> None:
        exp = self.run.experiment
        if exp is not None and exp.steps_done > 0:
            self._set(self.run.status, "computing final metrics")
            self.run.final_metrics = exp.final_metrics()
            self._take_snapshot(force=True)
        self._set(status, note)

    def _take_snapshot(self, force: bool = False) -> None:
        """The experiment's snapshot, on a time budget and only while a page reads them (or when forced:
        the first, the last, and at a divergence, which the store keeps). Headless, an FF snapshot every
        0.25 s cost a quarter of the CPU of a run that nobody watched."""
        now = time.monotonic()
        watched = now - self.run.last_read < self.WATCHED_S
        if not force and (not watched or now - self.last_snapshot < self.SNAPSHOT_INTERVAL_S):
            return
        self.last_snapshot = now
        if self.run.experiment is not None:
            self.run.snapshot = self.run.experiment.snapshot()

    def _set(self, status: Status, note: str) -> None:
        self.run.status = status
        self.run.status_note = note
