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


def test_a_typed_prompt_is_read_by_the_ended_run_and_a_run_that_failed_says_it_has_no_net():
    at = page(TINY)
    button(at, "Start").click().run()
    at = wait_for(at, lambda a: "finished" in status_text(a), timeout=120)
    at.text_area(key="ff-text-prompt-box").input("the").run()
    at = wait_for(at, lambda a: any(c.value.startswith("the") and len(c.value) == 3 + 20 for c in a.code),
                  timeout=30)
    assert "chart-text-prompt-candidates" in {c.key for c in at.get("plotly_chart")}
    failing = page({**TINY, "layer": "ssm", "ssm_r_min": "0.9", "ssm_r_max": "0.5"})  # refused when built
    failing.text_area(key="ff-text-prompt-box").input("the").run()
    button(failing, "Start").click().run()
    failing = wait_for(failing, lambda a: any("no net to read a prompt" in c.value for c in a.caption), timeout=60)
    assert any("failed: ValueError: ssm_r_min (0.9) is above ssm_r_max" in e.value for e in failing.error)
    assert not failing.exception
