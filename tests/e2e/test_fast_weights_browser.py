"""The Fast weights page in a real browser: each of the three views trains live, draws its episode figures, stops."""

from __future__ import annotations

import time

import pytest
from e2e_helpers import plot, points, save_screenshot, start_and_watch, stop, wait_for, wait_until_idle

pytestmark = pytest.mark.e2e


def test_delay_view_trains_live_and_animates_the_fast_weights(app_url, page):
    page.goto(f"{app_url}/fast_weights?steps=100000&show_delay=12")
    wait_until_idle(page)
    start_and_watch(page, "fastweights-delay", "fw-delay-loss")
    frames = wait_for(
        lambda: plot(page, "fw-delay-fast", "gd._transitionData._frames.length"), what="the animated W_fast heatmap"
    )
    assert frames == 14  # store, 12 distractors, recall
    assert plot(page, "fw-delay-fast", "gd.layout.sliders[0].steps.length") == 14
    assert "(recall)" in plot(page, "fw-delay-fast", "gd.layout.title.text")
    assert plot(page, "fw-delay-norm", "gd._fullData[0]._length") == 14
    stop(page, "fastweights-delay")

    page.locator(".st-key-fw-delay-fast g.updatemenu-button", has_text="Play").click()  # runs in the browser
    wait_for(
        lambda: "(distractor)" in (plot(page, "fw-delay-fast", "gd.layout.title.text") or ""),
        timeout=10,
        what="Play stepping through the distractors",
    )
    page.get_by_role("tab", name="Gate").click()
    wait_for(lambda: plot(page, "fw-delay-gate", "gd.layout.shapes.length") == 3, what="the gate with 3 phases")
    page.get_by_role("tab", name="Recall").click()
    wait_for(lambda: plot(page, "fw-delay-by-delay", "gd.data.length"), what="accuracy by delay after the end")
    page.set_viewport_size({"width": 1400, "height": 1900})
    time.sleep(0.5)
    assert save_screenshot(page, "fast_weights_delay.png").stat().st_size > 20_000


def test_kv_view_after_switching_from_the_delay_experiment(app_url, page):
    page.goto(f"{app_url}/fast_weights?hidden=16")  # a delay parameter: must not leak into kv
    wait_until_idle(page)
    page.get_by_role("radio", name="Key/value binding").click()
    wait_for(lambda: "exp=kv" in page.evaluate("location.href"), what="exp=kv in the URL")
    wait_until_idle(page)
    assert "hidden" not in page.evaluate("location.href")
    page.get_by_label("steps", exact=True).fill("1000000")
    page.get_by_label("steps", exact=True).press("Enter")
    wait_for(lambda: "steps=1000000" in page.evaluate("location.href"), what="steps in the URL")
    start_and_watch(page, "fastweights-kv", "fw-kv-loss")
    assert wait_for(lambda: plot(page, "fw-kv-cos", "gd.data.length"), what="key cosines") == 2
    page.get_by_role("tab", name="Capacity").click()
    assert wait_for(lambda: plot(page, "fw-kv-capacity", "gd.data.length"), what="capacity curves") == 4
    page.get_by_role("tab", name="Fast weights").click()
    assert wait_for(lambda: plot(page, "fw-kv-fast", "gd._transitionData._frames.length"), what="W_fast") == 5
    stop(page, "fastweights-kv")
    page.set_viewport_size({"width": 1400, "height": 1900})
    time.sleep(0.5)
    assert save_screenshot(page, "fast_weights_kv.png").stat().st_size > 20_000


def test_srwm_view_trains_live_and_shows_each_tasks_fast_weights(app_url, page):
    page.goto(f"{app_url}/fast_weights?exp=srwm&episodes=100000&eval_every=25")
    wait_until_idle(page)
    start_and_watch(page, "srwm", "fw-srwm-loss")
    wait_for(lambda: points(page, "fw-srwm-accuracy") >= 12, what="two evaluations of the query accuracy")
    assert wait_for(lambda: plot(page, "fw-srwm-tasks", "gd.data.length"), what="W_fast per task") == 4
    page.get_by_role("tab", name="Pointers").click()
    assert wait_for(lambda: plot(page, "fw-srwm-pointers", "gd.data.length"), what="pointer heatmaps") == 8
    stop(page, "srwm")
    page.get_by_role("tab", name="Ablation").click()
    wait_for(lambda: plot(page, "fw-srwm-ablation", "gd.data.length") == 2, what="bars with the writes on and off")
    page.set_viewport_size({"width": 1400, "height": 1900})
    time.sleep(0.5)
    assert save_screenshot(page, "fast_weights_srwm.png").stat().st_size > 20_000


def test_bad_experiment_in_the_url_is_explained(app_url, page):
    page.goto(f"{app_url}/fast_weights?exp=hopfield")
    wait_until_idle(page)
    alert = page.locator("[data-testid='stAlert']", has_text="exp: 'hopfield' is not one of delay, kv, srwm")
    alert.first.wait_for()
    assert "Unknown-delay recall" in alert.first.inner_text()
