"""The run store: finished and stopped runs in an embedded SQLite database.

The database lives at `$FFLAB_HOME/runs.sqlite` when FFLAB_HOME is set, else at
`$XDG_DATA_HOME/fflab/runs.sqlite` (default `~/.local/share/fflab/runs.sqlite`).
Weights are stored as safetensors bytes and never go through pickle.

- `database`: `RunStore`, the SQLite schema and queries, and the rows it returns.
- `encoding`: how params, metrics, history (JSON) and weights (safetensors) are written.
- `saving`: `save_run` and the `store_on_end` callback, for runs from the runner.
"""

from fflab.store.database import RunStore, RunSummary, StoredRun, default_path
from fflab.store.encoding import weights_from_bytes, weights_to_bytes
from fflab.store.saving import SAVED_STATUSES, StoreOnEnd, save_run, store_on_end
from fflab.store.schema import SCHEMA_VERSION

__all__ = [
    "SAVED_STATUSES",
    "SCHEMA_VERSION",
    "RunStore",
    "RunSummary",
    "StoreOnEnd",
    "StoredRun",
    "default_path",
    "save_run",
    "store_on_end",
    "weights_from_bytes",
    "weights_to_bytes",
]
