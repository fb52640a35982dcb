"""FF on text and Continual learning in a real browser: the sample streams in, the accuracy matrices fill."""

from __future__ import annotations

import time

import pytest
from e2e_helpers import plot, save_screenshot, start_and_watch, status, stop, wait_for, wait_until_idle

pytestmark = pytest.mark.e2e


def _sample(page) -> str:
    box = page.locator(".st-key-ff-text-sample code")
    return box.inner_text() if box.count() else ""


def _continued(page) -> str:
    box = page.locator(".st-key-ff-text-prompt-sample code")
    return box.inner_text() if box.count() else ""


def test_the_generated_text_streams_in_while_ff_trains(app_url, page):
    page.goto(f"{app_url}/ff_text?context=8&hidden=64,64&steps=100000&eval_every=20&eval_chars=100&sample_chars=60")
    wait_until_idle(page)
    start_and_watch(page, "ff-text", "chart-text-goodness")
    first = wait_for(lambda: _sample(page), what="a generated sample")
    assert len(first) == 8 + 60
    wait_for(lambda: _sample(page) not in ("", first), timeout=60, what="a fresh sample (streaming, not one-off)")
    wait_for(lambda: (plot(page, "chart-text-nats", "gd.data.length") or 0) >= 3, what="validation nats lines")
    box = page.locator(".st-key-ff-text-prompt-box textarea")
    box.fill("ROMEO:")
    box.press("Control+Enter")
    read = wait_for(lambda: _continued(page), what="the typed prompt, continued by the net")
    assert read.startswith("ROMEO:") and len(read) == 6 + 60
    title = wait_for(lambda: plot(page, "chart-text-prompt-candidates", "gd.layout.title.text"),
                     what="the candidates after the typed prompt")
    assert "ROMEO:" in title
    stop(page, "ff-text")
    box.fill("KING")
    box.press("Control+Enter")
    wait_for(lambda: _continued(page).startswith("KING"), what="a prompt read by the stopped run's net")
    page.set_viewport_size({"width": 1400, "height": 1700})
    time.sleep(0.5)
    assert save_screenshot(page, "ff_text.png").stat().st_size > 20_000


def _rows_filled(page) -> int:
    """Rows of the first learner's accuracy matrix that hold numbers."""
    return plot(page, "chart-continual-matrix",
                "gd.data[0].z.filter(row => row.some(v => v !== null)).length") or 0


def test_the_accuracy_matrices_fill_in_task_by_task(app_url, page):
    page.goto(f"{app_url}/continual?steps_per_task=60&hidden=32&eval_every=10&eval_samples=100&methods=bp,bp_replay,ff")
    wait_until_idle(page)
    start_and_watch(page, "continual", "chart-continual-seen", may_finish=True)
    wait_for(lambda: _rows_filled(page) >= 1, what="the first row of the accuracy matrix")
    wait_for(lambda: _rows_filled(page) >= 2, timeout=150, what="a second row (filling in, task by task)")
    # read again until drawn: the run may end here, and the page's rerun replaces the chart for a moment
    wait_for(lambda: plot(page, "chart-continual-matrix", "gd.data.length") == 3, what="three learners' matrices")
    # 5 tasks of 60 steps: a fast machine finishes before a Stop could land, so let it finish and see every row.
    wait_for(lambda: "finished" in status(page, "continual"), timeout=240, what="status finished")
    wait_until_idle(page)
    wait_for(lambda: _rows_filled(page) == 5, what="all five rows of the accuracy matrix")
    page.set_viewport_size({"width": 1400, "height": 1500})
    time.sleep(0.5)
    assert save_screenshot(page, "continual.png").stat().st_size > 20_000


def test_the_layer_kinds_fill_one_table_and_draw_memory_against_the_window(app_url, page):
    page.goto(f"{app_url}/ff_text?exp=layers&hidden=32,32&state_size=8&steps=400&eval_every=40&eval_chars=200"
              "&final_chars=400&lengths=8,16,32,64")
    wait_until_idle(page)
    start_and_watch(page, "text-layers", "chart-layers-memory", may_finish=True)
    wait_for(lambda: plot(page, "chart-layers-memory", "gd.data.length === 4 && gd.data[0].x.length") == 4,
             what="four nets' memory at four window lengths")
    wait_for(lambda: (plot(page, "chart-layers-nats", "gd.data.length") or 0) == 4, what="four nats curves")
    wait_for(lambda: "finished" in status(page, "text-layers"), timeout=240, what="status finished")
    wait_until_idle(page)
    table = page.locator(".st-key-table-text-layers").inner_text()
    assert all(net in table for net in ("FF-MLP", "FF-SSM", "SSM by BPTT", "MLP by backprop")), table
    page.set_viewport_size({"width": 1400, "height": 1400})
    time.sleep(0.5)
    assert save_screenshot(page, "text_layers.png").stat().st_size > 20_000
