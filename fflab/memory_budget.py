"""A cap on the memory one run may ask for, so that one visitor's settings cannot take the server down.

Each experiment may estimate the bytes a run of its parameters needs
(`Experiment.estimated_bytes`); a run over the budget is refused before it
starts, with the estimate, the budget and the parameters that drive it.
FFLAB_RUN_MEMORY_GB sets the budget (default 6 GB, and never more than half
of this machine's memory).
"""

from __future__ import annotations

import os

from fflab.env_settings import RUN_MEMORY_GB
from fflab.params import ParamError

DEFAULT_GB = 6.0
GB = 1e9


def physical_bytes() -> float | None:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def budget_bytes() -> float:
    configured = RUN_MEMORY_GB.read()
    if configured is not None and configured > 0:
        return configured * GB
    total = physical_bytes()
    return min(DEFAULT_GB * GB, total / 2) if total else DEFAULT_GB * GB


def check_memory(estimate: float | None, knobs: str) -> None:
    """Raise ParamError (named `memory`) when `estimate` bytes exceed the budget; `knobs` says what to lower."""
    if estimate is None:
        return
    budget = budget_bytes()
    if estimate > budget:
        raise ParamError("memory", f"this run would need about {estimate / GB:.1f} GB, over the budget of "
                                   f"{budget / GB:.1f} GB a run ({RUN_MEMORY_GB.name} sets it). Lower {knobs}.")
