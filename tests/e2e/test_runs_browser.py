"""Runs outlive the page in a real browser: a reload reattaches mid-run, another tab shows the run, a reload after
the end reopens it as saved, and the Runs page overlays two saved runs."""

from __future__ import annotations

import re
import time

import pytest
from e2e_helpers import last_x, plot, save_screenshot, start_and_watch, status, stop, wait_for, wait_until_idle

pytestmark = pytest.mark.e2e

QUERY = "steps=100000&show_delay=12"


def _run_key(page) -> str:
    return wait_for(lambda: (re.search(r"[?&]run=([0-9a-f]+)", page.url) or [None, None])[1], what="run= in the URL")


def test_a_reload_and_a_second_tab_reattach_and_the_runs_page_overlays(app_url, page, browser):
    page.goto(f"{app_url}/fast_weights?{QUERY}")
    wait_until_idle(page)
    start_and_watch(page, "fastweights-delay", "fw-delay-loss")
    key = _run_key(page)
    before = last_x(page, "fw-delay-loss")

    page.reload()  # mid-run: the same run, still training, its curve carried on
    wait_until_idle(page)
    wait_for(lambda: "running" in status(page, "fastweights-delay"), what="the reloaded page reattached, running")
    wait_for(lambda: last_x(page, "fw-delay-loss") > before, what="the curve growing after the reload")

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(f"{app_url}/fast_weights?run={key}")  # the link opened in another tab
    wait_until_idle(other)
    wait_for(lambda: "running" in status(other, "fastweights-delay"), what="the second tab showing the run")
    stop(other, "fastweights-delay")  # its Stop reaches the same run
    other.context.close()

    page.reload()  # after the end: reopened from the store, with its plots
    wait_until_idle(page)
    wait_for(lambda: "saved run" in status(page, "fastweights-delay"), what="the run reopened from the store")
    assert "stopped" in status(page, "fastweights-delay")
    wait_for(lambda: last_x(page, "fw-delay-loss") > before, what="the stored curve drawn")

    page.get_by_role("button", name="Start", exact=True).click()  # start again with these settings
    wait_for(lambda: "running" in status(page, "fastweights-delay"), what="a second run")
    wait_for(lambda: _run_key(page) != key, what="the new run's key in the URL")
    stop(page, "fastweights-delay")

    page.goto(f"{app_url}/runs")
    wait_until_idle(page)
    box = page.locator("[data-testid='stMultiSelect']").filter(has_text="compare")
    for _ in range(2):  # runs of this experiment (other tests' runs share the store; a pick may take two)
        box.locator("input").click()
        box.locator("input").fill("fastweights-delay")
        page.get_by_role("option").first.click()
        wait_until_idle(page)
        page.keyboard.press("Escape")
    wait_for(lambda: (plot(page, "chart-runs-overlay", "gd.data.filter(t => t.x && t.x.length).length") or 0) >= 2,
             what="two runs overlaid")
    assert "Parameters that differ" in page.inner_text("body") or "share every parameter" in page.inner_text("body")
    page.set_viewport_size({"width": 1400, "height": 1400})
    time.sleep(0.5)
    assert save_screenshot(page, "runs.png").stat().st_size > 20_000
