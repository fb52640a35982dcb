"""The Chunker page in a real browser: each experiment trains live, draws its surprise stream and curves, stops."""

from __future__ import annotations

import time

import pytest
from e2e_helpers import last_x, plot, save_screenshot, start_and_watch, stop, wait_for, wait_until_idle

pytestmark = pytest.mark.e2e


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
