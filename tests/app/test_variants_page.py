"""The Variants & transfer page through AppTest: each experiment starts, shows its figures and ends cleanly."""

from __future__ import annotations

import json

from app_helpers import ROOT, button, live_run, wait_for
from streamlit.testing.v1 import AppTest

from fflab.data import datasets
from fflab.runner import Status

PAGE = str(ROOT / "pages" / "variants.py")
TINY_TRANSFER = {"exp": "transfer", "task": "digits-low-to-high", "models": "bp,random", "hidden": "16",
                 "epochs": "2", "probe_steps": "20", "probe_samples": "200"}


def variants_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def start(query: dict[str, str], explanation: str | None = None):
    """Open the page with this query, check it explains itself, press Start: the page and its live run."""
    at = variants_page(query)
    assert not at.exception
    if explanation:
        assert any(explanation in m.value for m in at.markdown)
    button(at, "Start").click().run()
    return at, live_run(query["exp"])


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_opens_on_cwc_with_its_explanation():
    at = variants_page()
    assert not at.exception
    assert at.title[0].value == "Variants & transfer"
    assert any("Channel-wise competition" in m.value for m in at.markdown)
    assert at.sidebar.selectbox(key="cwc.preset").value == "digits-quick"


def test_transfer_fills_a_bar_per_model_and_ends_with_both_metrics():
    at, run = start(TINY_TRANSFER)
    assert run.spec.params["models"] == ("bp", "random")
    run.wait(90)
    assert run.status is Status.FINISHED, run.error
    wait_for(at, lambda a: all(v.endswith("%") for k, v in metric_values(a).items() if "→ target" in k))
    values = metric_values(at)
    assert {"bp → target", "random → target"} <= set(values)
    for model in ("bp", "random"):
        assert 0.0 <= run.final_metrics[f"transfer_accuracy.{model}"] <= 1.0
        assert f"source_accuracy.{model}" in run.final_metrics
    assert not at.exception


def test_an_unavailable_dataset_is_explained_and_the_page_survives(tmp_path, monkeypatch):
    monkeypatch.setenv("FFLAB_DATA", str(tmp_path))  # no MNIST here, and no downloads (FFLAB_OFFLINE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    datasets.clear_cache()
    at = variants_page({**TINY_TRANSFER, "task": "mnist-to-fashion"})
    button(at, "Start").click().run()
    wait_for(at, lambda a: any("runs offline" in e.value for e in a.error))
    assert not at.exception


def test_efficiency_runs_tiny_and_shows_time_and_memory_figures():
    at, run = start({"exp": "efficiency", "width": "16", "depths": "1,2", "epochs": "1", "eval_every": "5",
                     "parallel_steps": "10"}, "Why FF's memory should not grow with depth")
    assert run.spec.params["depths"] == (1, 2)
    run.wait(60)
    assert run.status is Status.FINISHED, run.error
    wait_for(at, lambda a: metric_values(a).get("FF ÷ backprop, per epoch", "–").endswith("×"))
    charts = {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    accuracy, memory = charts["chart-efficiency-accuracy"], charts["chart-efficiency-memory"]
    assert {t["name"] for t in accuracy["data"]} >= {"FF", "backprop"}
    assert [t["x"] for t in memory["data"][:2]] == [[1, 2], [1, 2]]
    assert charts["chart-efficiency-ratio"]["data"][0]["x"][0] == "per epoch"
    assert metric_values(at)["Activations bp ÷ FF, 2 layers"].endswith("×")
    assert "time_ratio" in run.final_metrics and "memory_ratio.depth2" in run.final_metrics
    assert not at.exception


def test_the_gamma_sweep_races_one_net_per_gamma():
    at, run = start({"exp": "collab", "gammas": "0,0.7", "hidden": "16,16", "steps": "100000", "eval_every": "5",
                     "eval_samples": "100"})
    assert run.spec.params["gammas"] == ("0", "0.7")
    wait_for(at, lambda a: len(a.table) and len(a.table[0].value) == 2
             and all(v.endswith("%") for v in a.table[0].value["test accuracy"]))
    assert not at.exception


def test_distance_forward_runs_tiny_and_fills_the_accuracy_tile():
    at, run = start({"exp": "dff", "hidden": "16,16", "steps": "100000", "eval_every": "5", "eval_samples": "100"},
                    "Distance-Forward")
    assert run.spec.params["hidden"] == (16, 16)
    wait_for(at, lambda a: metric_values(a).get("Test accuracy", "–").endswith("%"))
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"chart-dff-accuracy", "chart-dff-margin", "chart-dff-centre-distance"} <= charts
    assert not at.exception


def test_scff_runs_tiny_and_fills_the_probe_accuracy_tile():
    at, run = start({"exp": "scff", "hidden": "16,16", "epochs": "0", "steps": "100000", "eval_every": "5",
                     "eval_samples": "100"}, "Self-contrastive FF")
    assert run.spec.params["hidden"] == (16, 16)
    wait_for(at, lambda a: metric_values(a).get("Test accuracy", "–").endswith("%"))
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"chart-scff-accuracy", "chart-scff-goodness", "chart-scff-pairs"} <= charts
    assert not at.exception
