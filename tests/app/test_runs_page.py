"""The Runs page: saved runs listed with their headline, several overlaid, what differs shown, delete."""

from __future__ import annotations

from app_helpers import ROOT, open_page

from fflab.catalog import get_experiment
from fflab.runner import RunSpec, run_to_end
from fflab.store import RunStore, store_on_end
from fflab.store.compare import differing_params, headline, series

RUNS_PAGE = str(ROOT / "pages" / "runs.py")


def _save(lr: float, steps: int = 30) -> None:
    cls = get_experiment("fastweights-delay")
    params = cls.resolve_params("quick", {"steps": steps, "lr": lr})
    run_to_end(RunSpec("fastweights-delay", params, seed=1, preset="quick"), on_end=[store_on_end()])


def test_an_empty_store_says_how_runs_get_there():
    at = open_page(RUNS_PAGE)
    assert not at.exception
    assert any("No saved runs yet" in i.value for i in at.info)


def test_two_runs_overlaid_with_what_differs_and_deleted():
    _save(0.001)
    _save(0.01, steps=40)
    store = RunStore()
    newer, older = store.list_runs()
    assert headline(newer)[0] == "bit_accuracy"
    at = open_page(RUNS_PAGE)
    table = at.dataframe[0].value
    assert list(table["id"]) == [newer.id, older.id] and list(table["headline"]) == ["bit_accuracy"] * 2
    assert table["open"][0] == f"/fast_weights?run={newer.group_key}"  # delay is the page default
    at.multiselect(key="runs.compare").set_value([newer.id, older.id]).run()
    assert not at.exception
    overlay = next(c for c in at.get("plotly_chart") if c.key == "chart-runs-overlay")
    assert overlay.proto.spec.count('"name"') >= 2
    differs = at.dataframe[1].value
    assert set(differs["parameter"]) == {"lr", "steps"}
    at.toggle(key="runs.log").set_value(True).run()
    assert not at.exception
    at.multiselect(key="runs.compare").set_value([older.id]).run()
    at.checkbox(key="runs.sure").check().run()
    at.button(key="runs.delete").click().run()
    assert [r.id for r in RunStore().list_runs()] == [newer.id]


def test_the_comparison_helpers():
    from fflab.store import RunSummary

    def summary(**params):
        return RunSummary(1, "ff", "quick", params, 0, "cpu", "finished", 0.0, 1.0, 1.0, {}, [], 0, False)

    assert differing_params([summary(lr=0.1, hidden=(8,)), summary(lr=0.2, hidden=(8,))]) == {"lr": [0.1, 0.2]}
    history = [{"step": 1.0, "elapsed_s": 0.5, "loss": 4.0}, {"step": 2.0, "elapsed_s": 1.0},
               {"step": 3.0, "elapsed_s": 1.5, "loss": 2.0}]
    assert series(history, "loss", "step") == ([1.0, 3.0], [4.0, 2.0])
    assert series(history, "loss", "samples", batch_size=10)[0] == [10.0, 30.0]
    assert series(history, "loss", "seconds")[0] == [0.5, 1.5]
    xs, ys = series(history, "loss", "step", smoothing=0.5)
    assert ys[0] == 4.0 and 2.0 < ys[1] < 4.0  # debiased: the first point is the value itself
