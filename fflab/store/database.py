"""`RunStore`: the SQLite file of stored runs, its schema and its queries.

One row per run: experiment, preset, params, seed, device, status, times, final
metrics, the metric history (stored column-wise as JSON), notes, and the final
weights as safetensors bytes. Every call opens its own connection, so one
`RunStore` may be shared by threads.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from fflab.store.encoding import (
    dumps,
    history_from_json,
    history_to_json,
    params_from_json,
    weights_from_bytes,
    weights_to_bytes,
)
from fflab.store.schema import prepare

_SUMMARY_COLUMNS = (
    "id, experiment, preset, params, seed, device, status, created_at, finished_at, "
    "elapsed_s, metrics, notes, n_records, weights IS NOT NULL, run_key, group_key, role, snapshot IS NOT NULL"
)


def default_path() -> Path:
    """Where the run store lives unless told otherwise.

    `$FFLAB_HOME/runs.sqlite` when FFLAB_HOME is set, else `$XDG_DATA_HOME/fflab/runs.sqlite`
    (default `~/.local/share/fflab/runs.sqlite`).
    """
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
    run_key: str | None = None  # the live run's id while it trained (a page's `?run=` names its group)
    group_key: str | None = None  # the key of the page run this one was started with (itself, or its leader)
    role: str | None = None  # its role on that page ("ff", "bp", ...)
    has_snapshot: bool = False


@dataclass(frozen=True)
class StoredRun(RunSummary):
    """A stored run with its metric history (one dict per record)."""

    history: list[dict[str, float]] = field(default_factory=list)


class RunStore:
    """Saves, lists, loads and deletes runs in one SQLite file."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._lock, self._connect() as db:
            prepare(db, self.path)

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
        snapshot: bytes | None = None,
        run_key: str | None = None,
        group_key: str | None = None,
        role: str | None = None,
    ) -> int:
        """Store one run; returns its id in the store."""
        now = time.time()
        records = list(history or [])
        row = (
            experiment,
            preset,
            dumps(dict(params)),
            int(seed),
            str(device),
            str(status),
            float(created_at if created_at is not None else now),
            float(finished_at if finished_at is not None else now),
            float(elapsed_s),
            dumps(dict(metrics or {})),
            dumps([str(n) for n in (notes or [])]),
            len(records),
            history_to_json(records),
            weights_to_bytes(weights) if weights else None,
            run_key,
            group_key,
            role,
            snapshot,
        )
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT INTO runs (experiment, preset, params, seed, device, status, created_at, finished_at, "
                "elapsed_s, metrics, notes, n_records, history, weights, run_key, group_key, role, snapshot) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
            db.execute("UPDATE runs SET notes = ? WHERE id = ?", (dumps(notes), run_id))

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

    def group(self, group_key: str) -> list[RunSummary]:
        """The stored runs a page started together (its own run and its baseline), oldest first."""
        with self._connect() as db:
            rows = db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM runs WHERE group_key = ? ORDER BY id",
                              (group_key,)).fetchall()
        return [_summary(row) for row in rows]

    def load_snapshot(self, run_id: int) -> bytes | None:
        """The run's last snapshot as stored (see `fflab.store.snapshots`), or None."""
        with self._connect() as db:
            row = db.execute("SELECT snapshot FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no stored run with id {run_id}")
        return row[0]

    def get(self, run_id: int) -> StoredRun:
        """One run with its history; KeyError if there is none with that id."""
        with self._connect() as db:
            row = db.execute(f"SELECT {_SUMMARY_COLUMNS}, history FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no stored run with id {run_id}")
        summary = _summary(row[:-1])
        return StoredRun(**vars(summary), history=history_from_json(row[-1]))

    def load_weights(self, run_id: int) -> dict[str, torch.Tensor]:
        """The run's final weights (on the CPU); empty if it stored none."""
        with self._connect() as db:
            row = db.execute("SELECT weights FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no stored run with id {run_id}")
        return weights_from_bytes(row[0]) if row[0] is not None else {}

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


def _summary(row: Sequence[Any]) -> RunSummary:
    (run_id, experiment, preset, params_json, *middle, metrics, notes, n_records, has_weights,
     run_key, group_key, role, has_snapshot) = row
    return RunSummary(
        run_id,
        experiment,
        preset,
        params_from_json(params_json),
        *middle,
        json.loads(metrics),
        json.loads(notes),
        n_records,
        bool(has_weights),
        run_key,
        group_key,
        role,
        bool(has_snapshot),
    )
