"""The bounded, thread-safe log of a run's metric records, read with a cursor."""

from __future__ import annotations

import itertools
import threading
from collections import deque


class MetricLog:
    """An append-only, bounded log of metric records, read with a cursor.

    `since(cursor)` returns the records appended after `cursor` and the new cursor.
    When old records have been dropped, a reader behind the window gets what is left.
    """

    def __init__(self, maxlen: int = 50_000):
        self._records: deque[dict[str, float]] = deque(maxlen=maxlen)
        self._next = 0
        self._lock = threading.Lock()

    def append(self, record: dict[str, float]) -> int:
        with self._lock:
            self._records.append(record)
            self._next += 1
            return self._next

    def since(self, cursor: int = 0) -> tuple[list[dict[str, float]], int]:
        with self._lock:
            first = self._next - len(self._records)
            start = max(cursor, first) - first
            return list(itertools.islice(self._records, start, None)), self._next

    def __len__(self) -> int:
        with self._lock:
            return self._next

    def last(self) -> dict[str, float] | None:
        with self._lock:
            return self._records[-1] if self._records else None
