"""Runs experiments in background threads.

One thread per run; the UI thread never calls the experiment. Commands go in
through a queue, metrics come out through a bounded, thread-safe log read with a
cursor, and the latest snapshot is taken in the training thread a few times a
second at most. A process-wide `Scheduler` caps how many runs compute at once.

- `spec`: `RunSpec` (what to run), `Status`, and the commands a run takes.
- `run`: `Run`, the handle any thread may command and read.
- `training`: `TrainingLoop`, the body of a run's thread.
- `to_end`: `run_to_end`, start a run and wait for it.
"""

from fflab.metric_log import MetricLog
from fflab.runner.run import Run
from fflab.runner.spec import RunSpec, Status
from fflab.runner.to_end import run_to_end

__all__ = ["MetricLog", "Run", "RunSpec", "Status", "run_to_end"]
