"""The Forward-Forward page driven through AppTest: controls, runs, live changes, failures."""

from __future__ import annotations

import math

from app_helpers import FAST, button, live_run, metric, page, status_text, wait_for

from fflab.ff.forward_forward.experiment import ForwardForward
from fflab.runner import Status

BUTTONS = ["Start", "Pause", "Resume", "Step", "Stop", "Reset"]


def test_controls_and_parameter_widgets_exist():
    at = page()
    assert not at.exception
    assert [b.label for b in at.button] == BUTTONS
    assert not button(at, "Start").disabled
    assert all(button(at, label).disabled for label in ("Pause", "Resume", "Stop", "Reset"))
    assert at.select_slider(key="ff.speed").value == "full"
    assert at.text_input(key="ff.seed").value == "0"
    assert at.selectbox(key="ff.device").value == "auto"
    assert at.toggle(key="ff.baseline").label == "backprop baseline"
    assert at.sidebar.selectbox(key="ff.preset").value == "digits-quick"
    labels = {w.label for kind in ("slider", "selectbox", "text_input", "toggle")
              for w in getattr(at.sidebar, kind)}
    assert {"lr", "threshold", "hidden", "negatives", "skip_first", "momentum"} <= labels
    assert at.sidebar.text_input(key="ff.param.hidden").value == "500,500"
    assert at.sidebar.text_input(key="ff.param.steps").value == "600"  # the preset, not the spec default


def test_start_shows_live_accuracy_then_stop_shows_final():
    at = page(FAST)
    button(at, "Start").click().run()
    assert not at.exception
    assert button(at, "Start").disabled and not button(at, "Pause").disabled
    wait_for(at, lambda a: metric(a, "Test accuracy").endswith("%"))
    assert "running" in status_text(at)
    assert live_run().spec.params["hidden"] == (32, 32)
    button(at, "Stop").click()
    wait_for(at, lambda a: "stopped" in status_text(a))
    assert metric(at, "Test accuracy").endswith("%")
    assert any("Final metrics" in c.value for c in at.caption)
    assert not button(at, "Start").disabled


def test_pause_and_resume_change_the_status():
    at = page(FAST)
    button(at, "Start").click().run()
    run = live_run()
    wait_for(at, lambda a: run.status is Status.RUNNING)
    button(at, "Pause").click()
    wait_for(at, lambda a: run.status is Status.PAUSED)
    at.run()  # buttons are drawn before the live view: one more run shows them for the new status
    assert "paused" in status_text(at)
    assert not button(at, "Resume").disabled and button(at, "Pause").disabled
    steps = run.experiment.steps_done
    button(at, "Step").click()
    wait_for(at, lambda a: run.experiment.steps_done == steps + 1)
    button(at, "Resume").click()
    wait_for(at, lambda a: run.status is Status.RUNNING)
    at.run()
    assert "running" in status_text(at) and not button(at, "Pause").disabled


def test_out_of_range_query_param_names_lr_and_blocks_start():
    at = page({"lr": "5"})
    errors = [e.value for e in at.error]
    assert any(e.startswith("lr: 5 is out of range; allowed: a number from 1e-06 to 1") for e in errors), errors
    assert button(at, "Start").disabled
    assert at.sidebar.text_input(key="ff.param.lr").value == "0.01"  # falls back to the preset's value
    at.sidebar.text_input(key="ff.param.lr").input("0.02").run()
    assert not at.error
    assert not button(at, "Start").disabled
    assert at.query_params["lr"] == "0.02"


def test_bad_query_values_are_reported_and_unknown_names_warned():
    at = page({"hidden": "500,abc", "seed": "-3", "wobble": "1", "threshold": "3"})
    errors = " ".join(e.value for e in at.error)
    assert "hidden:" in errors and "seed:" in errors
    assert any("wobble" in w.value for w in at.warning)
    assert at.sidebar.text_input(key="ff.param.threshold").value == "3.0"
    assert button(at, "Start").disabled
    at.button(key="ff.accept-url").click().run()
    assert not at.error and not button(at, "Start").disabled


def test_bad_list_text_shows_an_inline_error_and_blocks_start():
    at = page()
    at.sidebar.text_input(key="ff.param.hidden").input("64,x").run()
    assert any(e.value.startswith("hidden:") for e in at.sidebar.error)
    assert button(at, "Start").disabled
    at.sidebar.text_input(key="ff.param.hidden").input("64, 32").run()
    assert not at.sidebar.error and not button(at, "Start").disabled
    assert at.query_params["hidden"] == "64,32"


def test_url_follows_the_widgets():
    at = page()
    assert dict(at.query_params) == {}
    at.sidebar.text_input(key="ff.param.lr").input("0.002").run()
    at.text_input(key="ff.seed").input("7").run()
    assert at.query_params["lr"] == "0.002" and at.query_params["seed"] == "7"
    at.sidebar.selectbox(key="ff.preset").set_value("quick").run()
    assert at.query_params["preset"] == "quick" and "lr" not in at.query_params
    assert at.sidebar.selectbox(key="ff.param.dataset").value == "mnist"


def test_changing_lr_while_running_reaches_the_run():
    at = page(FAST)
    button(at, "Start").click().run()
    run = live_run()
    assert at.sidebar.text_input(key="ff.param.lr").disabled is False
    assert at.sidebar.text_input(key="ff.param.hidden").disabled is True  # not live
    at.sidebar.text_input(key="ff.param.lr").input("0.003").run()
    assert run.spec.params["lr"] == 0.003
    wait_for(at, lambda a: run.experiment is not None and run.experiment.p["lr"] == 0.003)


def test_backprop_baseline_runs_beside_with_shared_params_and_seed():
    at = page({**FAST, "seed": "5"})
    at.toggle(key="ff.baseline").set_value(True).run()
    at.text_input(key="ff.bp_lr").input("0.001").run()
    button(at, "Start").click().run()
    ff, bp = live_run("ff"), live_run("bp")
    assert bp.spec.seed == ff.spec.seed == 5
    assert bp.spec.params["hidden"] == (32, 32) and bp.spec.params["lr"] == 0.001
    assert "threshold" not in bp.spec.params
    button(at, "Pause").click()
    wait_for(at, lambda a: ff.status is Status.PAUSED and bp.status is Status.PAUSED)
    button(at, "Stop").click()
    wait_for(at, lambda a: ff.status.terminal and bp.status.terminal)
    assert [m.label for m in at.metric][-1] == "Backprop accuracy"


def test_a_run_that_raises_shows_failed_and_the_page_survives(monkeypatch):
    def boom(self):
        raise RuntimeError("boom in step")

    monkeypatch.setattr(ForwardForward, "step", boom)
    at = page(FAST)
    button(at, "Start").click()
    wait_for(at, lambda a: any("boom in step" in e.value for e in a.error))
    assert not at.exception
    assert any(x.label == "Traceback" for x in at.expander)
    assert not button(at, "Start").disabled  # change params and start again


def test_a_diverged_run_names_the_metric_and_suggests_a_lower_lr(monkeypatch):
    monkeypatch.setattr(ForwardForward, "step", lambda self: {"loss.layer1": math.nan, "samples": 1.0})
    at = page(FAST)
    button(at, "Start").click()
    wait_for(at, lambda a: bool(a.warning))
    text = at.warning[0].value
    assert "diverged" in text and "loss.layer1" in text and "lr" in text
    assert not button(at, "Start").disabled


def test_reset_forgets_the_runs():
    at = page(FAST)
    button(at, "Start").click().run()
    button(at, "Reset").click().run()
    assert not at.metric
    assert any("No run yet" in i.value for i in at.info)
    assert button(at, "Reset").disabled and not button(at, "Start").disabled


def test_a_blow_up_is_named_on_the_page_and_the_loss_chart_offers_a_log_scale():
    at = page({**FAST, "lr": "1", "steps": "30", "dataset": "digits"})
    button(at, "Start").click().run()
    wait_for(at, lambda a: any("blowing up" in w.value and "lr was 1" in w.value for w in a.warning))
    wait_for(at, lambda a: "finished" in status_text(a))
    at.toggle(key="chart-loss-log").set_value(True).run()
    assert not at.exception
    loss = next(c for c in at.get("plotly_chart") if c.key == "chart-loss")
    assert '"type":"log"' in loss.proto.spec.replace(" ", "")


def test_settings_over_the_memory_budget_are_refused_at_start_with_the_reason():
    at = page({"dataset": "mnist", "hidden": "4000,4000,4000,4000,4000,4000", "batch_size": "0",
               "eval_samples": "60000", "steps": "5"})
    button(at, "Start").click().run()
    assert not at.exception
    assert any("memory: this run would need about" in e.value for e in at.error)
    assert not button(at, "Start").disabled and "running" not in status_text(at)
