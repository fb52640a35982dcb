"""What a run is asked to do (`RunSpec`), what it is doing (`Status`), and the commands it takes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from fflab.run_settings import RUN_PARAMS


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
    """An experiment by name, its parameters, and the run settings (seed and device, as `RUN_PARAMS` allows).

    The parameters are checked by the experiment when it is built; the seed and device here
    (ParamError naming `seed` or `device`).
    """

    experiment: str
    params: dict[str, Any]
    seed: int = RUN_PARAMS["seed"].default
    device: str = RUN_PARAMS["device"].default
    preset: str | None = None

    def __post_init__(self) -> None:
        self.seed = RUN_PARAMS["seed"].validate(self.seed)
        self.device = RUN_PARAMS["device"].validate(self.device)


CommandKind = Literal["pause", "resume", "step", "stop", "update", "ask"]


@dataclass(frozen=True)
class Command:
    """One command for a run's training thread; `payload` holds an update's checked values, or a `Question`.

    The thread sets `applied` once the command has taken effect (between steps), so that a page
    can wait a moment and draw the new status in the same redraw as the click."""

    kind: CommandKind
    payload: Any = None
    applied: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)


@dataclass
class Question:
    """A read-only question for a run's experiment (`Run.pose`), answered once by the thread that owns it."""

    ask: Callable[[Any], Any]  # called with the experiment
    answer: Any = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)
    _taken: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def put_to(self, experiment: Any) -> None:
        """Answer it (None without an experiment), unless another thread has taken it; an exception is kept
        for the asker, never raised in the answering thread."""
        self.put_from(lambda: experiment)

    def put_from(self, experiment: Callable[[], Any]) -> None:
        """`put_to` the experiment `experiment()` gives; an exception in getting it is kept the same way."""
        with self._lock:
            if self._taken:
                return
            self._taken = True
        try:
            got = experiment()
            self.answer = None if got is None else self.ask(got)
        except Exception as exc:
            self.error = exc
        self.done.set()

    @property
    def taken(self) -> bool:
        return self._taken

    def result(self) -> Any:
        """The answer, or the question's own exception raised; None until it is answered."""
        if self.error is not None:
            raise self.error
        return self.answer
