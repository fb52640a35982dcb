from __future__ import annotations

import csv
import io
import threading
from pathlib import Path
from typing import Any

import pytest
import torch

from fflab import catalog
from fflab.experiment import Experiment
from fflab.params import Param, ParamSpec
from fflab.runner import Run, RunSpec, Status, run_to_end
from fflab.scheduler import Scheduler
from fflab.store import (
    RunStore,
    RunSummary,
    StoredRun,
    default_path,
    save_run,
    store_on_end,
)


class StoreFake(Experiment):
    """Counts to `steps`; fails at `fail_at` (0: never)."""

    name = "store_fake"
    title = "A fake experiment for the store tests"
    params = ParamSpec(
        [
            Param("steps", "int", 5, "Steps to take.", low=1, high=1000),
            Param("hidden", "int_list", (4, 3), "Layer sizes.", low=1, high=64),
            Param("fail_at", "int", 0, "Raise at this step (0: never).", low=0, high=1000),
        ]
    )

    def __init__(self, params: dict[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.weight = torch.randn(*self.p["hidden"][:2])

    @property
    def total_steps(self) -> int:
        return self.p["steps"]

    def step(self) -> dict[str, float]:
        if self.steps_done + 1 == self.p["fail_at"]:
            raise RuntimeError("the fake failed on purpose")
        metrics = {"loss": 1.0 / (self.steps_done + 1)}
        if self.steps_done % 2:
            metrics["odd"] = float(self.steps_done)
        return metrics

    def final_metrics(self) -> dict[str, float]:
        return {"accuracy": 0.75}

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {"layer.weight": self.weight.t(), "steps": torch.tensor(self.steps_done)}


@pytest.fixture(autouse=True)
def fake_experiment(monkeypatch: pytest.MonkeyPatch):
    catalog.add_experiment(StoreFake)
    yield StoreFake
    catalog.remove_experiment(StoreFake.name)


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    return RunStore(tmp_path / "runs.sqlite")


def _save_example(store: RunStore, **overrides: Any) -> int:
    values: dict[str, Any] = {
        "experiment": "store_fake",
        "preset": "quick",
        "params": {"steps": 3, "hidden": (4, 3), "fail_at": 0},
        "seed": 7,
        "device": "cpu",
        "status": "finished",
        "created_at": 100.0,
        "finished_at": 112.5,
        "elapsed_s": 12.0,
        "metrics": {"accuracy": 0.5},
        "history": [{"step": 1.0, "loss": 0.5}, {"step": 2.0, "loss": 0.25, "odd": 1.0}],
        "notes": ["a note"],
        "weights": {"w": torch.arange(6.0).reshape(2, 3), "b": torch.zeros(3, dtype=torch.int64)},
    }
    values.update(overrides)
    return store.save(**values)


def test_round_trip(store: RunStore) -> None:
    run_id = _save_example(store)
    other = _save_example(store, experiment="other", weights=None, history=[])

    listed = store.list_runs()
    assert [r.id for r in listed] == [other, run_id]  # newest first
    assert all(type(r) is RunSummary for r in listed)
    assert [r.id for r in store.list_runs("store_fake")] == [run_id]
    assert store.list_runs("nothing") == []

    stored = store.get(run_id)
    assert isinstance(stored, StoredRun)
    assert stored.params == {"steps": 3, "hidden": (4, 3), "fail_at": 0}
    assert (stored.preset, stored.seed, stored.device, stored.status) == ("quick", 7, "cpu", "finished")
    assert (stored.created_at, stored.finished_at, stored.elapsed_s) == (100.0, 112.5, 12.0)
    assert stored.metrics == {"accuracy": 0.5}
    assert stored.notes == ["a note"]
    assert stored.n_records == 2 and stored.has_weights
    assert stored.history == [{"step": 1.0, "loss": 0.5}, {"step": 2.0, "loss": 0.25, "odd": 1.0}]

    weights = store.load_weights(run_id)
    assert set(weights) == {"w", "b"}
    assert torch.equal(weights["w"], torch.arange(6.0).reshape(2, 3))
    assert weights["b"].dtype == torch.int64
    assert store.load_weights(other) == {}
    assert not store.get(other).has_weights

    rows = list(csv.reader(io.StringIO(store.history_csv(run_id))))
    assert rows == [["step", "loss", "odd"], ["1.0", "0.5", ""], ["2.0", "0.25", "1.0"]]
    assert store.history_csv(other) == "\n"  # no records, no columns

    store.add_note(run_id, "second")
    assert store.get(run_id).notes == ["a note", "second"]

    assert store.delete(run_id)
    assert not store.delete(run_id)
    with pytest.raises(KeyError):
        store.get(run_id)
    with pytest.raises(KeyError):
        store.load_weights(run_id)
    assert [r.id for r in store.list_runs()] == [other]


def test_reopening_keeps_runs(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "runs.sqlite"
    run_id = _save_example(RunStore(path))
    assert RunStore(path).get(run_id).metrics == {"accuracy": 0.5}


def test_saves_from_many_threads(store: RunStore) -> None:
    ids: list[int] = []
    lock = threading.Lock()

    def save_some() -> None:
        for _ in range(5):
            run_id = _save_example(store)
            with lock:
                ids.append(run_id)

    threads = [threading.Thread(target=save_some) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 20
    assert len(store.list_runs()) == 20


def test_a_finished_run_is_saved_through_the_callback(store: RunStore) -> None:
    callback = store_on_end(store)
    spec = RunSpec("store_fake", StoreFake.resolve_params(overrides={"steps": 6}), seed=3, device="cpu")
    run = Run(spec, scheduler=Scheduler(1), on_end=[callback]).start()
    assert run.wait(30)
    assert run.status is Status.FINISHED, run.error

    (summary,) = store.list_runs()
    assert summary.id == callback.saved[run.id]
    stored = store.get(summary.id)
    assert stored.experiment == "store_fake"
    assert stored.params == spec.params
    assert (stored.seed, stored.device, stored.status) == (3, "cpu", "finished")
    assert stored.metrics == {"accuracy": 0.75}
    assert stored.n_records == 6
    assert [r["step"] for r in stored.history] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert stored.history == run.log.since(0)[0]

    weights = store.load_weights(summary.id)
    expected = run.experiment.state_dict()  # type: ignore[union-attr]
    assert torch.equal(weights["layer.weight"], expected["layer.weight"])
    assert weights["steps"].item() == 6


def test_a_failed_run_is_not_saved(store: RunStore) -> None:
    spec = RunSpec("store_fake", StoreFake.resolve_params(overrides={"fail_at": 2}), device="cpu")
    run = run_to_end(spec, on_end=[store_on_end(store)])
    assert run.status is Status.FAILED
    assert "failed on purpose" in (run.error or "")
    assert save_run(run, store) is None
    assert store.list_runs() == []


def test_a_stopped_run_is_saved(store: RunStore) -> None:
    spec = RunSpec("store_fake", StoreFake.resolve_params(overrides={"steps": 1000}), device="cpu")
    run = Run(spec, scheduler=Scheduler(1))
    run.set_delay(0.01)
    run.start()
    while len(run.log) < 2:
        run.wait(0.01)
    run.stop()
    assert run.wait(30)
    assert run.status is Status.STOPPED
    run_id = save_run(run, store)
    assert run_id is not None
    stored = store.get(run_id)
    assert stored.status == "stopped"
    assert 2 <= stored.n_records < 1000


def test_fflab_home_is_respected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FFLAB_HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / "runs.sqlite"
    store = RunStore()
    assert store.path == tmp_path / "home" / "runs.sqlite"
    _save_example(store)
    assert (tmp_path / "home" / "runs.sqlite").exists()

    monkeypatch.delenv("FFLAB_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "fflab" / "runs.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert default_path() == tmp_path / "user" / ".local" / "share" / "fflab" / "runs.sqlite"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "runs.sqlite"
    RunStore(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(RuntimeError, match="newer fflab"):
        RunStore(path)


def test_a_run_stopped_before_its_first_step_is_not_saved(store: RunStore) -> None:
    run = Run(RunSpec("store_fake", StoreFake.resolve_params(), device="cpu"), scheduler=Scheduler(1))
    run.stop()  # waiting in the queue before the thread even starts
    run.start()
    assert run.wait(30)
    assert run.status is Status.STOPPED
    assert save_run(run, store) is None
    assert store.list_runs() == []
