"""The Forward-Forward page's "Dead units" tab fills in from a live run's evaluations."""

import json

from app_helpers import FAST, button, page, status_text, wait_for


def _dead_units_chart(at) -> dict | None:
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"]["title"]["text"] == "Dead units per layer":
            return spec
    return None


def test_dead_units_tab_draws_one_line_per_layer_of_a_pcl_run():
    at = page({**FAST, "pcl": "true"})
    button(at, "Start").click().run()
    assert "Dead units" in [t.label for t in at.tabs]
    at.session_state["chart-tabs"] = "Dead units"
    wait_for(at, lambda a: (spec := _dead_units_chart(a)) is not None and len(spec["data"]) == 2)
    spec = _dead_units_chart(at)
    assert [trace["name"] for trace in spec["data"]] == ["layer 1", "layer 2"]
    assert all(0 <= y <= 100 for trace in spec["data"] for y in trace["y"])
    assert any("output exactly zero" in c.value for c in at.caption)
    button(at, "Stop").click()
    wait_for(at, lambda a: "stopped" in status_text(a))
    assert not at.exception
