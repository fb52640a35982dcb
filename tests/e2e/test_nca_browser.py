"""The NCA page in a real browser: both grids grow live side by side, a damage shows and regrows, the run stops."""

from __future__ import annotations

import time

import pytest
from e2e_helpers import plot, save_screenshot, start_and_watch, stop, wait_for, wait_until_idle

pytestmark = pytest.mark.e2e

# A restart clears the damage mark: one every 24 of these fast steps (the default) let a draw miss it, so the grids
# never restart on schedule and grow one step per training step (an unstable rule still blows up and restarts).
TINY = ("size=8&pad=2&steps=100000&batch=2&pool_size=8&grow_min=6&grow_max=8&eval_steps=8&ff_rollout=2"
        "&restart_after=0&display_steps=1")


def _damage_until_drawn(page, tries: int = 3) -> None:
    """Press Damage and see the disc in both grids; on a loaded machine a click that lands during a rerun can be
    lost with the element it hit, so press again (each press that arrives is one more damage, which is fine)."""
    for attempt in range(tries):
        page.locator(".st-key-nca-damage button").first.click()  # a redraw may briefly keep the old one too
        try:
            wait_for(lambda: plot(page, "nca-grids", "(gd.layout.shapes || []).length") == 2, timeout=40,
                     what="the damaged disc in both grids")
            return
        except AssertionError:
            if attempt == tries - 1:
                raise


def test_both_grids_grow_live_and_a_damage_is_drawn(app_url, page):
    page.goto(f"{app_url}/nca?{TINY}")
    wait_until_idle(page)
    start_and_watch(page, "nca", "nca-loss")
    assert wait_for(lambda: plot(page, "nca-grids", "gd.data.length"), what="the grids") == 3  # bptt, ff, target
    first = wait_for(lambda: plot(page, "nca-grids", "gd.layout.title.text"), what="the grids' step")
    wait_for(lambda: plot(page, "nca-grids", "gd.layout.title.text") != first, what="the grids animating")
    _damage_until_drawn(page)
    page.get_by_role("tab", name="Update weights").click()
    assert wait_for(lambda: plot(page, "nca-weights", "gd.data.length"), what="the update weights") == 2
    stop(page, "nca")
    page.set_viewport_size({"width": 1400, "height": 1700})
    time.sleep(0.5)
    assert save_screenshot(page, "nca.png").stat().st_size > 20_000
