"""The FF-on-text page through AppTest: it opens offline on the excerpt, trains, and shows its scores and sample."""

from __future__ import annotations

from app_helpers import ROOT, button, open_page, status_text, wait_for
from streamlit.testing.v1 import AppTest

PAGE = str(ROOT / "pages" / "ff_text.py")
TINY = {"context": "4", "hidden": "32,32", "steps": "40", "eval_every": "20", "eval_chars": "200",
        "final_chars": "300", "sample_chars": "20"}



def page(query: dict[str, str] | None = None) -> AppTest:
    return open_page(PAGE, query)


def test_a_run_ends_with_every_score_and_a_sample_of_the_vocabulary():
    at = page(TINY)
    assert not at.exception
    assert at.title[0].value == "Forward-Forward on text"
    assert at.sidebar.selectbox(key="ff-text.preset").value == "excerpt-quick"
    button(at, "Start").click().run()
    at = wait_for(at, lambda a: "finished" in status_text(a), timeout=120)
    labels = {m.label: m.value for m in at.metric}
    for label in ("Backprop, same net", "Bigram counts", "Next-character accuracy"):
        assert labels.get(label, "–") != "–", labels
    assert any(label.startswith("FF (softmax over goodness)") and value != "–" for label, value in labels.items())
    sample = [c.value for c in at.code]
    assert sample and len(sample[0]) == 4 + 20, sample
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"chart-text-nats", "chart-text-goodness", "chart-text-candidates"} <= keys


def test_a_bad_context_in_the_link_is_named():
    at = page({**TINY, "context": "0"})
    assert not at.exception
    assert any("context" in e.value and "1 to 128" in e.value for e in at.error), [e.value for e in at.error]
