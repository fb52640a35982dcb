"""`run_to_end`: start a run and wait for it, the CLI's, the benchmarks' and the tests' way."""

from __future__ import annotations

import time
from collections.abc import Callable

from fflab.experiment import Experiment
from fflab.runner.run import Run
from fflab.runner.spec import RunSpec
from fflab.scheduler import Scheduler


def run_to_end(
    spec: RunSpec,
    max_seconds: float | None = None,
    on_progress: Callable[[Run], None] | None = None,
    scheduler: Scheduler | None = None,
    on_end: list[Callable[[Run], None]] | None = None,
    experiment_cls: type[Experiment] | None = None,
) -> Run:
    """Start a run and wait for it; stop it after `max_seconds` of training."""
    run = Run(spec, scheduler=scheduler or Scheduler(1), on_end=on_end, experiment_cls=experiment_cls).start()
    began: float | None = None
    stopping = False
    try:
        # After a stop, keep reporting progress: the final metrics can take minutes on a large net.
        while not run.wait(0.2):
            if on_progress is not None:
                on_progress(run)
            if began is None and run.experiment is not None:
                began = time.monotonic()  # the budget counts training, not loading the data
            over_budget = max_seconds is not None and began is not None and time.monotonic() - began > max_seconds
            if over_budget and not stopping:
                run.stop()
                stopping = True
    except KeyboardInterrupt:
        run.stop()
        run.wait()
        raise
    if on_progress is not None:
        on_progress(run)
    return run
