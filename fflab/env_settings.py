"""The numeric settings fflab reads from the environment, each declared once and parsed one way.

Unset or empty: the default. Anything else must be a number in the setting's terms, or a ValueError
names the variable and what it takes (`SettingError`): a typo in a server's settings is said, never silently ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class SettingError(ValueError):
    """An environment setting that is not what it must be; the message names it."""


@dataclass(frozen=True)
class EnvNumber:
    name: str
    default: float | None  # None: the caller decides (e.g. from the machine's cores)
    unit: str  # what the number counts, for the message
    whole: bool = False

    def read(self) -> float | None:
        raw = os.environ.get(self.name, "").strip()
        if not raw:
            return self.default
        try:
            value = float(raw)
            if self.whole and not value.is_integer():
                raise ValueError
        except ValueError:
            kind = "a whole number" if self.whole else "a number"
            raise SettingError(f"{self.name} must be {kind} of {self.unit}, not {raw[:40]!r}") from None
        return int(value) if self.whole else value


IDLE_PAUSE_S = EnvNumber("FFLAB_IDLE_PAUSE_S", 60.0, "seconds (0 or less: never pause an unwatched run)")
ABANDON_S = EnvNumber("FFLAB_ABANDON_S", 900.0, "seconds (0 or less: never stop an unwatched run)")
MAX_ACTIVE_RUNS = EnvNumber("FFLAB_MAX_ACTIVE_RUNS", None, "runs", whole=True)
MAX_SHARING_RUNS = EnvNumber("FFLAB_MAX_SHARING_RUNS", None, "runs", whole=True)
RUN_MEMORY_GB = EnvNumber("FFLAB_RUN_MEMORY_GB", None, "gigabytes")
