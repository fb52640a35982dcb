"""The Negative strategies page driven through AppTest: a tiny live race, its ranking, bad input, NaN."""

from __future__ import annotations

import json
import math

from app_helpers import ROOT, button, live_run, metric, status_text, wait_for
from streamlit.testing.v1 import AppTest

from fflab.app.views.negatives import TABS
from fflab.ff.negatives import NEGATIVE_STRATEGIES
from fflab.ff.negatives.race import NegativeRace
from fflab.figures import WAITING_TEXT

PAGE = str(ROOT / "pages" / "negative_strategies.py")
THREE = ("wrong_label", "masked", "hybrid_mix")
TINY = {"strategies": ",".join(THREE), "hidden": "16", "steps": "100000", "eval_every": "5", "eval_samples": "100",
        "batch_size": "50"}


def race_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def ranking(at: AppTest):
    """The ranking table as a DataFrame (None before a run has drawn it)."""
    return at.table[0].value if len(at.table) else None


def filled(at: AppTest, count: int) -> bool:
    table = ranking(at)
    return table is not None and len(table) == count and all(v.endswith("%") for v in table["test accuracy"])


def test_page_loads_with_every_strategy_of_the_digits_race():
    at = race_page()
    assert not at.exception
    assert at.title[0].value == "Negative strategies"
    assert at.sidebar.selectbox(key="negatives.preset").value == "digits-race"
    assert at.sidebar.multiselect(key="negatives.param.strategies").value == list(NEGATIVE_STRATEGIES)
    explained = " ".join(m.value for m in at.expander[0].markdown)
    assert all(f"`{name}`" in explained for name in NEGATIVE_STRATEGIES)
    assert "94.50%" in " ".join(c.value for c in at.caption)  # the published numbers are cited
    assert any("No run yet" in i.value for i in at.info)


def test_a_tiny_race_ranks_its_contestants_live_and_then_on_the_full_test_set():
    at = race_page(TINY)
    button(at, "Start").click().run()
    assert not at.exception
    run = live_run("negatives")
    assert run.spec.params["strategies"] == THREE
    wait_for(at, lambda a: filled(a, 3))
    table = ranking(at)
    assert set(table["strategy"]) == set(THREE) and list(table["rank"]) == [1, 2, 3]
    accuracies = [float(v.rstrip("%")) for v in table["test accuracy"]]
    assert accuracies == sorted(accuracies, reverse=True)
    assert table["behind the leader"][0] == "leader" and "± std over seeds" not in table.columns
    leader = [m for m in at.metric if m.label == "Leader"][0]
    assert leader.delta == table["strategy"][0] and leader.value == table["test accuracy"][0]
    assert any("held-out samples" in c.value for c in at.caption)
    button(at, "Stop").click()
    wait_for(at, lambda a: "stopped" in status_text(a) and filled(a, 3))
    assert any("full test set after training" in c.value for c in at.caption)
    final = [float(v.rstrip("%")) / 100 for v in ranking(at)["test accuracy"]]
    by_name = dict(zip(ranking(at)["strategy"], final, strict=True))
    for name in THREE:
        assert math.isclose(by_name[name], run.final_metrics[f"test_accuracy.{name}"], abs_tol=0.0006)


def test_several_seeds_show_the_spread_over_seeds():
    at = race_page({**TINY, "strategies": "wrong_label,random_label", "steps": "2", "eval_every": "2", "seeds": "2"})
    button(at, "Start").click().run()
    live_run("negatives")  # the run started
    # The page, not just the run, must have reached the end: a rerun may have drawn the table mid-race.
    wait_for(at, lambda a: "finished" in status_text(a) and filled(a, 2))
    table = ranking(at)
    assert all(v.endswith(" pp") for v in table["± std over seeds"])
    assert metric(at, "Seed") == "2 of 2"
    titles = []
    for tab in TABS[1:]:  # every tab draws its chart from a finished multi-seed race
        at.session_state["race-tabs"] = tab
        at.run()
        assert not at.exception, tab
        figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        assert len(figures) == 1 and figures[0]["data"], tab
        assert WAITING_TEXT not in json.dumps(figures[0]["layout"].get("annotations", [])), tab
        titles.append(figures[0]["layout"]["title"]["text"])
    assert len(set(titles)) == len(TABS) - 1, titles


def test_an_empty_strategy_list_is_explained_and_blocks_start():
    at = race_page()
    at.sidebar.multiselect(key="negatives.param.strategies").set_value([]).run()
    assert any(e.value.startswith("strategies: choose at least one") for e in at.sidebar.error)
    assert button(at, "Start").disabled
    at.sidebar.multiselect(key="negatives.param.strategies").set_value(["masked"]).run()
    assert not at.sidebar.error and not button(at, "Start").disabled
    assert at.query_params["strategies"] == "masked"


def test_an_unknown_strategy_in_the_url_names_the_choices():
    at = race_page({"strategies": "wrong_label,bogus"})
    errors = " ".join(e.value for e in at.error)
    assert "strategies: 'bogus' is not a comma-separated selection of wrong_label" in errors
    assert button(at, "Start").disabled


def test_a_diverged_contestant_reads_nan_and_the_page_survives(monkeypatch):
    def diverge(self):
        return {"seed": 0.0, "seed_step": 1.0, "samples": 50.0, "separation.wrong_label": math.nan,
                "loss.wrong_label": math.nan, "separation.masked": 0.5, "loss.masked": 1.0}

    monkeypatch.setattr(NegativeRace, "step", diverge)
    at = race_page({**TINY, "strategies": "wrong_label,masked"})
    button(at, "Start").click()
    wait_for(at, lambda a: bool(a.warning))
    assert not at.exception
    assert "diverged" in at.warning[0].value and "separation.wrong_label" in at.warning[0].value
    table = ranking(at)
    row = table[table["strategy"] == "wrong_label"].iloc[0]
    assert row["separation"] == "NaN" and row["loss"] == "NaN"
    assert not button(at, "Start").disabled


def test_the_frame_opens_the_page_from_its_navigation_entry():
    from app_helpers import APP

    from fflab.app.nav import ENTRIES

    entry = next(e for e in ENTRIES if e.slug == "negative_strategies")
    assert entry.live
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(entry.path).run()
    assert not at.exception and at.title[0].value == "Negative strategies"
