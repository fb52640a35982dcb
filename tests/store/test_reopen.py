"""Stored runs reopened with their history, last snapshot and settings; a schema-1 store is brought up to date."""

from __future__ import annotations

import sqlite3

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.runner import RunSpec, Status, run_to_end
from fflab.store import SCHEMA_VERSION, RunStore, store_on_end
from fflab.store.reopen import reopen_group
from tests.fakes import Counter
from tests.store.test_snapshots import assert_same


def _run(store: RunStore, name: str = "fastweights-delay", **sets):
    cls = get_experiment(name)
    params = cls.resolve_params("quick", sets)
    return run_to_end(RunSpec(name, params, seed=3, preset="quick"), on_end=[store_on_end(store)])


def test_a_finished_run_reopens_with_its_curves_snapshot_and_settings(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    run = _run(store, steps=30)
    assert run.status is Status.FINISHED
    reopened = reopen_group(store, run.id)
    assert list(reopened) == ["fastweights-delay"]
    again = reopened["fastweights-delay"]
    assert again.status is Status.FINISHED and again.status.terminal
    assert again.log.since(0)[0] == run.log.since(0)[0]
    assert again.final_metrics == run.final_metrics
    assert again.spec.params == run.spec.params and again.spec.seed == 3 and again.spec.preset == "quick"
    assert_same(run.snapshot, again.snapshot)
    by_number = reopen_group(store, str(store.list_runs()[0].id))
    assert by_number["fastweights-delay"].id == run.id


def test_a_diverged_run_is_saved_with_its_reason(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    spec = RunSpec(Counter.name, Counter.params.resolve({"steps": 50, "nan_at": 3}))
    run = run_to_end(spec, on_end=[store_on_end(store)], experiment_cls=Counter)
    assert run.status is Status.DIVERGED
    (saved,) = store.list_runs()
    assert saved.status == "diverged" and saved.run_key == run.id and saved.group_key == run.id
    assert any(note.startswith("diverged: value became nan at step 3") for note in saved.notes), saved.notes


def test_unknown_keys_are_key_errors(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    assert reopen_group(store, "abc123") == {}
    with pytest.raises(KeyError):
        reopen_group(store, "42")


def test_a_schema_1_store_gains_the_new_columns_and_keeps_its_runs(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
        CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, experiment TEXT NOT NULL, preset TEXT,
            params TEXT NOT NULL, seed INTEGER NOT NULL, device TEXT NOT NULL, status TEXT NOT NULL,
            created_at REAL NOT NULL, finished_at REAL, elapsed_s REAL NOT NULL, metrics TEXT NOT NULL,
            notes TEXT NOT NULL, n_records INTEGER NOT NULL, history TEXT NOT NULL, weights BLOB);
        INSERT INTO runs (experiment, preset, params, seed, device, status, created_at, finished_at, elapsed_s,
            metrics, notes, n_records, history) VALUES ('fastweights-delay', 'quick', '{"steps": 30}', 1, 'cpu',
            'finished', 1.0, 2.0, 1.0, '{"recall_accuracy": 0.5}', '[]', 0, '{"columns": [], "rows": []}');
    """)
    db.commit()
    db.close()
    store = RunStore(path)
    (old,) = store.list_runs()
    assert old.metrics == {"recall_accuracy": 0.5} and old.group_key is None and not old.has_snapshot
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION == 2
    reopened = reopen_group(store, str(old.id))["fastweights-delay"]
    assert reopened.snapshot is None and reopened.final_metrics == {"recall_accuracy": 0.5}
    RunStore(path)  # opening it again is a no-op


def test_a_reopened_run_answers_a_question_from_its_stored_weights(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    params = get_experiment("ff-text").resolve_params("excerpt-quick", {"steps": 20, "hidden": (32, 32),
                                                                        "final_chars": 400, "sample_chars": 20})
    run = run_to_end(RunSpec("ff-text", params, seed=1), on_end=[store_on_end(store)])
    assert run.status is Status.FINISHED
    again = reopen_group(store, run.id)["ff-text"]
    live, stored = (r.ask(lambda exp: exp.read_prompt("KING:")) for r in (run, again))
    assert stored is not None and stored.step == live.step == 20 and stored.prompt == live.prompt
    assert torch.allclose(torch.as_tensor(stored.candidate_probability), torch.as_tensor(live.candidate_probability),
                          atol=1e-6)


def test_a_stored_run_that_cannot_be_rebuilt_says_why_to_the_asker(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    params = get_experiment("ff-text").resolve_params("excerpt-quick", {"steps": 5, "hidden": (16, 16),
                                                                        "final_chars": 200, "sample_chars": 10})
    run = run_to_end(RunSpec("ff-text", params, seed=1), on_end=[store_on_end(store)])
    again = reopen_group(store, run.id)["ff-text"]
    again.spec.params["hidden"] = (8, 8)  # no longer the stored weights' shape
    with pytest.raises(RuntimeError, match="size mismatch"):
        again.ask(lambda exp: exp.read_prompt("KING:"))
