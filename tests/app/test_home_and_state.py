"""The frame and the Home page, and the pure parts of the URL state and the parameter panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import APP
from streamlit.testing.v1 import AppTest

from fflab.app.param_panel import help_text, uses_slider
from fflab.app.url_state import initial_state, query_for
from fflab.catalog import get_experiment
from fflab.cli import main

FF = get_experiment("ff")


def test_home_lists_pages_datasets_and_saved_runs():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "fflab"
    markdown = " ".join(m.value for m in at.markdown)
    assert "**digits**" in markdown and "**mnist**" in markdown and "**fashion_mnist**" in markdown
    assert any("No saved runs yet" in c.value for c in at.caption)


def test_the_frame_opens_the_forward_forward_page_and_a_coming_one():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/forward_forward.py").run()
    assert not at.exception
    assert at.title[0].value == "Forward-Forward"
    assert [b.label for b in at.button][:2] == ["Start", "Pause"]


def test_first_visit_reads_and_checks_the_query():
    lab = initial_state(FF, {"preset": "quick", "lr": "0.5", "threshold": "-1", "seed": "3"}, "bp")
    assert lab.preset == "quick" and lab.values["dataset"] == "mnist"
    assert lab.values["lr"] == 0.5 and lab.seed == 3
    assert lab.values["threshold"] == FF.resolve_params("quick")["threshold"]
    assert lab.url_errors["threshold"].startswith("threshold: -1 is out of range")
    assert lab.blockers()


def test_unknown_preset_falls_back_with_an_error():
    lab = initial_state(FF, {"preset": "nope"}, "bp")
    assert lab.preset == FF.default_preset
    assert lab.url_errors["preset"].startswith("preset: 'nope' is not one of")


def test_query_holds_only_what_differs_from_the_preset_and_round_trips():
    lab = initial_state(FF, {}, "bp")
    assert query_for(FF, lab) == {}
    lab.values["steps"] = 1000  # the spec's default, but not the preset's
    lab.values["hidden"] = (64, 32)
    lab.seed, lab.baseline, lab.bp_lr = 9, True, 0.002
    query = query_for(FF, lab)
    assert query == {"steps": "1000", "hidden": "64,32", "seed": "9", "baseline": "true", "bp_lr": "0.002"}
    again = initial_state(FF, query, "bp")
    assert again.values == lab.values and again.seed == 9 and again.baseline and again.bp_lr == 0.002
    assert not again.url_errors


@pytest.mark.parametrize("raw", ["-1", "2147483648", "1.5", "x"])
def test_a_bad_seed_gives_the_same_message_in_the_url_and_on_the_cli(
    raw: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FFLAB_HOME", str(tmp_path))
    lab = initial_state(FF, {"seed": raw}, "bp")
    url_message = lab.url_errors["seed"]
    assert url_message.startswith("seed: ") and "from 0 to 2147483647 (whole)" in url_message
    assert lab.seed == 0 and lab.blockers()  # the widget falls back to the default; Start waits
    assert main(["run", "ff", "--seed", raw, "--quiet"]) == 2
    assert f"error: {url_message}\n" in capsys.readouterr().err


def test_baseline_in_the_url_is_parsed_by_its_declaration():
    assert initial_state(FF, {"baseline": "yes"}, "bp").baseline
    assert not initial_state(FF, {"baseline": "off"}, "bp").baseline
    assert initial_state(FF, {"baseline": "maybe"}, "bp").url_errors["baseline"] == (
        "baseline: 'maybe' is not true or false"
    )


def test_sliders_for_small_ranges_number_boxes_for_large_or_log_ones():
    spec = FF.params
    assert uses_slider(spec["momentum"]) and uses_slider(spec["label_strength"])
    assert not uses_slider(spec["lr"])  # logarithmic
    assert not uses_slider(spec["steps"]) and not uses_slider(spec["threshold"])  # huge ranges
    assert "wrong_label" in help_text(spec["negatives"])
    assert help_text(spec["lr"]).startswith(spec["lr"].describe())


def test_home_lists_a_saved_run_and_offers_its_history_as_csv():
    from fflab.store import RunStore

    run_id = RunStore().save(experiment="ff", preset="digits-quick", params={"lr": 0.01}, seed=0, device="cpu",
                             status="finished", metrics={"test_accuracy": 0.9},
                             history=[{"step": 1.0, "loss.layer1": 0.7}, {"step": 2.0, "loss.layer1": 0.6}])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key="export-run").value == run_id
    csv = RunStore().history_csv(run_id)
    assert csv.splitlines()[0] == "step,loss.layer1" and len(csv.splitlines()) == 3
