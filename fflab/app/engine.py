"""One engine handle per browser session: the session's runs, by role.

The handle lives in `st.cache_resource(scope="session")`, so Streamlit releases
it (and `on_release` stops its runs) when the browser tab goes away. Runs use the
process-wide scheduler and an idle timeout, so a run whose page stops polling is
paused and its slot freed. Finished and stopped runs are saved to the run store.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable

import pandas  # noqa: F401  (imported here, before any run thread: plotly reads a half-imported pandas otherwise)
import streamlit as st

from fflab.runner import Run, RunSpec, Status
from fflab.scheduler import default_scheduler

IDLE_ENV = "FFLAB_IDLE_PAUSE_S"
DEFAULT_IDLE_S = 60.0
POLLING = (Status.QUEUED, Status.RUNNING)

_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def idle_timeout_s() -> float | None:
    """FFLAB_IDLE_PAUSE_S (seconds; 0 or less turns the idle pause off), default 60."""
    raw = os.environ.get(IDLE_ENV, "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_IDLE_S
    except ValueError:
        value = DEFAULT_IDLE_S
    return value if value > 0 else None


def _store_callbacks() -> tuple[list[Callable[[Run], None]], str | None]:
    """A callback saving ended runs to the run store, if the store can be had."""
    try:
        from fflab.store import RunStore, store_on_end
    except ImportError:
        return [], None
    try:
        return [store_on_end(RunStore())], None
    except Exception as exc:  # a read-only home must not stop a run
        return [], f"runs will not be saved: {type(exc).__name__}: {exc}"


class Engine:
    """A browser session's runs, by role ("ff", "bp", ...)."""

    def __init__(self) -> None:
        self.runs: dict[str, Run] = {}
        self.follows: dict[str, str] = {}  # role -> the role whose run gets the slot first (a baseline's page run)
        self.pending: dict[str, str] = {}  # role -> "start" or "resume", deferred until its leader has a slot
        self.store_problem: str | None = None  # why ended runs are not being saved, if they are not
        self.poll_until = 0.0  # keep the live view refreshing briefly after a command
        self._lock = threading.Lock()
        _ENGINES.add(self)

    # -- runs ------------------------------------------------------------
    def start(
        self, role: str, spec: RunSpec, delay_s: float = 0.0, then_step: bool = False, after: str | None = None
    ) -> Run:
        """Replace the run in `role` by a new one and start it (raises ParamError for a bad device).

        With `after`, this run follows the run in that role: its thread starts, and later its
        resumes happen, only once the leader has left the queue, so a page's own run gets the
        first free slot and its baseline the next.
        """
        callbacks, self.store_problem = _store_callbacks()
        run = Run(spec, scheduler=default_scheduler(), idle_timeout_s=idle_timeout_s(), on_end=callbacks)
        run.set_delay(delay_s)
        with self._lock:
            old = self.runs.get(role)
            self.runs[role] = run
            old_never_started = self.pending.pop(role, None) == "start"
            if after:
                self.follows[role] = after
            else:
                self.follows.pop(role, None)
        if old is not None and not old.status.terminal and not old_never_started:
            old.stop()
        if then_step:
            run.step_once()  # queued before the thread starts: one step, then paused
        if self._leader_queued(role):
            self.pending[role] = "start"
            run.status_note = f"starts when {self._leader_title(role)} has a slot"
        else:
            run.start()
        self.poke()
        return run

    def _leader_queued(self, role: str) -> bool:
        leader = self.runs.get(self.follows.get(role, ""))
        return leader is not None and leader.status is Status.QUEUED

    def _leader_title(self, role: str) -> str:
        leader = self.runs[self.follows[role]]
        return leader.experiment_cls.title or self.follows[role]

    def start_pending(self) -> None:
        """Do the deferred starts and resumes whose leader has left the queue (called on every poll)."""
        for role, action in list(self.pending.items()):
            leader = self.runs.get(self.follows.get(role, ""))
            if leader is None or leader.status.terminal or leader.status is Status.RUNNING:
                self._do_pending(role)
            elif action == "start" and leader.status is not Status.QUEUED:  # e.g. paused after a single step
                self._do_pending(role)

    def _do_pending(self, role: str) -> None:
        with self._lock:
            action = self.pending.pop(role, None)
            run = self.runs.get(role)
        if action is None or run is None:
            return
        run.status_note = ""
        if action == "start":
            run.start()
        else:
            run.resume()

    def get(self, role: str) -> Run | None:
        return self.runs.get(role)

    def items(self, roles: Iterable[str] | None = None) -> list[tuple[str, Run]]:
        with self._lock:
            pairs = list(self.runs.items())
        if roles is None:
            return pairs
        wanted = set(roles)
        return [(role, run) for role, run in pairs if role in wanted]

    def live_runs(self, roles: Iterable[str] | None = None) -> list[Run]:
        """Runs that have not ended (queued, running or paused)."""
        return [run for _, run in self.items(roles) if not run.status.terminal]

    def any_live(self, roles: Iterable[str] | None = None) -> bool:
        return bool(self.live_runs(roles))

    def needs_polling(self, roles: Iterable[str] | None = None) -> bool:
        """True while a run computes or waits for a slot, or just after a command."""
        return time.monotonic() < self.poll_until or any(run.status in POLLING for _, run in self.items(roles))

    def poke(self, seconds: float = 2.0) -> None:
        self.poll_until = max(self.poll_until, time.monotonic() + seconds)

    def touch(self, roles: Iterable[str] | None = None) -> None:
        self.start_pending()
        for _, run in self.items(roles):
            run.touch()

    # -- commands on every run (of the given roles) ----------------------
    def _ordered(self, roles: Iterable[str] | None, followers_first: bool) -> list[tuple[str, Run]]:
        pairs = [(role, run) for role, run in self.items(roles) if not run.status.terminal]
        return sorted(pairs, key=lambda pair: (pair[0] in self.follows) != followers_first)

    def pause(self, roles: Iterable[str] | None = None) -> None:
        for role, run in self._ordered(roles, followers_first=True):
            if self.pending.get(role) == "resume":
                self.pending.pop(role, None)
            run.pause()
        self.poke()

    def resume(self, roles: Iterable[str] | None = None) -> None:
        for role, run in self._ordered(roles, followers_first=False):
            if role in self.follows and self.pending.get(role) != "start":
                leader = self.runs.get(self.follows[role])
                if leader is not None and leader.status in (Status.QUEUED, Status.PAUSED) and leader is not run:
                    self.pending[role] = "resume"
                    run.status_note = f"resumes when {self._leader_title(role)} has a slot"
                    continue
            run.resume()
        self.poke()

    def step(self, roles: Iterable[str] | None = None) -> None:
        for role, run in self._ordered(roles, followers_first=True):
            if self.pending.get(role) == "resume":
                self.pending.pop(role, None)
                run.status_note = ""
            run.step_once()
        self.poke()

    def stop(self, roles: Iterable[str] | None = None) -> None:
        for role, run in self._ordered(roles, followers_first=True):
            run.stop()
            if self.pending.get(role) == "start":
                self._do_pending(role)  # a run still waiting to start must start to end
            else:
                self.pending.pop(role, None)
        self.poke(5.0)  # final metrics take a moment

    def set_delay(self, seconds: float, roles: Iterable[str] | None = None) -> None:
        for _, run in self.items(roles):
            run.set_delay(seconds)

    def forget(self, roles: Iterable[str] | None = None) -> None:
        """Stop the runs and forget them."""
        self.stop(roles)
        with self._lock:
            for role in list(self.runs) if roles is None else list(roles):
                self.runs.pop(role, None)
                self.pending.pop(role, None)
                self.follows.pop(role, None)

    def close(self, wait_s: float = 0.0) -> None:
        """Stop every run (the session is going away)."""
        self.stop()
        runs = [run for _, run in self.items()]
        for run in runs:
            if wait_s > 0:
                run.wait(wait_s)


def _release(engine: Engine) -> None:
    engine.close()


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def get_engine() -> Engine:
    """This browser session's engine (one per session; released when the tab closes)."""
    return Engine()


def all_engines() -> list[Engine]:
    """Every engine alive in this process (tests use it to stop what they started)."""
    return list(_ENGINES)


def stop_all_runs(wait_s: float = 10.0) -> None:
    """Stop every run of every session in this process and wait for them to end."""
    for engine in all_engines():
        engine.close(wait_s)
