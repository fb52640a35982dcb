"""A page's `?run=` key: another session reattaches to the live runs, and after the end reopens them as saved."""

from __future__ import annotations

from app_helpers import FAST, button, live_run, metric, page, status_text, wait_for

from fflab.runner import Status
from fflab.store import RunStore


def test_a_second_tab_reattaches_to_the_live_runs_and_a_reload_after_the_end_reopens_them():
    first = page({**FAST, "seed": "4"})
    first.toggle(key="ff.baseline").set_value(True).run()
    button(first, "Start").click().run()
    runs = {"ff": live_run("ff"), "bp": live_run("bp")}
    key = first.query_params["run"]
    assert key == runs["ff"].id == runs["ff"].group_key == runs["bp"].group_key

    second = page({"run": key})  # a new session: nothing but the key in its URL
    assert not second.exception
    assert "running" in status_text(second) or "queued" in status_text(second)
    assert second.sidebar.text_input(key="ff.param.hidden").value == "32,32"  # the run's settings, not the preset's
    assert second.text_input(key="ff.seed").value == "4" and second.toggle(key="ff.baseline").value
    wait_for(second, lambda a: all(len(run.log) > 0 for run in runs.values()))  # both train, side by side
    button(second, "Stop").click()  # commands from the second tab reach the same runs
    wait_for(second, lambda a: all(run.status is Status.STOPPED and run.wait(0) for run in runs.values()))
    assert sorted((r.role, r.experiment) for r in RunStore().group(key)) == [("bp", "bp"), ("ff", "ff")]

    for run in runs.values():
        run._thread.join(10)  # saved: an ended run reopens from the store, even while the process holds it

    third = page({"run": key})
    assert not third.exception
    text = status_text(third)
    said = [m.value for m in [*third.error, *third.warning, *third.info]]
    assert "stopped" in text and "saved run" in text, (text, said, RunStore().group(key))
    assert metric(third, "Test accuracy").endswith("%")
    assert {c.key for c in third.get("plotly_chart")} >= {"chart-accuracy"}
    assert not button(third, "Start").disabled  # start again with these settings
    assert third.sidebar.text_input(key="ff.param.hidden").value == "32,32"


def test_an_unknown_or_malformed_run_key_is_said_and_the_page_works():
    at = page({"run": "0123abcd"})
    assert not at.exception
    assert any("not training and is not among the saved runs" in e.value for e in at.error)
    assert "run" not in at.query_params and not button(at, "Start").disabled
    at = page({"run": "<script>"})
    assert any("Ignored run=" in w.value for w in at.warning)
