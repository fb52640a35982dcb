"""Every app test gets its own run store and no downloads, and ends with no run left going."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fflab.app.engine import all_engines, stop_all_runs


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("FFLAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FFLAB_OFFLINE", "1")
    yield
    stop_all_runs(wait_s=30)
    for engine in all_engines():  # a later test's session may be handed this engine: leave it empty
        engine.forget([role for role, _ in engine.items()])
