"""`Run`: the handle on one background run, shared by the page, the CLI and the run's own thread.

Any thread may send it commands (they queue, and the training thread applies them
between steps) and read its status, log, snapshot and metrics. Only the run's own
thread, driven by its `TrainingLoop`, writes them.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from fflab.catalog import get_experiment
from fflab.experiment import Experiment
from fflab.memory_budget import check_memory
from fflab.metric_log import MetricLog
from fflab.run_settings import resolve_device
from fflab.runner.spec import Command, CommandKind, Question, RunSpec, Status
from fflab.runner.training import TrainingLoop
from fflab.scheduler import Scheduler, default_scheduler, usable_cores

T = TypeVar("T")


def answer_in_own_thread(question: Question, experiment: Callable[[], Experiment | None], lock: threading.Lock) -> None:
    """Answer a question put to an experiment no training thread owns any more, in a thread of its own (the
    UI thread never calls an experiment), one question at a time; `experiment()` gives it (or None)."""

    def answer() -> None:
        with lock:
            question.put_from(experiment)

    threading.Thread(target=answer, name="fflab-answer", daemon=True).start()


def await_answer(question: Question, timeout: float, ended: Callable[[], bool] = lambda: False,
                 answer_after_end: Callable[[Question], None] | None = None) -> bool:
    """Wait up to `timeout` seconds for the answer; True once it has come. A question the run's thread never
    took before it `ended` is answered by `answer_after_end`."""
    deadline = time.monotonic() + timeout
    while not question.done.is_set():
        if answer_after_end is not None and ended() and not question.taken:
            answer_after_end(question)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        question.done.wait(min(0.05, remaining))
    return question.done.is_set()


class Run:
    """One training run in its own thread. Create it, then `start()`."""

    def __init__(
        self,
        spec: RunSpec,
        scheduler: Scheduler | None = None,
        idle_timeout_s: float | None = None,
        experiment_cls: type[Experiment] | None = None,
        on_end: list[Callable[[Run], None]] | None = None,
        abandon_timeout_s: float | None = None,
    ):
        self.id = uuid.uuid4().hex[:10]
        self.spec = spec
        self.experiment_cls = experiment_cls or get_experiment(spec.experiment)
        check_memory(self.experiment_cls.estimated_bytes(spec.params), self.experiment_cls.memory_knobs)
        self.device = resolve_device(spec.device)
        self.scheduler = scheduler or default_scheduler()
        self.idle_timeout_s = idle_timeout_s
        self.abandon_timeout_s = abandon_timeout_s  # stopped (and saved) when unwatched this long
        self.on_end = list(on_end or [])
        self.group_key = self.id  # a page's runs started together share the key of the first (see the app's engine)
        self.role = spec.experiment
        # Written by the training thread, read by anyone:
        self.log = MetricLog()
        self.status = Status.QUEUED
        self.status_note = ""
        self.error: str | None = None
        self.traceback: str | None = None
        self.final_metrics: dict[str, float] = {}
        self.snapshot: object | None = None  # the experiment's latest snapshot dataclass
        self.experiment: Experiment | None = None
        self.elapsed_s = 0.0
        # Written by the page or the CLI, read by the training thread:
        self.delay_s = 0.0
        self.last_seen = time.monotonic()
        self.last_read = 0.0  # when a page last polled: snapshots are taken only while one does
        self.created_at = time.time()
        self._runner_notes: list[str] = []
        self.warnings: list[str] = []  # something went wrong but the run goes on (a blow-up)
        self.origin = ""  # where a run shown on a page came from, when not from this process (see store.reopen)
        self._commands: queue.Queue[Command] = queue.Queue()
        self._training = TrainingLoop(self, self._commands)
        self._thread = threading.Thread(target=self._main, name=f"fflab-run-{self.id}", daemon=True)
        self._finished = threading.Event()
        self._ended_lock = threading.Lock()  # one question at a time once the run's thread has ended

    # -- commands from any thread ------------------------------------------------
    def start(self) -> Run:
        self._thread.start()
        return self

    def pause(self) -> threading.Event:
        return self._send("pause")

    def resume(self) -> threading.Event:
        self.touch()
        return self._send("resume")

    def step_once(self) -> threading.Event:
        return self._send("step")

    def stop(self) -> threading.Event:
        return self._send("stop")

    def set_params(self, **changes: Any) -> None:
        """Check live changes now (raising ParamError), apply them between steps."""
        valid_changes = self.experiment_cls.params.validate_live(changes)
        self.spec.params.update(valid_changes)
        self._send("update", valid_changes)

    def pose(self, question: Callable[[Experiment], Any]) -> Question:
        """Put a read-only question to the experiment: answered by the run's own thread between two steps
        while the run lives, by a one-off thread once it has ended. Collect it with `await_answer`."""
        asked = Question(question)
        if self._finished.is_set():
            self._answer_after_end(asked)
        else:
            self._send("ask", asked)
        return asked

    def await_answer(self, asked: Question, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a posed question's answer; True once it has come."""
        return await_answer(asked, timeout, self._finished.is_set, self._answer_after_end)

    def ask(self, question: Callable[[Experiment], T], timeout: float = 2.0) -> T | None:
        """`question(experiment)`, or None when there is no answer within `timeout` seconds or no experiment
        yet; the question's own exception is raised here. The question must only read."""
        asked = self.pose(question)
        return asked.result() if self.await_answer(asked, timeout) else None

    def _answer_after_end(self, asked: Question) -> None:
        answer_in_own_thread(asked, lambda: self.experiment, self._ended_lock)

    def set_delay(self, seconds: float) -> None:
        self.delay_s = max(0.0, float(seconds))

    def touch(self) -> None:
        """Called by a page that is still watching; an unwatched run is paused."""
        self.last_seen = self.last_read = time.monotonic()

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)

    def add_note(self, note: str) -> None:
        """Something the run's reader should know that the experiment did not say (a failed save)."""
        self._runner_notes.append(note)

    def add_warning(self, text: str) -> None:
        self.warnings.append(text)

    def _send(self, kind: CommandKind, payload: Any = None) -> threading.Event:
        """Queue a command; the event is set once the training thread has applied it."""
        command = Command(kind, payload)
        self._commands.put(command)
        self.scheduler.wake()  # a run waiting for its turn reads it now, not at its next poll
        return command.applied

    def thread_budget(self) -> int:
        """Intra-op threads for this run: its share of the usable cores, capped by the experiment's own limit."""
        share = max(1, usable_cores() // self.scheduler.capacity)
        return min(share, self.experiment_cls.max_threads or share)

    # -- reading -----------------------------------------------------------
    @property
    def queue_position(self) -> int | None:
        return self.scheduler.position(self.id)

    @property
    def sharing_with(self) -> int:
        """How many other runs take turns at the CPU with this one (0 when it has it alone or waits)."""
        return self.scheduler.sharing_with(self.id)

    @property
    def notes(self) -> list[str]:
        """What the run wants its reader to know (a dataset fallback, a failed save)."""
        return (list(self.experiment.notes) if self.experiment is not None else []) + self._runner_notes

    @property
    def progress(self) -> float:
        exp = self.experiment
        if exp is None or exp.total_steps <= 0:
            return 0.0
        return min(1.0, exp.steps_done / exp.total_steps)

    def describe_status(self) -> str:
        text = self.status.value
        if self.status is Status.QUEUED and self.queue_position is not None:
            text += f" (position {self.queue_position + 1} in the queue: {self.scheduler.max_sharing} runs already share the CPU)"
        if self.status_note:
            text += f": {self.status_note}"
        return text

    # -- the thread ----------------------------------------------------------
    def _main(self) -> None:
        try:
            self._training.main()
        except Exception as exc:  # a failure ends this run only
            self.error = f"{type(exc).__name__}: {exc}"
            self.traceback = traceback.format_exc()
            self.status, self.status_note = Status.FAILED, self.error
        finally:
            self._training.release_slot()
            for callback in self.on_end:
                try:
                    callback(self)
                except Exception as exc:
                    self.add_note(f"after the run, {getattr(callback, '__name__', 'a callback')} failed: {exc}")
            self._finished.set()
