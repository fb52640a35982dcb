"""The run store: finished and stopped runs in an embedded SQLite database.

One row per run: experiment, preset, params, seed, device, status, times, final
metrics, the metric history (the run's `MetricLog` records, stored column-wise as
JSON), notes, and the final weights as safetensors bytes. Weights never go
through pickle.

The database lives at `$FFLAB_HOME/runs.sqlite` when FFLAB_HOME is set, else at
`$XDG_DATA_HOME/fflab/runs.sqlite` (default `~/.local/share/fflab/runs.sqlite`).
Every call opens its own connection, so one `RunStore` may be shared by threads.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

if TYPE_CHECKING:
    from fflab.runner import Run

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment TEXT NOT NULL,
    preset TEXT,
    params TEXT NOT NULL,
    seed INTEGER NOT NULL,
    device TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    finished_at REAL,
    elapsed_s REAL NOT NULL,
    metrics TEXT NOT NULL,
    notes TEXT NOT NULL,
    n_records INTEGER NOT NULL,
    history TEXT NOT NULL,
    weights BLOB
);
CREATE INDEX IF NOT EXISTS runs_by_experiment ON runs (experiment, id);
"""

_SUMMARY_COLUMNS = (
    "id, experiment, preset, params, seed, device, status, created_at, finished_at, "
    "elapsed_s, metrics, notes, n_records, weights IS NOT NULL"
)

SAVED_STATUSES = ("finished", "stopped")


def default_path() -> Path:
    """Where the run store lives unless told otherwise."""
    home = os.environ.get("FFLAB_HOME")
    if home:
        return Path(home).expanduser() / "runs.sqlite"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).expanduser() / "fflab" / "runs.sqlite"


@dataclass(frozen=True)
class RunSummary:
    """A stored run without its history and weights (what a listing needs)."""

    id: int
    experiment: str
    preset: str | None
    params: dict[str, Any]
    seed: int
    device: str
    status: str
    created_at: float
    finished_at: float | None
    elapsed_s: float
    metrics: dict[str, float]
    notes: list[str]
    n_records: int
    has_weights: bool


@dataclass(frozen=True)
class StoredRun(RunSummary):
    """A stored run with its metric history (one dict per record)."""

    history: list[dict[str, float]]


class RunStore:
    """Saves, lists, loads and deletes runs in one SQLite file."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._lock, self._connect() as db:
            db.executescript(_SCHEMA)
            row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
            if row[0] is None:
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            elif row[0] > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} was written by a newer fflab (schema {row[0]}, this one reads {SCHEMA_VERSION})"
                )

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30.0)
        try:
            with db:  # commit on success, roll back on error
                yield db
        finally:
            db.close()

    # -- writing -----------------------------------------------------------
    def save(
        self,
        *,
        experiment: str,
        params: Mapping[str, Any],
        seed: int,
        device: str,
        status: str,
        preset: str | None = None,
        created_at: float | None = None,
        finished_at: float | None = None,
        elapsed_s: float = 0.0,
        metrics: Mapping[str, float] | None = None,
        history: Sequence[Mapping[str, float]] | None = None,
        notes: Sequence[str] | None = None,
        weights: Mapping[str, Any] | None = None,
    ) -> int:
        """Store one run; returns its id in the store."""
        now = time.time()
        records = list(history or [])
        blob = weights_to_bytes(weights) if weights else None
        row = (
            experiment,
            preset,
            _dumps(dict(params)),
            int(seed),
            str(device),
            str(status),
            float(created_at if created_at is not None else now),
            float(finished_at if finished_at is not None else now),
            float(elapsed_s),
            _dumps(dict(metrics or {})),
            _dumps([str(n) for n in (notes or [])]),
            len(records),
            _dumps(_history_to_columns(records)),
            blob,
        )
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT INTO runs (experiment, preset, params, seed, device, status, created_at, finished_at, "
                "elapsed_s, metrics, notes, n_records, history, weights) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                row,
            )
            run_id = cursor.lastrowid
        assert run_id is not None
        return run_id

    def add_note(self, run_id: int, note: str) -> None:
        """Append a note (a line of text) to a stored run."""
        with self._lock, self._connect() as db:
            row = db.execute("SELECT notes FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise KeyError(f"no stored run with id {run_id}")
            notes = json.loads(row[0]) + [str(note)]
            db.execute("UPDATE runs SET notes = ? WHERE id = ?", (_dumps(notes), run_id))

    def delete(self, run_id: int) -> bool:
        """Remove a run; False if there was none with that id."""
        with self._lock, self._connect() as db:
            return db.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount > 0

    # -- reading -----------------------------------------------------------
    def list_runs(self, experiment: str | None = None) -> list[RunSummary]:
        """Stored runs, newest first, optionally of one experiment only."""
        query = f"SELECT {_SUMMARY_COLUMNS} FROM runs"
        args: tuple[Any, ...] = ()
        if experiment is not None:
            query += " WHERE experiment = ?"
            args = (experiment,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id DESC", args).fetchall()
        return [_summary(row) for row in rows]

    def get(self, run_id: int) -> StoredRun:
        """One run with its history; KeyError if there is none with that id."""
        with self._connect() as db:
            row = db.execute(f"SELECT {_SUMMARY_COLUMNS}, history FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no stored run with id {run_id}")
        summary = _summary(row[:-1])
        return StoredRun(**vars(summary), history=_history_from_columns(json.loads(row[-1])))

    def load_weights(self, run_id: int) -> dict[str, torch.Tensor]:
        """The run's final weights (on the CPU); empty if it stored none."""
        with self._connect() as db:
            row = db.execute("SELECT weights FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no stored run with id {run_id}")
        return load_safetensors(bytes(row[0])) if row[0] is not None else {}

    def history_csv(self, run_id: int) -> str:
        """The run's metric history as CSV; the columns are every key any record has."""
        history = self.get(run_id).history
        columns: dict[str, None] = {}
        for record in history:
            columns.update(dict.fromkeys(record))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(history)
        return out.getvalue()


# -- runs from the runner ---------------------------------------------------
def save_run(run: Run, store: RunStore | None = None) -> int | None:
    """Store a finished or stopped run; returns its id, or None when there is nothing to keep.

    Runs that failed or diverged, and runs stopped before their first step, are not stored.
    """
    if run.status.value not in SAVED_STATUSES or run.experiment is None or run.experiment.steps_done == 0:
        return None
    store = store or RunStore()
    weights = run.experiment.state_dict()
    return store.save(
        experiment=run.spec.experiment,
        preset=run.spec.preset,
        params=run.spec.params,
        seed=run.spec.seed,
        device=str(run.device),
        status=run.status.value,
        created_at=run.created_at,
        finished_at=time.time(),
        elapsed_s=run.elapsed_s,
        metrics=run.final_metrics,
        history=run.log.since(0)[0],
        notes=run.notes,
        weights=weights,
    )


class StoreOnEnd:
    """A `Run(on_end=[...])` callback that saves the run; `saved` maps run ids to store ids."""

    __name__ = "store_on_end"

    def __init__(self, store: RunStore | None = None):
        self.store = store
        self.saved: dict[str, int] = {}

    def __call__(self, run: Run) -> None:
        stored_id = save_run(run, self.store)
        if stored_id is not None:
            self.saved[run.id] = stored_id


def store_on_end(store: RunStore | None = None) -> StoreOnEnd:
    """A callback for `Run(on_end=[...])` that saves finished and stopped runs."""
    return StoreOnEnd(store)


# -- encoding ---------------------------------------------------------------
def weights_to_bytes(weights: Mapping[str, Any]) -> bytes:
    """Tensors (or arrays, or numbers) by name, as safetensors bytes; copied to the CPU first."""
    tensors: dict[str, torch.Tensor] = {}
    for name, value in weights.items():
        if isinstance(value, torch.Tensor):
            tensor = value.detach().to("cpu", copy=True)
        elif isinstance(value, (np.ndarray, np.generic, int, float, bool)):
            tensor = torch.as_tensor(np.asarray(value)).clone()
        else:
            raise TypeError(f"weight {name!r} is a {type(value).__name__}, not a tensor")
        tensors[name] = tensor.contiguous()
    return save_safetensors(tensors)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    """numpy and torch numbers (and arrays) as plain JSON numbers (and lists)."""
    if isinstance(value, (np.generic, np.ndarray, torch.Tensor)):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def _tuples(value: Any) -> Any:
    """JSON lists back into tuples, as `ParamSpec` holds list-valued parameters."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _history_to_columns(records: Sequence[Mapping[str, float]]) -> dict[str, Any]:
    """Records as `{"columns": [...], "rows": [[...], ...]}`; a key a record lacks is null."""
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    return {"columns": list(columns), "rows": [[record.get(key) for key in columns] for record in records]}


def _history_from_columns(encoded: Mapping[str, Any]) -> list[dict[str, float]]:
    columns = encoded["columns"]
    return [
        {key: value for key, value in zip(columns, row, strict=True) if value is not None} for row in encoded["rows"]
    ]


def _summary(row: Sequence[Any]) -> RunSummary:
    run_id, experiment, preset, params_json, *middle, metrics, notes, n_records, has_weights = row
    params = {k: _tuples(v) for k, v in json.loads(params_json).items()}
    return RunSummary(
        run_id,
        experiment,
        preset,
        params,
        *middle,
        json.loads(metrics),
        json.loads(notes),
        n_records,
        bool(has_weights),
    )
