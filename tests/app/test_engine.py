"""The session engine: a baseline trains beside its page's run; commands reach every run; runs outlive the tab."""

from __future__ import annotations

import time

import pytest

import fflab.app.engine as engine_module
from fflab.app.engine import Engine, idle_timeout_s
from fflab.catalog import get_experiment
from fflab.runner import RunSpec, Status
from fflab.scheduler import Scheduler

SMALL = {"dataset": "digits", "hidden": (16,), "steps": 100_000, "eval_every": 1000}


@pytest.fixture
def engine(monkeypatch):
    one_slot = Scheduler(1)
    monkeypatch.setattr(engine_module, "default_scheduler", lambda: one_slot)
    made = Engine()
    yield made
    made.close(wait_s=30)


def spec(name: str) -> RunSpec:
    params = get_experiment(name).params.resolve({k: v for k, v in SMALL.items()})
    return RunSpec(name, params, seed=1)


def until(condition, engine: Engine, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        engine.touch()  # what the live view does on every poll
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_baseline_trains_beside_its_run_on_one_slot_and_commands_reach_both(engine):
    ff = engine.start("ff", spec("ff"))
    bp = engine.start("bp", spec("bp"), after="ff")
    assert bp.group_key == ff.group_key == ff.id and (ff.role, bp.role) == ("ff", "bp")
    assert engine_module.live_group(ff.id) == {"ff": ff, "bp": bp}
    until(lambda: len(ff.log) >= 3 and len(bp.log) >= 3, engine)  # both step: they take turns at the one slot
    assert ff.status is Status.RUNNING and bp.status is Status.RUNNING
    engine.pause()
    until(lambda: ff.status is Status.PAUSED and bp.status is Status.PAUSED, engine)
    engine.resume()
    until(lambda: ff.status is Status.RUNNING and bp.status is Status.RUNNING, engine)
    engine.stop()
    assert ff.wait(30) and bp.wait(30)
    assert ff.status is Status.STOPPED and bp.status is Status.STOPPED


def test_a_released_session_leaves_its_runs_going_for_a_reload(engine):
    ff = engine.start("ff", spec("ff"))
    until(lambda: ff.status is Status.RUNNING, engine)
    engine_module._release(engine)  # Streamlit's on_release: the tab closed or the connection dropped
    time.sleep(0.5)
    assert ff.status is Status.RUNNING and engine_module.live_group(ff.id) == {"ff": ff}


def test_forget_drops_the_runs_and_replacing_a_run_stops_the_old_one(engine):
    first = engine.start("ff", spec("ff"))
    second = engine.start("ff", spec("ff"))
    assert first.wait(30) and first.status.terminal
    assert engine.get("ff") is second
    engine.forget(["ff"])
    assert engine.get("ff") is None and second.wait(30)


def test_idle_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("FFLAB_IDLE_PAUSE_S", raising=False)
    assert idle_timeout_s() == 60.0
    monkeypatch.setenv("FFLAB_IDLE_PAUSE_S", "5")
    assert idle_timeout_s() == 5.0
    monkeypatch.setenv("FFLAB_IDLE_PAUSE_S", "0")
    assert idle_timeout_s() is None
