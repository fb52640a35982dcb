"""The Continual-learning page through AppTest: the stream runs offline and the matrices and table appear."""

from __future__ import annotations

import json

from app_helpers import ROOT, button, open_page, status_text, wait_for
from streamlit.testing.v1 import AppTest

PAGE = str(ROOT / "pages" / "continual.py")
TINY = {"steps_per_task": "8", "hidden": "16", "eval_every": "4", "methods": "bp,ff_replay"}


def page(query: dict[str, str] | None = None) -> AppTest:
    return open_page(PAGE, query)


def test_a_stream_ends_with_its_matrices_and_gem_table():
    at = page(TINY)
    assert not at.exception
    assert at.title[0].value == "Continual learning"
    assert at.sidebar.selectbox(key="continual.preset").value == "split-digits"
    button(at, "Start").click().run()
    at = wait_for(at, lambda a: "finished" in status_text(a), timeout=120)
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"chart-continual-seen", "chart-continual-matrix"} <= keys
    table = at.dataframe[0].value
    assert list(table["learner"]) == ["backprop", "FF + replay"]
    assert all(cell.endswith("%") for cell in table["average accuracy"])


def test_no_method_chosen_is_refused_with_a_message():
    at = page({**TINY, "methods": ""})
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "methods" in errors and button(at, "Start").disabled, errors


def test_permuted_tasks_are_named_by_their_shuffle_on_the_matrix():
    at = page({**TINY, "preset": "permuted-digits", "tasks": "2", "methods": "bp"})
    assert not at.exception and at.sidebar.selectbox(key="continual.preset").value == "permuted-digits"
    button(at, "Start").click().run()
    at = wait_for(at, lambda a: "finished" in status_text(a), timeout=120)
    matrix = next(c for c in at.get("plotly_chart") if c.key == "chart-continual-matrix")
    heatmap = json.loads(matrix.proto.spec)["data"][0]
    assert heatmap["x"] == ["plain", "shuffle 1"] and len(heatmap["z"]) == 2
    assert list(at.dataframe[0].value["learner"]) == ["backprop"]


def test_shakespeare_part_by_part_fills_its_matrices_named_by_part():
    at = page({"exp": "text", "steps_per_task": "10", "hidden": "16", "tasks": "3", "eval_every": "5",
               "eval_chars": "100", "methods": "ff,bp_replay"})
    assert not at.exception and at.sidebar.selectbox(key="continual-text.preset").value == "excerpt-quick"
    button(at, "Start").click().run()
    at = wait_for(at, lambda a: "finished" in status_text(a), timeout=120)
    matrix = next(c for c in at.get("plotly_chart") if c.key == "chart-continual-matrix")
    heatmap = json.loads(matrix.proto.spec)["data"][0]
    assert heatmap["x"] == ["part 1", "part 2", "part 3"] and len(heatmap["z"]) == 3
    assert list(at.dataframe[0].value["learner"]) == ["FF", "backprop + replay"]
    assert any("next-character accuracy" in c.value for c in at.caption)
