"""The Forward-Forward page in a real browser: train live, pause, change lr, resume; bad URL input."""

from __future__ import annotations

import re
import time

import pytest
from e2e_helpers import save_screenshot, status, wait_for, wait_until_idle

from fflab.app.nav import ENTRIES

pytestmark = pytest.mark.e2e

# digits-quick, with enough steps that the run is still going when we pause it.
LONG_RUN = "preset=digits-quick&steps=100000&eval_every=25&hidden=200,200"


def metric_value(page, label: str) -> str:
    tile = page.locator("[data-testid='stMetric']", has_text=label).first
    return tile.locator("[data-testid='stMetricValue']").inner_text()


def percent(text: str) -> float | None:
    match = re.search(r"([\d.]+)%", text)
    return float(match.group(1)) if match else None


def test_train_pause_change_lr_resume(app_url, page):
    page.goto(f"{app_url}/forward_forward?{LONG_RUN}")
    wait_until_idle(page)
    page.get_by_role("button", name="Start", exact=True).click()

    accuracy = wait_for(
        lambda: (a := percent(metric_value(page, "Test accuracy"))) and a > 60 and a,
        what="live test accuracy above 60% (chance is 10%)",
    )
    assert accuracy > 60
    assert "running" in status(page, "ff")

    page.get_by_role("button", name="Pause", exact=True).click()
    wait_for(lambda: "paused" in status(page, "ff"), what="status paused")
    wait_until_idle(page)
    steps_paused = page.locator(".st-key-status-ff").inner_text()
    time.sleep(1.0)
    assert page.locator(".st-key-status-ff").inner_text() == steps_paused, "a paused run must not advance"

    lr_box = page.get_by_label("lr", exact=True)
    lr_box.fill("0.002")
    lr_box.press("Enter")
    # page.url misses history.replaceState; read the address the browser shows
    wait_for(lambda: "lr=0.002" in page.evaluate("location.href"), timeout=20, what="the new lr in the URL")

    time.sleep(2.5)  # past the short poll that follows a command: the paused page has stopped refreshing
    page.get_by_role("button", name="Resume", exact=True).click()
    wait_for(lambda: "running" in status(page, "ff"), what="status running after resume")
    wait_for(lambda: status(page, "ff") != steps_paused, what="steps advancing after resume")
    # and the page refreshes again by itself: the click redraws once, the timer must come back with it
    after_click = status(page, "ff")
    wait_for(lambda: status(page, "ff") != after_click, timeout=10, what="the page redrawing after Resume, untouched")
    page.set_viewport_size({"width": 1400, "height": 2300})  # the charts below the fold too
    time.sleep(1.5)  # let a few live redraws land before the picture
    shot = save_screenshot(page, "forward_forward_live.png")
    assert shot.stat().st_size > 20_000

    page.get_by_role("button", name="Stop", exact=True).click()
    wait_for(lambda: "stopped" in status(page, "ff"), what="status stopped")


def test_out_of_range_url_parameter_is_explained(app_url, page):
    page.goto(f"{app_url}/forward_forward?lr=5")
    wait_until_idle(page)
    alert = page.locator("[data-testid='stAlert']", has_text="lr: 5 is out of range")
    alert.first.wait_for()
    assert "allowed: a number from 1e-06 to 1" in alert.first.inner_text()
    assert page.get_by_role("button", name="Start", exact=True).is_disabled()
    save_screenshot(page, "forward_forward_bad_url.png")


def test_home_page_lists_every_page(app_url, page):
    from playwright.sync_api import expect

    page.goto(app_url)
    wait_until_idle(page)
    main = page.locator("[data-testid='stMain']")
    # the script may still be streaming its elements: wait for each text rather than reading once
    for entry in ENTRIES:
        expect(main).to_contain_text(entry.title, timeout=30_000)
    if any(not entry.live for entry in ENTRIES):
        expect(main).to_contain_text("(coming)", timeout=30_000)
