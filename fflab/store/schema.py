"""The run store's SQLite schema, and the step from each older version to this one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = 2  # 2 added run_key, group_key, role and snapshot

SCHEMA = """
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
    weights BLOB,
    run_key TEXT,
    group_key TEXT,
    role TEXT,
    snapshot BLOB
);
CREATE INDEX IF NOT EXISTS runs_by_experiment ON runs (experiment, id);
"""
_INDEX_2 = "CREATE INDEX IF NOT EXISTS runs_by_group ON runs (group_key);"

_ADDED_IN_2 = ("run_key TEXT", "group_key TEXT", "role TEXT", "snapshot BLOB")


def prepare(db: sqlite3.Connection, path: Path) -> None:
    """Create the tables, or bring a store written by an older fflab up to this schema."""
    db.executescript(SCHEMA)
    if _has_column(db, "group_key"):
        db.execute(_INDEX_2)
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    if row[0] is None:
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    elif row[0] == 1:
        _migrate_from_1(db)
    elif row[0] > SCHEMA_VERSION:
        raise RuntimeError(f"{path} was written by a newer fflab (schema {row[0]}, this one reads {SCHEMA_VERSION})")


def _has_column(db: sqlite3.Connection, name: str) -> bool:
    return any(row[1] == name for row in db.execute("PRAGMA table_info(runs)"))


def _migrate_from_1(db: sqlite3.Connection) -> None:
    """Schema 1 had no run keys and no snapshots: add the columns (old runs keep NULL there)."""
    for column in _ADDED_IN_2:
        db.execute(f"ALTER TABLE runs ADD COLUMN {column}")
    db.execute("CREATE INDEX IF NOT EXISTS runs_by_group ON runs (group_key)")
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
