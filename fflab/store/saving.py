"""Saving runs from the runner: finished and stopped runs that took a step, with their weights."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from fflab.store.database import RunStore
from fflab.store.snapshots import SnapshotCodecError, snapshot_to_bytes

if TYPE_CHECKING:
    from fflab.runner import Run

SAVED_STATUSES = ("finished", "stopped", "diverged")  # a blow-up is worth comparing too


def save_run(run: Run, store: RunStore | None = None) -> int | None:
    """Store a finished or stopped run; returns its id, or None when there is nothing to keep.

    Runs that failed (a bug, not a result) and runs that ended before their first step are not stored.
    """
    if run.status.value not in SAVED_STATUSES or run.experiment is None or run.experiment.steps_done == 0:
        return None
    store = store or RunStore()
    weights = run.experiment.state_dict()
    snapshot = None
    if run.snapshot is not None:
        try:
            snapshot = snapshot_to_bytes(run.snapshot)
        except SnapshotCodecError as exc:
            run.add_note(f"the last snapshot was not saved ({exc}): the reopened run shows its curves only")
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
        notes=run.notes + [f"warning: {w}" for w in run.warnings]
        + ([f"diverged: {run.status_note}"] if run.status.value == "diverged" else []),
        weights=weights,
        snapshot=snapshot,
        run_key=run.id,
        group_key=run.group_key,
        role=run.role,
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
