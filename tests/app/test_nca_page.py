"""The NCA page through AppTest: a tiny run shows both grids, the damage button reaches the run, tabs draw."""

from __future__ import annotations

from app_helpers import ROOT, button, live_run, metric, open_page, status_text, wait_for
from streamlit.testing.v1 import AppTest

from fflab.figures import WAITING_TEXT
from fflab.nca.experiment import NCASnapshot

PAGE = str(ROOT / "pages" / "nca.py")
TINY = {"size": "6", "pad": "2", "steps": "100000", "batch": "2", "pool_size": "4", "grow_min": "4", "grow_max": "6",
        "eval_steps": "6", "eval_grids": "2", "ff_rollout": "2", "display_steps": "1"}



def page(query: dict[str, str] | None = None) -> AppTest:
    return open_page(PAGE, query)


def drawn(at: AppTest, key: str) -> bool:
    return any(c.key == key and WAITING_TEXT not in c.proto.spec for c in at.get("plotly_chart"))


def test_a_tiny_run_grows_both_grids_and_a_damage_reaches_it():
    at = page(TINY)
    assert not at.exception
    assert any("Forward-Forward" in m.value for m in at.markdown)  # the teaching text
    button(at, "Start").click().run()
    # the first Adam of a process imports torch's compiler machinery: seconds on a busy machine
    wait_for(at, lambda a: drawn(a, "nca-grids") and metric(a, "Target MSE (ff)") != "–", timeout=120)
    run = live_run("nca")
    assert isinstance(run.snapshot, NCASnapshot) and run.snapshot.rules == ["bptt", "ff"]
    (grids,) = [c for c in at.get("plotly_chart") if c.key == "nca-grids"]
    assert "bptt (backprop through time)" in grids.proto.spec and "target" in grids.proto.spec
    assert drawn(at, "nca-loss") or wait_for(at, lambda a: drawn(a, "nca-loss"))
    button(at, "Damage").click().run()
    wait_for(at, lambda a: isinstance(run.snapshot, NCASnapshot) and run.snapshot.damages == 1
             and metric(a, "Steps to regrow (bptt)") != "–")
    for _ in range(3):
        at.run()
    assert run.experiment.damages == 1  # one press, one damage
    assert at.sidebar.text_input(key="nca.param.damage").value == "0"  # the sidebar's own count is untouched
    for tab, key in (("Update weights", "nca-weights"), ("Final errors", "nca-final")):
        at.session_state["nca-tabs"] = tab
        at.run()
        assert not at.exception and any(c.key == key for c in at.get("plotly_chart")), tab
    button(at, "Stop").click()
    wait_for(at, lambda a: "stopped" in status_text(a))
    assert drawn(at, "nca-final")  # the final errors, measured when the run ended
    assert float(metric(at, "Target MSE (bptt)")) >= 0 and not at.exception


def test_a_bad_pair_of_parameters_fails_the_run_with_its_name():
    at = page({**TINY, "grow_min": "8", "grow_max": "6"})
    button(at, "Start").click()
    wait_for(at, lambda a: any("grow_min" in e.value for e in a.error), timeout=60)
    assert not at.exception and not button(at, "Start").disabled
