"""One engine handle per browser session: the session's runs, by role.

The handle lives in `st.cache_resource(scope="session")`, so Streamlit releases
it when the browser tab goes away (or its connection drops). Runs outlive their
session: every run is listed process-wide by its key (`live_group`), so a reload
or another tab with the page's `?run=` reattaches to it. A run whose page stops
polling is paused after an idle timeout (its slot freed), and one nobody comes
back to is stopped, and so saved, after the abandon timeout.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable

import pandas  # noqa: F401  (imported here, before any run thread: plotly reads a half-imported pandas otherwise)
import streamlit as st

from fflab.env_settings import ABANDON_S, IDLE_PAUSE_S, EnvNumber
from fflab.runner import Run, RunSpec, Status
from fflab.scheduler import default_scheduler

POLLING = (Status.QUEUED, Status.RUNNING)
ACK_WAIT_S = 0.25  # how long a click waits for the run to take its command (a step ends first)

_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
# Every run by id while something holds it: a live run's own thread does, so it stays listed until it ends.
_RUNS: weakref.WeakValueDictionary[str, Run] = weakref.WeakValueDictionary()


def _seconds(setting: EnvNumber) -> float | None:
    value = setting.read()
    return value if value is not None and value > 0 else None


def idle_timeout_s() -> float | None:
    """FFLAB_IDLE_PAUSE_S (seconds; 0 or less turns the idle pause off), default 60."""
    return _seconds(IDLE_PAUSE_S)


def abandon_timeout_s() -> float | None:
    """FFLAB_ABANDON_S: an unwatched run is stopped (and saved) this long after its page last polled; default 900."""
    return _seconds(ABANDON_S)


def live_group(key: str) -> dict[str, Run]:
    """The runs a page started together under `key` (its `?run=`), by role, while the process holds them."""
    return {run.role: run for run in list(_RUNS.values()) if run.group_key == key}


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
        self.store_problem: str | None = None  # why ended runs are not being saved, if they are not
        self.poll_until = 0.0  # keep the live view refreshing briefly after a command
        self._lock = threading.Lock()
        _ENGINES.add(self)

    # -- runs ------------------------------------------------------------
    def start(self, role: str, spec: RunSpec, delay_s: float = 0.0, then_step: bool = False,
              after: str | None = None) -> Run:
        """Replace the run in `role` by a new one and start it (raises ParamError for a bad device).

        With `after`, the run joins the group of the run in that role (a page's baseline beside
        its run): they share its key, so a reload finds both. They train side by side, taking
        turns at the CPU with every other run (see `fflab.scheduler`).
        """
        callbacks, self.store_problem = _store_callbacks()
        run = Run(spec, scheduler=default_scheduler(), idle_timeout_s=idle_timeout_s(), on_end=callbacks,
                  abandon_timeout_s=abandon_timeout_s())
        run.set_delay(delay_s)
        run.role = role
        leader = self.runs.get(after) if after else None
        if leader is not None:
            run.group_key = leader.group_key
        _RUNS[run.id] = run
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

    def adopt(self, runs: dict[str, Run]) -> None:
        """Show these runs (live from another session, or reopened from the store) in their roles."""
        with self._lock:
            self.runs.update(runs)
        self.poke()

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

    # -- commands on every run (of the given roles) that has not ended ----
    def _command(self, roles: Iterable[str] | None, command: Callable[[Run], threading.Event],
                 poke_s: float = 2.0) -> None:
        """Send the command, then wait up to ACK_WAIT_S for the training threads to apply it (between
        steps), so the redraw that follows the click already shows its effect."""
        applied = [command(run) for run in self.live_runs(roles)]
        deadline = time.monotonic() + ACK_WAIT_S
        for event in applied:
            event.wait(max(0.0, deadline - time.monotonic()))
        self.poke(poke_s)

    def pause(self, roles: Iterable[str] | None = None) -> None:
        self._command(roles, Run.pause)

    def resume(self, roles: Iterable[str] | None = None) -> None:
        self._command(roles, Run.resume)

    def step(self, roles: Iterable[str] | None = None) -> None:
        self._command(roles, Run.step_once)

    def stop(self, roles: Iterable[str] | None = None) -> None:
        self._command(roles, Run.stop, poke_s=5.0)  # final metrics take a moment

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
        """Stop every run and wait for them (a server shutting down, a test ending)."""
        self.stop()
        for _, run in self.items():
            if wait_s > 0:
                run.wait(wait_s)


def _release(engine: Engine) -> None:
    """The tab went away or its connection dropped: its runs carry on (a reload reattaches), unwatched."""


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
