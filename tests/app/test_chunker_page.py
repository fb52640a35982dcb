"""The Chunker page through AppTest: both experiments' views, the choice in the URL, bad input, failures."""

from __future__ import annotations

import math

from app_helpers import ROOT, button, live_run, metric, open_page, status_text, wait_for
from streamlit.testing.v1 import AppTest

from fflab.app.engine import all_engines
from fflab.chunker.chunker22 import Chunker22, Chunker22Snapshot
from fflab.chunker.deep import ChunkerDeep, ChunkerDeepSnapshot
from fflab.figures import WAITING_TEXT
from fflab.runner import Run

PAGE = str(ROOT / "pages" / "chunker.py")
CHOICE = "chunker.experiment"
TINY_22 = {"blocks": "30", "eval_blocks": "5", "hidden_single": "8", "show_blocks": "2"}
TINY_DEEP = {"exp": "deep", "T": "50", "steps": "20", "eval_sequences": "10"}



def page(query: dict[str, str] | None = None) -> AppTest:
    return open_page(PAGE, query)


def chart_keys(at: AppTest) -> set[str]:
    return {c.key for c in at.get("plotly_chart")}


def ended_run(role: str) -> Run:
    """The one run in `role` (the test's own), live or ended."""
    runs = [e.get(role) for e in all_engines() if e.get(role) is not None]
    assert len(runs) == 1, f"expected one {role} run, found {len(runs)}"
    return runs[0]


def each_tab_draws(at: AppTest, tabs_key: str, expected: dict[str, set[str]]) -> None:
    for tab, keys in expected.items():
        at.session_state[tabs_key] = tab
        at.run()
        assert not at.exception, tab
        drawn = chart_keys(at)
        assert keys <= drawn and not drawn & (set().union(*expected.values()) - keys), (tab, drawn)


def test_page_opens_on_the_blocks_experiment_and_cites_the_papers():
    at = page()
    assert not at.exception
    assert at.title[0].value == "Chunker"
    assert at.segmented_control(key=CHOICE).value == "blocks"
    assert at.sidebar.selectbox(key="chunker-22.preset").value == "reference"
    assert at.sidebar.slider(key="chunker-22.param.threshold").value == 0.95
    captions = " ".join(c.value for c in at.caption)
    assert "Neural sequence chunkers" in captions and "history compression" in captions
    assert any("No run yet" in i.value for i in at.info)


def test_a_tiny_blocks_run_shows_the_surprise_stream_then_final_metrics():
    at = page(TINY_22)
    button(at, "Start").click().run()
    wait_for(at, lambda a: "finished" in status_text(a))
    assert not at.exception
    run = ended_run("chunker-22")
    assert run.spec.params["blocks"] == 30 and isinstance(run.snapshot, Chunker22Snapshot)
    assert metric(at, "Label accuracy, chunker") == f"{run.final_metrics['label_accuracy'] * 100:.1f}%"
    assert {"chunker22-stream", "chunker22-accuracy", "chunker22-compressed"} <= chart_keys(at)
    assert any("C named its first symbol right" in c.value for c in at.caption)
    each_tab_draws(at, "chunker22-tabs", {"Surprise raster": {"chunker22-raster"},
                                          "Losses": {"chunker22-losses"}})


def test_the_deep_experiment_from_the_url_runs_and_shows_the_gradient_probe():
    at = page(TINY_DEEP)
    assert at.segmented_control(key=CHOICE).value == "deep"
    assert at.sidebar.selectbox(key="chunker-deep.preset").value == "quick"
    button(at, "Start").click().run()
    run = live_run("chunker-deep")
    assert run.spec.params["T"] == 50
    wait_for(at, lambda a: "finished" in status_text(a))
    assert isinstance(run.snapshot, ChunkerDeepSnapshot)
    assert metric(at, "Trigger recall, chunker") == f"{run.final_metrics['trigger_accuracy'] * 100:.1f}%"
    assert metric(at, "Trigger recall, baseline").endswith("%")
    assert {"chunker-deep-stream", "chunker-deep-accuracy", "chunker-deep-losses"} <= chart_keys(at)
    assert any("C's whole input: A at t = 0" in c.value or "C's whole input: B at t = 0" in c.value
               for c in at.caption)
    each_tab_draws(at, "chunker-deep-tabs", {"Gradient by depth": {"chunker-deep-gradient"},
                                             "Effective depth": {"chunker-deep-depth"}})
    assert any("the baseline" in c.value and "updates in" in c.value for c in at.caption)


def test_switching_keeps_each_experiments_parameters_to_itself():
    at = page({"blocks": "77"})
    at.segmented_control(key=CHOICE).set_value("deep").run()
    assert dict(at.query_params) == {"exp": "deep"}
    assert at.sidebar.text_input(key="chunker-deep.param.T").value == "300"  # the quick preset
    at.segmented_control(key=CHOICE).set_value("blocks").run()
    assert dict(at.query_params) == {"blocks": "77"}
    assert not at.exception


def test_a_bad_parameter_blocks_start_and_an_unknown_experiment_is_explained():
    at = page({"exp": "deep", "T": "5"})
    assert any("T: 5 is out of range" in e.value for e in at.error)
    assert button(at, "Start").disabled
    at = page({"exp": "hierarchy"})
    assert any("exp: 'hierarchy' is not one of blocks, deep" in e.value for e in at.error)
    assert at.segmented_control(key=CHOICE).value == "blocks"


def test_threshold_changes_reach_a_running_run():
    at = page({"blocks": "100000"})
    button(at, "Start").click().run()
    run = live_run("chunker-22")
    at.sidebar.slider(key="chunker-22.param.threshold").set_value(0.5).run()
    wait_for(at, lambda a: run.experiment is not None and run.experiment.p["threshold"] == 0.5)
    button(at, "Stop").click()
    wait_for(at, lambda a: "stopped" in status_text(a))


def test_a_run_that_raises_or_diverges_is_reported_and_the_page_survives(monkeypatch):
    def boom(self):
        raise RuntimeError("boom in the chunker step")

    monkeypatch.setattr(ChunkerDeep, "step", boom)
    at = page({"exp": "deep"})
    button(at, "Start").click()
    wait_for(at, lambda a: any("boom in the chunker step" in e.value for e in a.error))
    assert not at.exception and not button(at, "Start").disabled
    monkeypatch.setattr(Chunker22, "step", lambda self: {"label_accuracy": math.nan, "loss_a": math.nan})
    at = page()
    button(at, "Start").click()
    wait_for(at, lambda a: bool(a.warning))
    assert "diverged" in at.warning[0].value and "label_accuracy" in at.warning[0].value
    assert "lr_a was 0.01, lr_c was 0.01, lr_single was 0.01" in at.warning[0].value  # which rates to lower
    assert not at.exception and not button(at, "Start").disabled


def test_before_any_snapshot_the_stream_and_tab_figures_wait(monkeypatch):
    for cls in (Chunker22, ChunkerDeep):
        monkeypatch.setattr(cls, "snapshot", lambda self: None)  # None: no snapshot to show
    cases = [(TINY_22, "chunker22-stream", "chunker22-tabs", {"Surprise raster": "chunker22-raster"},
              "A fixed test stream, traced with the latest weights."),
             (TINY_DEEP, "chunker-deep-stream", "chunker-deep-tabs",
              {"Gradient by depth": "chunker-deep-gradient", "Effective depth": "chunker-deep-depth"},
              "A fixed test sequence, traced with the latest weights.")]
    for query, stream_key, tabs_key, tab_keys, caption in cases:
        at = page(query)
        button(at, "Start").click().run()
        wait_for(at, lambda a: "finished" in status_text(a))
        assert any(c.value == caption for c in at.caption)
        for tab, key in tab_keys.items():
            at.session_state[tabs_key] = tab
            at.run()
            assert not at.exception, tab
            waiting = {c.key for c in at.get("plotly_chart") if WAITING_TEXT in c.proto.spec}
            assert {stream_key, key} <= waiting, (tab, waiting)
