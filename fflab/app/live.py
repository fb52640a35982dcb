"""The live view: status, progress, metric tiles and charts, redrawn a few times a second.

A fragment with `run_every` set only while a run computes, waits for a slot or
has just been sent a command. Each redraw reads what the runs logged since the
last one (`MetricLog.since`), appends it to this session's copy (bounded), and
rebuilds each figure from that copy with a stable key. When the runs stop
needing polls, it reruns the whole page, so the buttons and the refresh rate
follow and the final metrics (full test set) show.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from fflab import figures as figs
from fflab.app.controls import buttons_stale, roles
from fflab.app.engine import Engine
from fflab.app.url_state import LabState
from fflab.runner import Run, Status

REFRESH_S = 0.3
MAX_RECORDS = 20_000
RECORDS_KEY = "fflab.records"
SERIES_NAMES = {"ff": "FF", "bp": "Backprop"}
BADGES = {Status.QUEUED: "gray", Status.RUNNING: "green", Status.PAUSED: "orange", Status.FINISHED: "blue",
          Status.STOPPED: "gray"}


def render_live(engine: Engine, lab: LabState) -> None:
    polling = engine.needs_polling(roles(lab))
    st.fragment(run_every=REFRESH_S if polling else None)(_live_view)(engine, lab, polling)


def records_of(run: Run) -> list[dict[str, float]]:
    """This session's copy of the run's records, brought up to date (thinned past MAX_RECORDS)."""
    cache: dict[str, dict[str, Any]] = st.session_state.setdefault(RECORDS_KEY, {})
    entry = cache.setdefault(run.id, {"cursor": 0, "records": []})
    new, entry["cursor"] = run.log.since(entry["cursor"])
    records = entry["records"]
    records.extend(new)
    if len(records) > MAX_RECORDS:  # halve the resolution, keeping every evaluation
        entry["records"] = records = [r for i, r in enumerate(records) if i % 2 == 0 or "test_accuracy" in r]
    return records


def _forget_old_records(engine: Engine) -> None:
    cache = st.session_state.get(RECORDS_KEY, {})
    current = {run.id for _, run in engine.items()}
    for run_id in [rid for rid in cache if rid not in current]:
        del cache[run_id]


def _title(run: Run) -> str:
    return run.experiment_cls.title or run.spec.experiment


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _live_view(engine: Engine, lab: LabState, polling: bool) -> None:
    page_roles = roles(lab)
    engine.touch(page_roles)
    if (polling and not engine.needs_polling(page_roles)) or buttons_stale(engine, lab):
        st.rerun(scope="app")  # new refresh rate, buttons for the new status, final metrics
    runs = dict(engine.items(page_roles))
    _forget_old_records(engine)
    if not runs:
        st.info("No run yet. Choose a preset and parameters in the sidebar, then press **Start**.")
        return
    records = {role: records_of(run) for role, run in runs.items()}
    if engine.store_problem:
        st.warning(engine.store_problem.capitalize())
    for role, run in runs.items():
        _status(role, run, lab)
    main = runs.get(lab.experiment)
    if main is not None:
        _tiles(main, records[lab.experiment], runs.get(lab.baseline_name or ""))
    _charts(runs, records, lab)


def _status(role: str, run: Run, lab: LabState) -> None:
    title = _title(run)
    with st.container(key=f"status-{role}"):
        if run.status is Status.FAILED:
            st.error(f"{title} failed: {run.error}")
            with st.expander("Traceback"):
                st.code(run.traceback or "", language="text")
        elif run.status is Status.DIVERGED:
            lr = run.spec.params.get("lr")
            st.warning(f"{title} diverged: {run.status_note}. Lower the learning rate"
                       + (f" (lr was {lr:g})" if isinstance(lr, float) else "") + " and start again.")
        else:
            text = f":{BADGES[run.status]}-badge[{run.status.value}] **{title}**"
            position = run.queue_position if run.status is Status.QUEUED else None
            details = [f"position {position + 1} in the queue"] if position is not None else []
            details += [run.status_note] if run.status_note else []
            if details:
                text += " · " + "; ".join(details)
            if run.status is Status.FINISHED and run.final_metrics:
                text += f" · final test accuracy {_pct(run.final_metrics.get('test_accuracy'))} on the full test set"
            st.markdown(text)
        exp = run.experiment
        if exp is not None and not run.status.terminal:
            st.progress(run.progress, text=f"step {exp.steps_done:,} of {exp.total_steps:,}")
        for note in run.notes:
            st.info(note)


def _tiles(run: Run, records: list[dict], baseline: Run | None) -> None:
    final = run.final_metrics if run.status.terminal else {}
    eval_samples = run.snapshot.get("eval_samples")
    test_acc = final.get("test_accuracy", figs.latest(records, "test_accuracy"))
    train_acc = final.get("train_accuracy", figs.latest(records, "train_accuracy"))
    samples_per_s, elapsed = figs.throughput(records)
    where = ("the full test set, after training" if final else
             f"{eval_samples or 'some'} held-out samples, at the last evaluation")
    cols = st.columns(5 if baseline is not None else 4)
    cols[0].metric("Test accuracy", _pct(test_acc), help=f"Share of test images classified right: {where}.")
    cols[1].metric("Train accuracy", _pct(train_acc),
                   help="Share of training images classified right" + (": all of them." if final else
                                                                       ", on a fixed sample of them."))
    cols[2].metric("Samples/s", f"{samples_per_s:,.0f}", help="Training samples per second, lately.")
    cols[3].metric("Elapsed", f"{elapsed:.1f} s", help="Time spent computing steps (pauses not counted).")
    if baseline is not None:
        base_records = records_of(baseline)
        base_final = baseline.final_metrics if baseline.status.terminal else {}
        base_acc = base_final.get("test_accuracy", figs.latest(base_records, "test_accuracy"))
        cols[4].metric("Backprop accuracy", _pct(base_acc),
                       help="Test accuracy of the backprop baseline (same net, data and seed).")
    if final:
        st.caption("Final metrics, computed on the full test and training sets.")


def _chart(fig: Any, key: str) -> None:
    st.plotly_chart(fig, key=key, width="stretch", config={"displaylogo": False})


def _charts(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    main = runs.get(lab.experiment)
    snapshot = main.snapshot if main is not None else {}
    main_records = records.get(lab.experiment, [])
    classes = snapshot.get("class_names") or []
    series = {SERIES_NAMES.get(role, _title(run)): records[role] for role, run in runs.items()}
    left, right = st.columns(2)
    with left:
        _chart(figs.accuracy_figure(series, chance=1 / len(classes) if classes else None), "chart-accuracy")
    with right:
        threshold = snapshot.get("threshold", lab.values.get("threshold"))
        _chart(figs.goodness_means_figure(main_records, threshold), "chart-goodness-means")
    names = ["Loss per layer", "Goodness histograms", "First-layer weights", "Examples", "Confusion matrix"]
    tabs = st.tabs(names, key="chart-tabs", on_change="rerun")
    loss, hist, weights, examples, confusion = tabs
    if _open(loss):
        with loss:
            _chart(figs.layer_loss_figure(main_records), "chart-loss")
    if _open(hist):
        with hist:
            _chart(figs.goodness_histogram_figure(snapshot), "chart-goodness-hist")
            st.caption("Goodness of 500 fixed training images, each with its true label (positive) and "
                       "with a negative; the dotted line is θ.")
    if _open(weights):
        with weights:
            cols = st.columns(len(runs))
            for col, (role, run) in zip(cols, runs.items(), strict=True):
                with col:
                    st.markdown(f"**{_title(run)}**")
                    _chart(figs.weight_grid_figure(run.snapshot.get("first_layer_weights")), f"chart-weights-{role}")
    if _open(examples):
        with examples:
            _chart(figs.examples_figure(snapshot), "chart-examples")
    if _open(confusion):
        with confusion:
            _chart(figs.confusion_figure(snapshot.get("confusion"), classes), "chart-confusion")
            _confusion_caption(main, snapshot)


def _open(tab: Any) -> bool:
    """Draw only the open tab (`open` is None when tabs do not track state: draw them all)."""
    return tab.open is not False


def _confusion_caption(run: Run | None, snapshot: dict) -> None:
    if run is not None and run.status.terminal and run.final_metrics:
        total = int(snapshot["confusion"].sum()) if "confusion" in snapshot else 0
        st.caption(f"Rows: true class; columns: predicted. On the full test set ({total:,} samples), after training.")
    else:
        st.caption(f"Rows: true class; columns: predicted. On {snapshot.get('eval_samples', 'the')} held-out test "
                   "samples, at the last evaluation (eval_samples).")
