"""Numeric settings from the environment: the default when unset or empty, a typo refused by its name."""

from __future__ import annotations

import pytest

from fflab.app.engine import abandon_timeout_s, idle_timeout_s
from fflab.memory_budget import budget_bytes
from fflab.scheduler import default_capacity, default_max_sharing


@pytest.mark.parametrize(("name", "read"), [
    ("FFLAB_RUN_MEMORY_GB", lambda: budget_bytes()),
    ("FFLAB_IDLE_PAUSE_S", lambda: idle_timeout_s()),
    ("FFLAB_ABANDON_S", lambda: abandon_timeout_s()),
    ("FFLAB_MAX_ACTIVE_RUNS", lambda: default_capacity()),
    ("FFLAB_MAX_SHARING_RUNS", lambda: default_max_sharing(1)),
])
def test_every_numeric_setting_refuses_a_typo_by_name(monkeypatch, name, read):
    monkeypatch.setenv(name, "6O")  # the letter O
    with pytest.raises(ValueError, match=f"{name} must be a"):
        read()
    monkeypatch.setenv(name, "")
    read()  # empty: the default

