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
        self.poll_until = 0.0  # keep the live view refreshing briefly after a command
        self._lock = threading.Lock()
        _ENGINES.add(self)

    # -- runs ------------------------------------------------------------
    def start(self, role: str, spec: RunSpec, delay_s: float = 0.0, then_step: bool = False) -> Run:
        """Replace the run in `role` by a new one and start it (raises ParamError for a bad device)."""
        callbacks, problem = _store_callbacks()
        run = Run(spec, scheduler=default_scheduler(), idle_timeout_s=idle_timeout_s(), on_end=callbacks)
        if problem:
            run.notes.append(problem)
        run.set_delay(delay_s)
        with self._lock:
            old = self.runs.get(role)
            self.runs[role] = run
        if old is not None and not old.status.terminal:
            old.stop()
        if then_step:
            run.step_once()  # queued before the thread starts: one step, then paused
        run.start()
        self.poke()
        return run

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
        for _, run in self.items(roles):
            run.touch()

    # -- commands on every run (of the given roles) ----------------------
    def pause(self, roles: Iterable[str] | None = None) -> None:
        for run in self.live_runs(roles):
            run.pause()
        self.poke()

    def resume(self, roles: Iterable[str] | None = None) -> None:
        for run in self.live_runs(roles):
            run.resume()
        self.poke()

    def step(self, roles: Iterable[str] | None = None) -> None:
        for run in self.live_runs(roles):
            run.step_once()
        self.poke()

    def stop(self, roles: Iterable[str] | None = None) -> None:
        for run in self.live_runs(roles):
            run.stop()
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

    def close(self, wait_s: float = 0.0) -> None:
        """Stop every run (the session is going away)."""
        runs = [run for _, run in self.items()]
        for run in runs:
            if not run.status.terminal:
                run.stop()
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
