"""Helpers for tests that drive experiments by hand: step them, and keep torch to one thread."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def torch_threads(count: int = 1) -> Iterator[None]:
    """Tiny nets run on one thread, as the runner gives each run (two threads on two busy cores wait on each other)."""
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def advance(exp, steps: int | None = None) -> list[dict[str, float]]:
    """Advance `exp` as the runner does, `steps` times (default: to the end); the records it logged."""
    records = []
    for _ in range(exp.total_steps - exp.steps_done if steps is None else steps):
        records.append(exp.advance())
    return records
