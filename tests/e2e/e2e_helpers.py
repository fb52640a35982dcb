"""Helpers for the browser tests."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"


def wait_until_idle(page) -> None:
    """The app is connected and its script has finished running."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def save_screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for(predicate, timeout: float = 90.0, what: str = "condition"):
    """Poll `predicate` until it returns something truthy, and return that (CI machines are slow: be patient)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def plot(page, key: str, expression: str):
    """`expression` evaluated on the plotly graph div of the chart with this key (None while it is not drawn)."""
    return page.evaluate(f"""() => {{ const gd = document.querySelector(".st-key-{key} .js-plotly-plot");
        return gd && gd.data ? ({expression}) : null; }}""")


def points(page, key: str) -> int:
    """How many points the chart's traces hold together."""
    return plot(page, key, "gd.data.reduce((n, t) => n + (t.x ? t.x.length : 0), 0)") or 0


def last_x(page, key: str) -> float:
    """The newest x (training step, update or episode) of the chart's first line: it grows while a run trains."""
    return plot(page, key, "gd.data.length && gd.data[0].x ? gd.data[0].x[gd.data[0].x.length - 1] : 0") or 0


def status(page, experiment: str) -> str:
    return page.locator(f".st-key-status-{experiment}").inner_text()


def start_and_watch(page, experiment: str, curve_key: str, may_finish: bool = False) -> None:
    """Press Start and see the curve with this key grow (live, not a one-off picture).

    `may_finish`: a short run may be done by the time the curve has grown twice.
    """
    page.get_by_role("button", name="Start", exact=True).click()
    first = wait_for(lambda: last_x(page, curve_key), what=f"points in {curve_key}")
    if may_finish and "finished" in status(page, experiment):
        return  # its first drawing was already the whole run
    wait_for(lambda: last_x(page, curve_key) > first or (may_finish and "finished" in status(page, experiment)),
             what=f"{curve_key} growing (live, not a one-off picture)")
    shown = status(page, experiment)
    assert "running" in shown or (may_finish and "finished" in shown), shown


def stop(page, experiment: str) -> None:
    page.get_by_role("button", name="Stop", exact=True).click()
    wait_for(lambda: "stopped" in status(page, experiment), what="status stopped")
    wait_until_idle(page)
