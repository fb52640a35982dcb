"""The Fast weights page through AppTest: each experiment's view after a few steps, the choice in the URL, bad input."""

from __future__ import annotations

import math

from app_helpers import ROOT, button, live_run, metric, open_page, status_text, wait_for
from streamlit.testing.v1 import AppTest

from fflab.fastweights.delay import DelaySnapshot, FastWeightsDelay
from fflab.fastweights.kv import FastWeightsKV
from fflab.fastweights.srwm import SelfReferentialWeightMatrix
from fflab.figures import WAITING_TEXT

PAGE = str(ROOT / "pages" / "fast_weights.py")
CHOICE = "fast_weights.experiment"



def page(query: dict[str, str] | None = None) -> AppTest:
    return open_page(PAGE, query)


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def chart_keys(at: AppTest) -> set[str]:
    return {c.key for c in at.get("plotly_chart")}


def each_tab_draws(at: AppTest, tabs_key: str, expected: dict[str, set[str]]) -> None:
    """Open each tab in turn: it draws its charts (and only the open tab's), with no exception."""
    for tab, keys in expected.items():
        at.session_state[tabs_key] = tab
        at.run()
        assert not at.exception, tab
        drawn = chart_keys(at)
        assert keys <= drawn, (tab, drawn)
        others = set().union(*expected.values()) - keys
        assert not drawn & others, (tab, drawn)


def stop(at: AppTest) -> None:
    button(at, "Stop").click()
    wait_for(at, lambda a: "stopped" in status_text(a) or "finished" in status_text(a))


def test_delay_view_streams_curves_and_the_episode():
    at = page({"steps": "100000", "show_delay": "6"})
    assert not at.exception
    assert at.segmented_control(key=CHOICE).value == "delay"
    button(at, "Start").click().run()
    wait_for(at, lambda a: metric(a, "Bit accuracy (batch)").endswith("%") and charts(a) >= 4)
    assert live_run("fastweights-delay").spec.params["show_delay"] == 6
    assert "running" in status_text(at)
    snapshot = live_run("fastweights-delay").snapshot
    assert isinstance(snapshot, DelaySnapshot)
    assert snapshot.fast_weights.shape[0] == 8  # the animated W_fast: one frame per step of the episode
    assert any("delay K = 6" in c.value for c in at.caption)
    stop(at)
    assert metric(at, "Held-out, longer delays").endswith("%")  # final metrics shown once it ends
    assert not at.exception
    each_tab_draws(at, "fw-delay-tabs", {
        "Fast weights": {"fw-delay-fast", "fw-delay-norm"}, "Gate": {"fw-delay-gate"},
        "Keys, values, queries": {"fw-delay-vectors"}, "Recall": {"fw-delay-recall", "fw-delay-by-delay"}})


def test_kv_view_shows_cosines_before_and_after():
    at = page({"exp": "kv"})
    assert at.segmented_control(key=CHOICE).value == "kv"
    button(at, "Start").click().run()
    wait_for(at, lambda a: "finished" in status_text(a))  # the reference run takes a fraction of a second
    before, after = float(metric(at, "Cosine before")), float(metric(at, "Cosine after"))
    assert after > before + 0.2  # W_K has learned to keep the keys apart
    assert charts(at) >= 4 and not at.exception
    each_tab_draws(at, "fw-kv-tabs", {
        "Keys and W_K": {"fw-kv-cos", "fw-kv-wk"}, "Retrieval": {"fw-kv-retrieval"},
        "Capacity": {"fw-kv-capacity"}, "Fast weights": {"fw-kv-fast", "fw-kv-norm", "fw-kv-vectors"}})


def test_srwm_view_streams_query_accuracy():
    at = page({"exp": "srwm", "episodes": "100000", "eval_every": "5"})
    button(at, "Start").click().run()
    wait_for(at, lambda a: metric(a, "Query accuracy").endswith("%") and metric(a, "Writes off").endswith("%"))
    assert charts(at) >= 3 and not at.exception
    each_tab_draws(at, "fw-srwm-tabs", {
        "W_fast per task": {"fw-srwm-tasks", "fw-srwm-fast"}, "Pointers": {"fw-srwm-pointers"},
        "Write strength": {"fw-srwm-writes", "fw-srwm-predictions"}, "Ablation": {"fw-srwm-ablation"}})
    at.session_state["fw-srwm-tabs"] = "W_fast per task"
    at.run().segmented_control(key="fw-srwm-task").set_value("XOR").run()
    (animation,) = [c for c in at.get("plotly_chart") if c.key == "fw-srwm-fast"]
    assert "W_fast through the XOR episode" in animation.proto.spec
    stop(at)


def test_switching_experiments_keeps_each_ones_parameters_to_itself():
    at = page({"hidden": "16"})
    assert at.sidebar.text_input(key="fastweights-delay.param.hidden").value == "16"
    at.segmented_control(key=CHOICE).set_value("srwm").run()
    assert dict(at.query_params) == {"exp": "srwm"}  # delay's hidden=16 is not srwm's
    assert at.sidebar.slider(key="srwm.param.hidden").value == 6
    at.segmented_control(key=CHOICE).set_value("delay").run()
    assert dict(at.query_params) == {"hidden": "16"}  # delay's setup comes back, exp=delay is the default
    assert at.sidebar.text_input(key="fastweights-delay.param.hidden").value == "16"
    at.segmented_control(key=CHOICE).set_value(None).run()  # clicking the chosen option again deselects it
    assert at.segmented_control(key=CHOICE).value == "delay" and dict(at.query_params) == {"hidden": "16"}
    assert not at.exception


def test_an_unknown_experiment_in_the_url_is_explained_and_the_first_shown():
    at = page({"exp": "hopfield"})
    assert any("exp: 'hopfield' is not one of delay, kv, srwm; showing Unknown-delay recall" in e.value
               for e in at.error)
    assert at.segmented_control(key=CHOICE).value == "delay" and "exp" not in at.query_params
    assert not button(at, "Start").disabled
    at.segmented_control(key=CHOICE).set_value("kv").run()
    assert not at.error  # picking one clears the message


def test_a_bad_parameter_of_the_chosen_experiment_blocks_start():
    at = page({"exp": "kv", "pairs": "99", "wobble": "1"})
    errors = " ".join(e.value for e in at.error)
    assert "pairs: 99 is out of range" in errors
    assert any("wobble" in w.value for w in at.warning)
    assert button(at, "Start").disabled
    assert at.query_params["exp"] == "kv"


def test_a_run_that_raises_shows_failed_and_the_page_survives(monkeypatch):
    def boom(self):
        raise RuntimeError("boom in the delay step")

    monkeypatch.setattr(FastWeightsDelay, "step", boom)
    at = page()
    button(at, "Start").click()
    wait_for(at, lambda a: any("boom in the delay step" in e.value for e in a.error))
    assert not at.exception and not button(at, "Start").disabled


def test_a_diverged_run_is_reported_and_the_episode_figures_still_draw(monkeypatch):
    monkeypatch.setattr(FastWeightsDelay, "step", lambda self: {"loss": math.nan, "bit_accuracy": 0.5})
    at = page()
    button(at, "Start").click()
    wait_for(at, lambda a: any("diverged" in w.value and "loss" in w.value for w in a.warning))
    assert not at.exception and charts(at) >= 4
    assert not button(at, "Start").disabled


def test_before_any_snapshot_every_episode_figure_waits(monkeypatch):
    for cls in (FastWeightsDelay, FastWeightsKV, SelfReferentialWeightMatrix):
        monkeypatch.setattr(cls, "snapshot", lambda self: None)  # None: no snapshot to show
    cases = [
        ({"steps": "20"}, "fw-delay-tabs", {"Fast weights": {"fw-delay-fast", "fw-delay-norm"},
                                            "Gate": {"fw-delay-gate"}, "Keys, values, queries": {"fw-delay-vectors"},
                                            "Recall": {"fw-delay-recall", "fw-delay-by-delay"}}),
        ({"exp": "kv"}, "fw-kv-tabs", {"Keys and W_K": {"fw-kv-cos", "fw-kv-wk"}, "Retrieval": {"fw-kv-retrieval"},
                                       "Capacity": {"fw-kv-capacity"},
                                       "Fast weights": {"fw-kv-fast", "fw-kv-norm", "fw-kv-vectors"}}),
        ({"exp": "srwm", "episodes": "20", "eval_every": "0"}, "fw-srwm-tabs",
         {"W_fast per task": {"fw-srwm-tasks", "fw-srwm-fast"}, "Pointers": {"fw-srwm-pointers"},
          "Write strength": {"fw-srwm-writes", "fw-srwm-predictions"}}),
    ]
    for query, tabs_key, expected in cases:
        at = page(query)
        button(at, "Start").click().run()
        wait_for(at, lambda a: "finished" in status_text(a))
        for tab, keys in expected.items():
            at.session_state[tabs_key] = tab
            at.run()
            assert not at.exception, tab
            waiting = {c.key for c in at.get("plotly_chart") if WAITING_TEXT in c.proto.spec}
            assert keys <= waiting, (tab, waiting)
