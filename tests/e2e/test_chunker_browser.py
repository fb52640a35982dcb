"""The Chunker page in a real browser: each experiment trains live, draws its surprise stream and curves, stops."""

from __future__ import annotations

import time

import pytest
from e2e_helpers import save_screenshot, wait_until_idle

pytestmark = pytest.mark.e2e


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):
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


def last_x(page, key: str) -> float:
    return plot(page, key, "gd.data.length && gd.data[0].x ? gd.data[0].x[gd.data[0].x.length - 1] : 0") or 0


def status(page, experiment: str) -> str:
    return page.locator(f".st-key-status-{experiment}").inner_text()


def start_and_watch(page, experiment: str, curve_key: str) -> None:
    page.get_by_role("button", name="Start", exact=True).click()
    first = wait_for(lambda: last_x(page, curve_key), what=f"points in {curve_key}")
    wait_for(lambda: last_x(page, curve_key) > first, what=f"{curve_key} growing (live, not a one-off picture)")
    assert "running" in status(page, experiment)


def stop(page, experiment: str) -> None:
    page.get_by_role("button", name="Stop", exact=True).click()
    wait_for(lambda: "stopped" in status(page, experiment), what="status stopped")
    wait_until_idle(page)


def test_blocks_view_trains_live_with_the_surprise_stream(app_url, page):
    page.goto(f"{app_url}/chunker?blocks=100000&show_blocks=4")
    wait_until_idle(page)
    start_and_watch(page, "chunker-22", "chunker22-accuracy")
    assert plot(page, "chunker22-accuracy", "gd.data.map(t => t.name).join('|')") == "chunker (A + C)|single net"
    # the stream: a ribbon of 4 blocks, A's probabilities, the surprise crosses, the threshold line
    assert wait_for(lambda: plot(page, "chunker22-stream", "gd.data.length"), what="the surprise stream") == 3
    assert plot(page, "chunker22-stream", "gd.data[0].z[0].length") == 84
    assert plot(page, "chunker22-stream", "gd.data[2].name") == "surprise (to C)"
    assert plot(page, "chunker22-stream", "gd.layout.shapes.some(s => s.y0 === 0.95)")
    wait_for(lambda: last_x(page, "chunker22-compressed") > 0, what="C's stream length per block")
    stop(page, "chunker-22")
    page.get_by_role("tab", name="Surprise raster").click()
    wait_for(lambda: plot(page, "chunker22-raster", "gd.data[0].y.length") == 21, what="the surprise raster")
    page.set_viewport_size({"width": 1400, "height": 1900})
    time.sleep(0.5)
    assert save_screenshot(page, "chunker_blocks.png").stat().st_size > 20_000


def test_deep_view_trains_live_and_shows_the_compressed_stream(app_url, page):
    page.goto(f"{app_url}/chunker?exp=deep&T=100&steps=100000")
    wait_until_idle(page)
    start_and_watch(page, "chunker-deep", "chunker-deep-accuracy")
    assert wait_for(lambda: plot(page, "chunker-deep-stream", "gd.data[0].z[0].length"), what="the stream") == 100
    assert plot(page, "chunker-deep-losses", "gd.data.length") == 3
    stop(page, "chunker-deep")
    page.get_by_role("tab", name="Effective depth").click()
    wait_for(lambda: plot(page, "chunker-deep-depth", "gd.data[0].y.length") == 3, what="the effective-depth bars")
    page.set_viewport_size({"width": 1400, "height": 1900})
    time.sleep(0.5)
    assert save_screenshot(page, "chunker_deep.png").stat().st_size > 20_000
