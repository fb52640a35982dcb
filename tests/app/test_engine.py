"""The session engine: a baseline follows its page's run into the slot; commands reach every run."""

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


def test_baseline_starts_after_its_leader_and_commands_reach_both(engine):
    ff = engine.start("ff", spec("ff"))
    bp = engine.start("bp", spec("bp"), after="ff")
    assert engine.pending == {"bp": "start"} or ff.status is not Status.QUEUED
    until(lambda: ff.status is Status.RUNNING, engine)
    until(lambda: bp.status is Status.QUEUED and bp.queue_position == 0, engine)  # waits behind ff
    engine.pause()
    until(lambda: ff.status is Status.PAUSED and bp.status is Status.PAUSED, engine)
    engine.resume()
    until(lambda: ff.status is Status.RUNNING, engine)
    assert bp.status in (Status.PAUSED, Status.QUEUED)  # resumed after ff, so behind it in the queue
    until(lambda: not engine.pending, engine)
    engine.stop()
    assert ff.wait(30) and bp.wait(30)
    assert ff.status is Status.STOPPED and bp.status is Status.STOPPED


def test_stopping_a_baseline_that_never_started_ends_it(engine):
    engine.start("ff", spec("ff"))
    bp = engine.start("bp", spec("bp"), after="ff")
    engine.stop()
    assert bp.wait(30) and bp.status.terminal


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
