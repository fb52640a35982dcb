"""The live view: status, progress, metric tiles and charts, redrawn a few times a second.

A fragment with `run_every` set only while a run computes, waits for a slot or
has just been sent a command. Each redraw reads what the runs logged since the
last one (`MetricLog.since`), appends it to this session's copy (bounded), and
rebuilds each figure from that copy with a stable key. The run buttons are
drawn inside the fragment (the settings row above them is not), so a click
on Pause, Resume or Step redraws only the fragment, with the command already
applied (`Engine._command`): 0.17 s from the click to "paused" on the page in `benchmarks/live_overhead.py`, against 0.95 s
when a click reran the whole page. When the runs stop needing polls, or a run
started or ended (the sidebar locks or unlocks), it reruns the whole page, so
the refresh rate follows and the final metrics (full test set) show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from fflab.app.controls import page_stale, render_buttons, roles, show_messages
from fflab.app.engine import Engine
from fflab.app.url_state import LabState
from fflab.app.views.common import pct, preload_charts
from fflab.runner import Run, Status
from fflab.runner.blowup import learning_rates

REFRESH_S = 0.5  # two redraws a second: each costs the browser a redraw of every changed chart
MAX_RECORDS = 20_000
RECORDS_KEY = "fflab.records"
BADGES = {Status.QUEUED: "gray", Status.RUNNING: "green", Status.PAUSED: "orange", Status.FINISHED: "blue",
          Status.STOPPED: "gray"}


# What a page draws below the statuses: (runs by role, their records by role, the lab) -> None.
View = Callable[[dict[str, Run], dict[str, list[dict]], LabState], None]


def render_live(engine: Engine, lab: LabState, view: View) -> None:
    polling = engine.needs_polling(roles(lab))
    st.fragment(run_every=REFRESH_S if polling else None)(_live_view)(engine, lab, polling, view)


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


def title_of(run: Run) -> str:
    return run.experiment_cls.title or run.spec.experiment


def _live_view(engine: Engine, lab: LabState, polling: bool, view: View) -> None:
    page_roles = roles(lab)
    engine.touch(page_roles)
    if polling != engine.needs_polling(page_roles) or page_stale(engine, lab):  # e.g. Resume after a long pause
        st.rerun(scope="app")  # new refresh rate, the sidebar (un)locked, the URL, final metrics
    render_buttons(engine, lab)
    show_messages(lab)
    runs = dict(engine.items(page_roles))
    _forget_old_records(engine)
    if not runs:
        st.info("No run yet. Choose a preset and parameters in the sidebar, then press **Start**.")
        preload_charts()
        return
    records = {role: records_of(run) for role, run in runs.items()}
    if engine.store_problem:
        st.warning(engine.store_problem.capitalize())
    for role, run in runs.items():
        _status(role, run, lab)
    view(runs, records, lab)


def _status(role: str, run: Run, lab: LabState) -> None:
    title = title_of(run)
    with st.container(key=f"status-{role}"):
        if run.status is Status.FAILED:
            st.error(f"{title} failed: {run.error}")
            with st.expander("Traceback"):
                st.code(run.traceback or "", language="text")
        elif run.status is Status.DIVERGED:
            rates = learning_rates(run.spec.params)
            st.warning(f"{title} diverged: {run.status_note}. Lower the learning rate"
                       + (f" ({rates})" if rates else "") + " and start again.")
        else:
            text = f":{BADGES[run.status]}-badge[{run.status.value}] **{title}**"
            position = run.queue_position if run.status is Status.QUEUED else None
            details = [f"position {position + 1} in the queue: the server lets {run.scheduler.max_sharing} runs "
                       f"share the CPU at once and they all are"] if position is not None else []
            if run.status is Status.RUNNING and run.sharing_with:
                details.append(f"taking turns at the CPU with {run.sharing_with} other "
                               + ("run" if run.sharing_with == 1 else "runs"))
            details += [run.status_note] if run.status_note else []
            details += [run.origin] if run.origin else []  # reopened from the store
            if details:
                text += " · " + "; ".join(details)
            if run.status is Status.FINISHED and "test_accuracy" in run.final_metrics:
                text += f" · final test accuracy {pct(run.final_metrics['test_accuracy'])} on the full test set"
            st.markdown(text)
        exp = run.experiment
        if exp is not None and not run.status.terminal:
            st.progress(run.progress, text=f"step {exp.steps_done:,} of {exp.total_steps:,}")
        for warning in run.warnings:
            st.warning(warning, icon=":material/warning:")
        for note in run.notes:
            st.info(note)
