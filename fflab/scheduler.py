"""How runs share the CPU: admitted runs take turns at the compute slots, in time slices.

Two limits. `capacity` runs compute at once (each with its share of the cores).
Up to `max_sharing` runs are *admitted*: they take turns at those slots, each
holding one for a time slice (`TURN_S`) before going to the back of the line,
so every admitted run's curve moves, each slower, and a page's baseline trains
beside its run. Runs beyond `max_sharing` wait, in order, to be admitted (the
page says so and why); that cap bounds the memory a crowd of runs can hold.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from fflab.env_settings import MAX_ACTIVE_RUNS, MAX_SHARING_RUNS, EnvNumber

TURN_S = 0.25  # a run holds a compute slot this long while others wait for one
SHARING_PER_SLOT = 16  # default runs admitted per compute slot: a workshop of 10-16 on 2 cores all see curves move


class Scheduler:
    """Admission (first come, first served, up to `max_sharing`) and round-robin turns at `capacity` slots."""

    def __init__(self, capacity: int, max_sharing: int | None = None):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.max_sharing = max(capacity, max_sharing or capacity * SHARING_PER_SLOT)
        self._admitted: set[str] = set()
        self._waiting_admission: list[str] = []
        self._active: set[str] = set()  # holding a compute slot
        self._turns: list[str] = []  # admitted runs waiting for a slot, in turn
        self._cond = threading.Condition()

    # -- admission --------------------------------------------------------------
    def admit(self, run_id: str, should_give_up: Callable[[], bool] = lambda: False, poll_s: float = 0.2) -> bool:
        """Wait to be admitted among the runs sharing the slots; False (and out of line) if told to give up."""
        return self._wait_in(self._waiting_admission, run_id, self._admitted,
                             lambda: self.max_sharing - len(self._admitted), should_give_up, poll_s)

    def leave(self, run_id: str) -> None:
        """Leave the sharing runs (paused or ended), giving back a slot held."""
        with self._cond:
            self._active.discard(run_id)
            self._admitted.discard(run_id)
            self._cond.notify_all()

    # -- turns at a compute slot -------------------------------------------------------
    def acquire(self, run_id: str, should_give_up: Callable[[], bool] = lambda: False, poll_s: float = 0.2) -> bool:
        """Wait for a compute slot (admitting the run first if needed); False if told to give up first."""
        if not self.admit(run_id, should_give_up, poll_s):
            return False
        return self._wait_in(self._turns, run_id, self._active, lambda: self.capacity - len(self._active),
                             should_give_up, poll_s)

    def release(self, run_id: str) -> None:
        """Give back the compute slot (the run stays admitted: its next `acquire` takes its turn)."""
        with self._cond:
            self._active.discard(run_id)
            self._cond.notify_all()

    def others_waiting(self) -> bool:
        """Some admitted run waits for a slot: a run past its time slice should yield."""
        with self._cond:
            return bool(self._turns)

    def _wait_in(self, line: list[str], run_id: str, granted: set[str], free: Callable[[], int],
                 should_give_up: Callable[[], bool], poll_s: float) -> bool:
        with self._cond:
            if run_id in granted:
                return True
            line.append(run_id)
            try:
                while True:
                    if line.index(run_id) < free():
                        granted.add(run_id)
                        return True
                    if should_give_up():
                        return False
                    self._cond.wait(poll_s)
            finally:
                line.remove(run_id)
                self._cond.notify_all()

    def wake(self) -> None:
        """Wake the runs waiting in line, so each checks at once whether it should give up (a command came)."""
        with self._cond:
            self._cond.notify_all()

    # -- reading --------------------------------------------------------------------
    def position(self, run_id: str) -> int | None:
        """0-based place in the line to be admitted, or None if not waiting there."""
        with self._cond:
            return self._waiting_admission.index(run_id) if run_id in self._waiting_admission else None

    def is_admitted(self, run_id: str) -> bool:
        with self._cond:
            return run_id in self._admitted

    def sharing_with(self, run_id: str) -> int:
        """How many other admitted runs take turns with this one."""
        with self._cond:
            return len(self._admitted - {run_id}) if run_id in self._admitted else 0

    def set_capacity(self, capacity: int) -> None:
        with self._cond:
            self.capacity = max(1, int(capacity))
            self.max_sharing = max(self.max_sharing, self.capacity)
            self._cond.notify_all()

    @property
    def active(self) -> int:
        with self._cond:
            return len(self._active)

    @property
    def admitted(self) -> int:
        with self._cond:
            return len(self._admitted)

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting_admission)


class TimeSlice:
    """A run's clock for its turn: `over()` once it has held its slot for TURN_S while others wait."""

    def __init__(self, scheduler: Scheduler):
        self.scheduler = scheduler
        self.began = time.monotonic()

    def restart(self) -> None:
        self.began = time.monotonic()

    def over(self) -> bool:
        return time.monotonic() - self.began >= TURN_S and self.scheduler.others_waiting()


_default: Scheduler | None = None
_default_lock = threading.Lock()


def _positive_int(setting: EnvNumber) -> int | None:
    value = setting.read()
    return None if value is None else max(1, int(value))


def usable_cores() -> int:
    """The cores this process may use: its CPU affinity, and OMP_NUM_THREADS when that is set lower."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    try:
        cores = min(cores, int(os.environ.get("OMP_NUM_THREADS", "") or cores))
    except ValueError:
        pass
    return max(1, cores)


def default_capacity() -> int:
    """FFLAB_MAX_ACTIVE_RUNS, else one run computing per two usable cores (torch uses several threads per run)."""
    return _positive_int(MAX_ACTIVE_RUNS) or max(1, usable_cores() // 2)


def default_max_sharing(capacity: int) -> int:
    """FFLAB_MAX_SHARING_RUNS, else SHARING_PER_SLOT runs per compute slot take turns; the rest wait."""
    return _positive_int(MAX_SHARING_RUNS) or capacity * SHARING_PER_SLOT


def default_scheduler() -> Scheduler:
    global _default
    with _default_lock:
        if _default is None:
            capacity = default_capacity()
            _default = Scheduler(capacity, default_max_sharing(capacity))
        return _default
