"""At a phone's width (390 px), the toolbar Plotly shows over a hovered chart leaves its title readable."""

from __future__ import annotations

import pytest
from e2e_helpers import save_screenshot, stop, wait_for, wait_until_idle

pytestmark = pytest.mark.e2e

CHART = ".st-key-chart-goodness-means .js-plotly-plot"


def _box(page, selector: str) -> dict:
    return page.evaluate(f"""() => {{ const r = document.querySelector("{selector}").getBoundingClientRect();
        return {{left: r.left, right: r.right, top: r.top, bottom: r.bottom}}; }}""")


def test_the_hover_toolbar_keeps_off_the_title_at_phone_width(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/forward_forward?preset=digits-quick&steps=100000&hidden=32,32")
        wait_until_idle(page)
        page.get_by_role("button", name="Start", exact=True).click()
        page.locator(CHART).wait_for()
        page.evaluate(f"""() => document.querySelector("{CHART}").scrollIntoView({{block: "center"}})""")
        box = _box(page, CHART)
        page.mouse.move((box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)
        wait_for(lambda: page.locator(f"{CHART} .modebar-btn").count() > 0, what="the chart's toolbar")
        buttons = page.locator(f"{CHART} .modebar-btn").evaluate_all("bs => bs.map(b => b.dataset.title)")
        assert not {"Box Select", "Lasso Select", "Autoscale"} & set(buttons), buttons
        toolbar, title = _box(page, f"{CHART} .modebar"), _box(page, f"{CHART} .gtitle")
        save_screenshot(page, "phone-width-chart.png")
        assert toolbar["left"] >= title["right"] or toolbar["bottom"] <= title["top"], (toolbar, title)
        stop(page, "ff")
    finally:
        context.close()
