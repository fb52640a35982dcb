"""Driving the pages with Streamlit's AppTest (no browser).

AppTest never fires `run_every` and never disconnects a session, so tests call
`run()` in a loop and every test ends by stopping whatever runs it started
(the autouse fixture in conftest.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from fflab.app.engine import all_engines
from fflab.runner import Run

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "forward_forward.py")
APP = str(ROOT / "app.py")
FAST = {"hidden": "32,32", "steps": "100000", "eval_every": "5", "eval_samples": "100"}


def open_page(path: str, query: dict[str, str] | None = None) -> AppTest:
    """The page at `path`, opened with `query` in its URL, after its first run."""
    at = AppTest.from_file(path, default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def page(query: dict[str, str] | None = None) -> AppTest:
    """The Forward-Forward page, opened with `query` in its URL, after its first run."""
    return open_page(PAGE, query)


def wait_for(at: AppTest, condition: Callable[[AppTest], bool], timeout: float = 30.0) -> AppTest:
    """Rerun the page (standing in for the live fragment's timer) until `condition` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        if condition(at):
            return at
        time.sleep(0.2)
    raise AssertionError(f"timed out; statuses: {[m.value for m in at.markdown if 'badge[' in m.value]}")


def live_run(role: str = "ff") -> Run:
    """The one run in `role` that has not ended (the test's own)."""
    runs = [e.get(role) for e in all_engines() if e.get(role) is not None and not e.get(role).status.terminal]
    assert len(runs) == 1, f"expected one live {role} run, found {len(runs)}"
    return runs[0]


def metric(at: AppTest, label: str) -> str:
    matches = [m.value for m in at.metric if m.label == label]
    assert matches, f"no metric labelled {label!r}; have {[m.label for m in at.metric]}"
    return matches[0]


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"expected one button {label!r}"
    return matches[0]


def status_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown if "badge[" in m.value)
