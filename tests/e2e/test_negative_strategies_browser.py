"""The Negative strategies page in a real browser: a link chooses three strategies, and three curves go live."""

from __future__ import annotations

import re
import time

import pytest
from e2e_helpers import save_screenshot, status, wait_for, wait_until_idle

pytestmark = pytest.mark.e2e

THREE = ("wrong_label", "masked", "hybrid_mix")
# digits-race (the default preset) cut down, with enough steps that the race is still going when we stop it.
RACE = f"strategies={','.join(THREE)}&hidden=32,32&steps=100000&eval_every=5&eval_samples=200"

# The names in the legend of the accuracy chart's plotly graph (one per live curve).
LEGEND_NAMES = """() => Array.from(document.querySelectorAll(".st-key-chart-race-accuracy .legend .traces"))
    .map(t => t.textContent.trim())"""
# How many points the accuracy chart's curves hold together.
POINTS = """() => document.querySelector(".st-key-chart-race-accuracy .js-plotly-plot").data
    .reduce((n, t) => n + t.x.length, 0)"""


def ranking_rows(page) -> list[str]:
    return page.locator(".st-key-race-ranking tbody tr").all_inner_texts()


def test_a_linked_race_of_three_strategies_draws_three_live_curves(app_url, page):
    page.goto(f"{app_url}/negative_strategies?{RACE}")
    wait_until_idle(page)
    page.get_by_role("button", name="Start", exact=True).click()

    legend = wait_for(
        lambda: (names := page.evaluate(LEGEND_NAMES)) and len(names) == 3 and names,
        what="three curves in the accuracy chart's legend",
    )
    assert sorted(legend) == sorted(THREE)
    rows = wait_for(
        lambda: (r := ranking_rows(page)) and len(r) == 3 and all(re.search(r"\d+\.\d%", x) for x in r) and r,
        what="three ranked rows with accuracies",
    )
    assert {name for row in rows for name in THREE if name in row} == set(THREE)
    first = page.evaluate(POINTS)
    wait_for(lambda: page.evaluate(POINTS) > first, what="the curves growing")  # live, not a one-off picture
    assert "running" in status(page, "negatives")

    wait_for(lambda: page.evaluate(POINTS) >= 12, what="four evaluations per curve")  # a picture worth a look
    page.set_viewport_size({"width": 1400, "height": 1900})
    time.sleep(0.5)
    shot = save_screenshot(page, "negative_strategies_live.png")
    assert shot.stat().st_size > 20_000

    page.get_by_role("tab", name="Negatives gallery").click()
    # while the fragment redraws, a stale copy of the chart may sit beside the new one: read whichever has rows
    rows = wait_for(
        lambda: page.evaluate("""() => Array.from(
        document.querySelectorAll(".st-key-chart-race-gallery .js-plotly-plot"))
        .map(gd => gd.layout?.yaxis?.ticktext).find(t => t && t.length)"""),
        what="the gallery's rows",
    )
    assert rows == ["positive", *THREE]
    save_screenshot(page, "negative_strategies_gallery.png")

    page.get_by_role("button", name="Stop", exact=True).click()
    wait_for(lambda: "stopped" in status(page, "negatives"), what="status stopped")
