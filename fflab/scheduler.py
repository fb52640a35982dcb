"""A process-wide cap on runs that compute at once; the rest wait in order."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable


class Scheduler:
    """First come, first served slots. `acquire` blocks until a slot is free."""

    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._active: set[str] = set()
        self._waiting: list[str] = []
        self._cond = threading.Condition()

    def acquire(self, run_id: str, should_give_up: Callable[[], bool] = lambda: False, poll_s: float = 0.2) -> bool:
        """Wait for a slot; False (and out of the queue) if `should_give_up()` turns true first."""
        with self._cond:
            if run_id in self._active:
                return True
            self._waiting.append(run_id)
            try:
                while True:
                    free = self.capacity - len(self._active)
                    if self._waiting.index(run_id) < free:
                        self._active.add(run_id)
                        return True
                    if should_give_up():
                        return False
                    self._cond.wait(poll_s)
            finally:
                self._waiting.remove(run_id)
                self._cond.notify_all()

    def release(self, run_id: str) -> None:
        with self._cond:
            self._active.discard(run_id)
            self._cond.notify_all()

    def position(self, run_id: str) -> int | None:
        """0-based place in the waiting line, or None if not waiting."""
        with self._cond:
            return self._waiting.index(run_id) if run_id in self._waiting else None

    def set_capacity(self, capacity: int) -> None:
        with self._cond:
            self.capacity = max(1, int(capacity))
            self._cond.notify_all()

    @property
    def active(self) -> int:
        with self._cond:
            return len(self._active)

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)


_default: Scheduler | None = None
_default_lock = threading.Lock()


def default_capacity() -> int:
    """FFLAB_MAX_ACTIVE_RUNS, else one run per two cores (torch uses several threads per run)."""
    configured = os.environ.get("FFLAB_MAX_ACTIVE_RUNS")
    if configured:
        return max(1, int(configured))
    return max(1, (os.cpu_count() or 2) // 2)


def default_scheduler() -> Scheduler:
    global _default
    with _default_lock:
        if _default is None:
            _default = Scheduler(default_capacity())
        return _default
