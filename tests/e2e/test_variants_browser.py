"""The Variants & transfer page in a real browser: a transfer run fills its bars one model after another."""

from __future__ import annotations

import pytest
from e2e_helpers import save_screenshot, wait_until_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TINY = "exp=transfer&task=digits-low-to-high&models=bp,random&hidden=16&epochs=3&probe_steps=30&probe_samples=200"


def bars(page) -> list[str]:
    """The model names on the transfer chart's first (target) bar trace; [] while it is waiting."""
    return page.evaluate("""() => { const gd = document.querySelector(".st-key-chart-transfer .js-plotly-plot");
        return gd && gd.data && gd.data.length ? Array.from(gd.data[0].x || []) : []; }""")


def test_transfer_run_fills_a_bar_per_model(app_url, page):
    page.goto(f"{app_url}/variants?{TINY}")
    wait_until_idle(page)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("No run yet", timeout=30_000)
    page.get_by_role("button", name="Start", exact=True).click()
    status = page.locator(".st-key-status-transfer")
    expect(status).to_contain_text("finished", timeout=60_000)
    page.wait_for_function("""() => { const gd = document.querySelector(".st-key-chart-transfer .js-plotly-plot");
        return gd && gd.data && gd.data.length && (gd.data[0].x || []).length === 2; }""", timeout=30_000)
    assert bars(page) == ["bp", "random"]
    tile = page.locator("[data-testid='stMetric']", has_text="random → target")
    expect(tile.locator("[data-testid='stMetricValue']")).to_contain_text("%", timeout=10_000)
    page.set_viewport_size({"width": 1400, "height": 1500})  # the bars below the fold into the picture
    page.wait_for_timeout(500)
    save_screenshot(page, "variants_transfer.png")
